#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/ledger/badge_changes.h"
#include "libs/ledger/burn.h"
#include "libs/ledger/member.h"
#include "libs/ledger/partner_changes.h"
#include "libs/ledger/types.h"

namespace loyalty::ledger {

// What a ledger entry records (stored as "accrual", ... and published as LedgerEntryKind).
enum class EntryKind {
  kAccrual,
  kRedemption,
  kTransferOut,
  kTransferIn,
  kReversal,
  kExpiry,
  kAdjustment,
  kOverdraftRepayment,
  kRedemptionCancellation,
  kConversion,
  kConversionReturn,
};
// "accrual", "redemption", ..., "conversion_return": as stored and shown.
const char* EntryKindName(EntryKind kind);

// One ledger entry: a points movement of a member in a program and point type.
struct EntryChange {
  std::string member_id;
  std::string program_id;
  std::string point_type;
  EntryKind kind = EntryKind::kAccrual;
  Points points = 0;  // signed
  std::string order_ref;
  std::string description;
  std::string actor;
};

// A lot to create; it gets its id and award time when written.
struct LotCreation {
  std::string member_id;
  std::string program_id;
  std::string point_type;
  std::string subtype;
  bool redeemable = true;
  Points amount = 0;
  absl::Time available_at;
  std::optional<absl::Time> expires_at;
  std::string order_ref;
  std::optional<int64_t> origin_lot_id;  // the lot a transfer moved the points from
};

// A change of an existing lot.
struct LotChange {
  enum class Kind {
    kConsume,  // lowers remaining by `points`, which must be free (not held)
    kRestore,  // gives `points` back to a consumed lot (a cancelled redemption)
    kHold,     // holds (points > 0) or releases (points < 0) free points for a reservation
  };
  Kind kind = Kind::kConsume;
  std::string member_id;
  int64_t lot_id = 0;
  Points points = 0;
};

// Adds to a member's running totals of a program and point type.
struct TotalsChange {
  std::string member_id;
  std::string program_id;
  std::string point_type;
  Points lifetime = 0;
  Points qualifying = 0;
};

// Adds `debt` to the enrolment's debt, sets the tier when `tier` has a value (reached at the
// change's time), and (unless told otherwise) marks the member active in the program, for
// inactivity expiry.
struct EnrolmentChange {
  std::string member_id;
  std::string program_id;
  Points debt = 0;
  std::optional<std::string> tier;
  bool mark_activity = true;
};

// Starts a new qualification period with the tier it qualified for (carried over: a later
// reversal does not move it down) and no qualifying points.
struct PeriodRenewal {
  std::string member_id;
  std::string program_id;
  std::string tier;
  absl::Time start;
  absl::Time end;
};

// The order a purchase accrual earned on (it may not earn again, and a return claws back from
// it).
struct PurchaseRecorded {
  std::string member_id;
  std::string program_id;
  std::string order_ref;
  std::string point_type;
  int64_t amount_minor = 0;
  std::string currency;
  Points points = 0;
};

// A return of part or all of a recorded order: the cumulative amount returned and points taken;
// what this return added to them, and when the order was recorded (for the badges' spend by day).
struct PurchaseReturned {
  std::string member_id;
  std::string program_id;
  std::string order_ref;
  int64_t returned_minor = 0;
  Points reversed_points = 0;
  int64_t returned_now_minor = 0;
  Points reversed_now = 0;
  absl::Time recorded_at;
};

// One more time the member earned an action.
struct ActionCounted {
  std::string member_id;
  std::string program_id;
  std::string action_code;
};

// The household membership (the member and its start) a positive qualifying accrual of the
// member's order rolled up through, recorded on the order for its returns.
struct OrderRolledUp {
  std::string member_id;
  std::string program_id;
  std::string order_ref;
  std::string household_id;
  absl::Time membership_start;
};

// Adds `qualifying` to what a household membership contributed to the household in one program
// and qualification period of the household (its period_start).
struct ContributionAdded {
  std::string household_id;
  std::string member_id;
  absl::Time membership_start;
  std::string program_id;
  absl::Time period_start;
  Points qualifying = 0;
};

// A redemption (its id is the operation's): its row, the lots it took and its points by program,
// published as the event's redemption.
struct RedemptionRecorded {
  std::string member_id;
  std::string program_id;  // the pricing program (a group redemption's: the default program)
  bool group = false;
  Points points = 0;  // overdraft_points included
  int64_t value_minor = 0;
  std::string currency;
  std::string order_ref;
  std::string reward;
  std::vector<LotTake> lots;           // in consumption order
  std::vector<ProgramPoints> breakup;  // by program id
  Points overdraft_points = 0;
  int64_t reservation_id = 0;  // the reservation it captured, 0 for none
};

// A redemption cancelled, published as the event's redemption (marked cancelled).
struct RedemptionCancelled {
  std::string member_id;
  int64_t redemption_id = 0;
  std::string program_id;
  Points points = 0;
};

// Points of one lot held by a reservation.
struct LotHold {
  int64_t lot_id = 0;
  Points points = 0;

  bool operator==(const LotHold&) const = default;
};

// A reservation (its id is the operation's), open until `expires_at`, and the points it holds.
struct ReservationCreated {
  std::string member_id;
  std::string program_id;  // the pricing program
  bool group = false;
  Points points = 0;
  std::string order_ref;
  std::string reward;
  absl::Time expires_at;
  std::vector<LotHold> lots;  // by consumption order
};

// An open reservation resolved: "captured" or "voided".
struct ReservationResolved {
  std::string member_id;
  int64_t reservation_id = 0;
  std::string status;
};

// A member enrolled in a program at the operation's time, in its starting tier (reached then;
// none when nullopt) and first qualification period, with no debt.
struct Enrolled {
  std::string member_id;
  std::string program_id;
  std::optional<std::string> tier;
  absl::Time period_start;
  absl::Time period_end;
};

using Change = std::variant<EntryChange, LotCreation, LotChange, TotalsChange, EnrolmentChange,
                            PeriodRenewal, PurchaseRecorded, PurchaseReturned, ActionCounted,
                            OrderRolledUp, ContributionAdded, RedemptionRecorded,
                            RedemptionCancelled, ReservationCreated, ReservationResolved, Enrolled,
                            LinkMade, LinkEnded, ConversionRecorded, ConversionMoved, VoucherIssued,
                            VoucherChanged, BadgeAwarded, BadgeBonusClawedBack>;

// What a decision changes, as plain values, in the order the changes are made: the store writes
// them (store::Operation::Write) and publishes them as the operation's event.
struct ChangeSet {
  std::vector<Change> changes;

  ChangeSet& Add(Change change) {
    changes.push_back(std::move(change));
    return *this;
  }
};

// The rules of each change on a member's state, used by Apply and by the store for the members
// it tracks. INTERNAL when the change breaks the state's bounds (a lot's remaining outside
// 0..amount, held outside 0..remaining): the decision that made it was wrong.
Lot LotOf(const LotCreation& creation, int64_t lot_id, absl::Time at);
absl::Status ChangeLot(const LotChange& change, Lot* lot);
void AddTotals(const TotalsChange& change, MemberState* member);
void ChangeEnrolment(const EnrolmentChange& change, absl::Time at, Enrolment* enrolment);
void RenewPeriod(const PeriodRenewal& renewal, Enrolment* enrolment);
Enrolment EnrolmentOf(const Enrolled& enrolled, absl::Time at);
// INTERNAL when the member is enrolled in the program already.
absl::Status AddEnrolment(const Enrolled& enrolled, absl::Time at, MemberState* member);

// The member's state after the changes made at `at`, those of other members left out. New lots
// are numbered after the highest lot id the state holds (the store numbers them for real).
// INTERNAL for a change of a lot or enrolment the state does not hold, or one that breaks its
// bounds.
absl::StatusOr<MemberState> Apply(const ChangeSet& changes, MemberState member, absl::Time at);

}  // namespace loyalty::ledger
