#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/ledger/consumption.h"
#include "libs/pg/transaction.h"
#include "loyalty/v1/command.pb.h"
#include "services/command/catalog.h"
#include "services/command/member_state.h"
#include "services/command/operation.h"
#include "libs/ledger/types.h"

namespace loyalty::command {

// Where a burn may take points from, and whose rules price it: one program, or all programs of
// the org priced by the default (group) program.
struct BurnScope {
  std::vector<ProgramConfig> programs;  // programs whose lots may be spent (active ones)
  ProgramConfig pricing;                // the program whose ratio and validations apply
  bool group = false;
};

// Loads the scope: `program_id` (empty: default) for a program burn, or every active program
// for a group burn. FAILED_PRECONDITION PROGRAM_NOT_ACTIVE when the pricing program is not active.
absl::StatusOr<BurnScope> LoadBurnScope(pg::Transaction& tx, const std::string& org_id,
                                        const std::string& program_id, bool group,
                                        ConfigCache* cache);

struct BurnRules {
  bool validate_redemption = true;  // program min / max / multiple-of (redemptions only)
  bool allow_overdraft = false;     // the pricing program's overdraft rule may apply
};

struct BurnPlan {
  ledger::ConsumptionPlan consumption;  // lots to take; shortfall becomes debt (overdraft)
  std::vector<v1::ProgramBreakup> breakup;  // per program, shortfall charged to pricing program
  int64_t value_minor = 0;                  // value of the points at the pricing ratio
};

// Decides a burn of `points` by `member` at `now`: validations, then closest-expiry-first lot
// order across the scope, then the balance check (INSUFFICIENT_POINTS unless an allowed overdraft
// covers it). No effect.
absl::StatusOr<BurnPlan> PlanBurn(const BurnScope& scope, const MemberState& member,
                                  ledger::Points points, absl::Time now, const BurnRules& rules);

// FAILED_PRECONDITION EARN_AND_BURN_SAME_ORDER when the member's order already earned points.
absl::Status RequireOrderNotEarned(pg::Transaction& tx, const std::string& org_id,
                                   const std::string& member_id, const std::string& order_ref);

// Takes the plan's lots from the member: lowers them, writes one `kind` ledger entry per program
// and point type, charges the shortfall to the pricing program's debt, and marks the member
// active in every program touched.
absl::Status ApplyBurn(Operation& operation, const BurnScope& scope, const std::string& member_id,
                       const BurnPlan& plan, v1::LedgerEntryKind kind,
                       const std::string& order_ref, const std::string& description);

// The fields every burn request (redeem, group redeem, reserve) shares.
struct BurnRequest {
  const std::string& org_id;
  const std::string& member_id;
  const std::string& program_id;  // empty: the default program
  bool group;
  ledger::Points points;
  const std::string& order_ref;
  const std::string& reward;
};

struct DecidedBurn {
  BurnScope scope;
  MemberState member;
  BurnPlan plan;
};

// Everything a redemption checks, shared by Redeem, GroupRedeem, ReservePoints and the dry run
// (which passes lock = false). A reservation passes allow_overdraft = false. `read` says how
// the member is read (every lot, always: a burn spends lots). The lock raises `*now` (see
// LockForCommand).
absl::StatusOr<DecidedBurn> DecideRedemption(pg::Transaction& tx, const BurnRequest& request,
                                             absl::Time* now, bool lock, bool allow_overdraft,
                                             ConfigCache* cache, const MemberRead& read = {});

// Declares what DecideRedemption with lock = true reads, in its order, and Operation::Begin's ids
// after it, for the transaction's first round trip.
void PrefetchRedemption(pg::Transaction& tx, const BurnRequest& request, absl::Time now,
                        ConfigCache* cache, const MemberRead& read);

// LotConsumption messages of the plan.
void ToLotConsumptions(const BurnPlan& plan,
                       google::protobuf::RepeatedPtrField<v1::LotConsumption>* out);

}  // namespace loyalty::command
