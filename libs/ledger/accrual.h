#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/ledger/change_set.h"
#include "libs/ledger/consumption.h"
#include "libs/ledger/earn.h"
#include "libs/ledger/member.h"
#include "libs/ledger/program.h"
#include "libs/ledger/types.h"

namespace loyalty::ledger {

// An accrual command as the domain sees it (the request's fields, already checked for form).
struct AccrualCommand {
  enum class Kind { kPurchase, kAction, kExplicitPoints, kAdjustment };
  Kind kind = Kind::kExplicitPoints;
  std::string point_type;  // empty: the program's default
  std::string subtype;     // empty: the program's default
  // kPurchase: the order and what it cost.
  std::string order_ref;
  int64_t amount_minor = 0;
  std::string currency;
  // kAction: the action earned, and the caller's reference of it (may be empty).
  std::string action_code;
  std::string action_reference;
  // kExplicitPoints (> 0) and kAdjustment (signed): the points; the description (an
  // adjustment's reason) and the actor of an adjustment.
  Points points = 0;
  std::string description;
  std::string actor;
  std::optional<absl::Time> occurred_at;   // default: now
  std::optional<absl::Time> available_at;  // a later availability than the rules give
  std::optional<absl::Time> expires_at;    // overrides the point type's expiry
};

// What the store read for the decision beside the member, under the member lock.
struct AccrualFacts {
  bool order_burned = false;  // the member's order already burned points (kPurchase)
  bool order_earned = false;  // the order already earned points in the program (kPurchase)
  int32_t action_times = 0;   // times the member already earned the action (kAction)
};

// The decision: what the accrual awards and how.
struct Accrual {
  PointTypeConfig type;
  std::string subtype;
  Points points = 0;        // signed: a negative adjustment takes points away
  bool adjustment = false;  // entries of kind adjustment (else accrual)
  std::string order_ref;    // kPurchase
  std::string description;
  std::string actor;
  // Points > 0: the debt repaid first (redeemable types), the rest credited to one new lot.
  Repayment repayment;
  absl::Time available_at;               // of the new lot
  std::optional<absl::Time> expires_at;  // of the new lot
  Points qualifying = 0;                 // this period's qualifying points added
  std::optional<std::string> tier;       // the member's tier when it moves
  // Points < 0: the lots of the type that pay for it; what they lack becomes debt.
  ConsumptionPlan removal;
  // The origin recorded (the purchase, or the action counted), then for points > 0 the debt
  // repaid, the lot created and the totals and enrolment raised; for points < 0 the lots taken,
  // the totals lowered and the shortfall owed.
  ChangeSet changes;
};

// Decides an accrual on `member` (read under its lock) in `program` (active) at `now`, or refuses
// it: MEMBER_NOT_ACTIVE, NOT_ENROLLED, an unknown point type or subtype (INVALID_ARGUMENT naming
// the field), and for a purchase a currency other than the program's, points beyond
// kMaxCommandPoints (POINTS_LIMIT_EXCEEDED), an order that burned points
// (EARN_AND_BURN_SAME_ORDER) or already earned (DUPLICATE_ORDER); for an action, an unknown code
// or its per-member limit (ACTION_LIMIT_REACHED); an expiry not after the availability.
absl::StatusOr<Accrual> DecideAccrual(const ProgramConfig& program, const MemberState& member,
                                      const AccrualCommand& command, const AccrualFacts& facts,
                                      absl::Time now);

}  // namespace loyalty::ledger
