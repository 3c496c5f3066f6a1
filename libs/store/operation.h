#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/ledger/change_set.h"
#include "libs/ledger/member.h"
#include "libs/ledger/types.h"
#include "libs/pg/transaction.h"
#include "loyalty/internal/v1/events.pb.h"

namespace loyalty::store {

// The caller of the operations the platform makes by itself rather than for a call: the worker's
// jobs, and the release of reservations whose timeout passed (which a command locking the member
// does before the worker gets to it).
inline constexpr char kWorkerCaller[] = "loyalty-worker";

// One operation (a command, or a job's work on one member) inside one SQL transaction: every
// write goes through it, and it gathers the outbox event that describes them. Commit() queues the
// event and returns the ledger position.
//
// Writes are deferred (pg::Transaction::Defer) and go out with COMMIT. The event records each
// row's state after the write, so the operation works that state out itself for the members it
// tracks (Track: their state as read under the member lock); for rows it does not know (a lot
// consumed to zero, an untracked member) the write runs at once and returns the row. Ids
// (operation, ledger position, some lot and entry ids) are taken at Begin in one statement that
// a command may prefetch (Prefetch), so that the ledger position is allocated only after the
// transaction has its transaction id and the member locks, as the projector's ordering needs.
class Operation final {
 public:
  static constexpr int kLotIds = 2;    // lot ids taken at Begin; more cost a round trip each
  static constexpr int kEntryIds = 4;  // ledger entry ids taken at Begin, likewise

  // Declares Begin's id statement for the transaction's first round trip (see Begin).
  static void Prefetch(pg::Transaction& tx);
  // `caller` is who does it (Context::caller, or kWorkerCaller): recorded on the event and on
  // every ledger entry of the operation, for audit; `trace_id` (Context::trace_id, "" for the
  // worker's) beside it on every ledger entry.
  static absl::StatusOr<Operation> Begin(pg::Transaction& tx, const std::string& org_id,
                                         const std::string& name, const std::string& caller,
                                         const std::string& trace_id, absl::Time now);

  int64_t id() const { return event_.operation_id(); }
  absl::Time now() const { return now_; }
  internal::v1::LedgerEvent& event() { return event_; }

  // The member's state as read under its lock: later writes to it are deferred.
  void Track(const ledger::MemberState& member);

  // Writes the changes (see ledger::ChangeSet), in their order; returns the lots created, with
  // their ids.
  absl::StatusOr<std::vector<ledger::Lot>> Write(const ledger::ChangeSet& changes);
  absl::Status Write(const ledger::Change& change, std::vector<ledger::Lot>* created = nullptr);

  // Queues the event and raises the state version of every member it changed.
  absl::StatusOr<int64_t> Commit();

  // The members the operation changed (from its event), by id.
  std::vector<std::string> ChangedMembers() const;
  // A tracked member's state after the operation's writes (null when not tracked); after Commit,
  // with its raised state version.
  const ledger::MemberState* StateAfter(const std::string& member_id) const;

 private:
  Operation(pg::Transaction& tx, absl::Time now) : tx_(&tx), now_(now) {}
  ledger::MemberState* Tracked(const std::string& member_id);
  ledger::Lot* TrackedLot(const std::string& member_id, int64_t lot_id);
  ledger::Enrolment* TrackedEnrolment(const std::string& member_id, const std::string& program_id);
  absl::StatusOr<int64_t> NextId(std::vector<int64_t>& reserved, const pg::Statement& fallback);

  // One per kind of change (operation.cc, operation_changes.cc, operation_records.cc,
  // operation_redemptions.cc).
  absl::Status AddEntry(const ledger::EntryChange& entry);
  absl::StatusOr<ledger::Lot> CreateLot(const ledger::LotCreation& lot);
  absl::Status ChangeLot(const ledger::LotChange& change);
  absl::Status AddTotals(const ledger::TotalsChange& change);
  absl::Status ChangeEnrolment(const ledger::EnrolmentChange& change);
  absl::Status RenewPeriod(const ledger::PeriodRenewal& renewal);
  void Record(const ledger::PurchaseRecorded& purchase);
  void Record(const ledger::PurchaseReturned& purchase);
  void Record(const ledger::ActionCounted& action);
  void Record(const ledger::OrderRolledUp& rollup);
  absl::Status Record(const ledger::ContributionAdded& contribution);  // at once: its total
  void Record(const ledger::RedemptionRecorded& redemption);
  void Record(const ledger::RedemptionCancelled& cancelled);
  void Record(const ledger::ReservationCreated& reservation);
  void Record(const ledger::ReservationResolved& resolved);
  absl::Status Record(const ledger::Enrolled& enrolled);
  // Partner programs (operation_partners.cc): at once, each publishing the row it wrote.
  absl::Status Record(const ledger::LinkMade& link);
  absl::Status Record(const ledger::LinkEnded& link);
  absl::Status Record(const ledger::ConversionRecorded& conversion);
  absl::Status Record(const ledger::ConversionMoved& moved);
  absl::Status Record(const ledger::VoucherIssued& voucher);
  absl::Status Record(const ledger::VoucherChanged& changed);
  // Badges (operation_badges.cc): an award deferred, a clawback at once (publishing its row).
  void Record(const ledger::BadgeAwarded& award);
  absl::Status Record(const ledger::BadgeBonusClawedBack& clawed);
  // Writes an enrolment change: deferred with `changed` as the new state when tracked, else at
  // once, taking the state the statement returns.
  absl::Status WriteEnrolment(const pg::Statement& statement, pg::Params params,
                              const std::string& member_id, const std::string& program_id,
                              const ledger::Enrolment* changed);
  void RecordLot(const std::string& member_id, const ledger::Lot& lot);
  void RecordTotals(const std::string& member_id, const ledger::PointTotals& totals);
  void RecordEnrolment(const std::string& member_id, const ledger::Enrolment& enrolment);

  pg::Transaction* tx_;
  absl::Time now_;
  internal::v1::LedgerEvent event_;
  std::string trace_id_;  // on every ledger entry, beside the event's caller
  int64_t position_ = 0;
  std::vector<int64_t> lot_ids_;  // reserved, not used yet (taken from the back)
  int64_t last_lot_id_ = 0;       // of the lot created last
  std::vector<int64_t> entry_ids_;
  std::vector<ledger::MemberState> tracked_;
};

}  // namespace loyalty::store
