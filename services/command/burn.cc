#include "services/command/burn.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/limits.h"
#include "libs/ledger/redemption_rules.h"
#include "libs/rpc/convert.h"

namespace loyalty::command {
namespace {

constexpr pg::Statement kSelectPurchaseByOrder{
    "burn_select_purchase_by_order",
    "SELECT 1 FROM purchases WHERE org_id = $1 AND member_id = $2 AND order_ref = $3 LIMIT 1"};

pg::Params OrderParams(const std::string& org_id, const std::string& member_id,
                       const std::string& order_ref) {
  return pg::Params().Add(org_id).Add(member_id).Add(order_ref);
}

bool InScope(const BurnScope& scope, const std::string& program_id) {
  return std::any_of(scope.programs.begin(), scope.programs.end(),
                     [&](const ProgramConfig& p) { return p.program_id == program_id; });
}

// The member's available points across the scope (debts included).
ledger::Points ScopeAvailable(const BurnScope& scope, const MemberState& member, absl::Time now) {
  ledger::Points available = 0;
  for (const ProgramConfig& program : scope.programs) {
    if (member.FindEnrolment(program.program_id) == nullptr) continue;
    const ledger::Points program_available =
        ProgramBalanceOf(member, program.program_id, now).available;
    available = ledger::SaturatingAdd(available, program_available);
  }
  return available;
}

}  // namespace

absl::StatusOr<BurnScope> LoadBurnScope(pg::Transaction& tx, const std::string& org_id,
                                        const std::string& program_id, bool group,
                                        ConfigCache* cache) {
  BurnScope scope;
  scope.group = group;
  if (!group) {
    LOYALTY_ASSIGN_OR_RETURN(scope.pricing, LoadProgram(tx, org_id, program_id, cache));
    LOYALTY_RETURN_IF_ERROR(RequireActive(scope.pricing));
    scope.programs.push_back(scope.pricing);
    return scope;
  }
  LOYALTY_ASSIGN_OR_RETURN(std::vector<ProgramConfig> programs, LoadPrograms(tx, org_id, cache));
  auto default_program = std::find_if(programs.begin(), programs.end(),
                                      [](const ProgramConfig& p) { return p.is_default; });
  if (default_program == programs.end()) {
    return Refused(ledger::kProgramNotActive, absl::StrCat("org '", org_id, "' has no program"));
  }
  scope.pricing = *default_program;
  LOYALTY_RETURN_IF_ERROR(RequireActive(scope.pricing));
  for (ProgramConfig& program : programs) {
    if (program.status == "active") scope.programs.push_back(std::move(program));
  }
  return scope;
}

absl::StatusOr<BurnPlan> PlanBurn(const BurnScope& scope, const MemberState& member,
                                  ledger::Points points, absl::Time now, const BurnRules& rules) {
  if (rules.validate_redemption) {
    LOYALTY_RETURN_IF_ERROR(ledger::ValidateRedemption(points, scope.pricing.rules));
  }
  std::vector<ledger::Lot> lots;
  for (const ledger::Lot& lot : member.lots) {
    if (InScope(scope, lot.program_id)) lots.push_back(lot);
  }
  BurnPlan plan;
  plan.consumption = ledger::PlanConsumption(lots, points, now);
  const ledger::Points available = ScopeAvailable(scope, member, now);
  const Enrolment* enrolment = member.FindEnrolment(scope.pricing.program_id);
  const bool overdraft = rules.allow_overdraft && !scope.group && enrolment != nullptr &&
                         scope.pricing.OverdraftAllowedFor(enrolment->tier);
  const ledger::Points positive = std::max<ledger::Points>(0, available);
  const absl::Status balance_check = ledger::CheckOverdraft(
      std::max<ledger::Points>(0, points - positive), std::max<ledger::Points>(0, -available),
      overdraft, scope.pricing.overdraft_limit);
  if (!balance_check.ok()) {
    return Refused(ledger::kInsufficientPoints,
                   absl::StrCat("wanted ", points, " points, ", positive, " available"));
  }
  std::map<std::string, ledger::Points> by_program;
  for (const ledger::LotTake& take : plan.consumption.takes) {
    by_program[take.program_id] += take.points;
  }
  if (plan.consumption.shortfall > 0) {
    by_program[scope.pricing.program_id] += plan.consumption.shortfall;
  }
  for (const auto& [program_id, program_points] : by_program) {
    v1::ProgramBreakup breakup;
    breakup.set_program_id(program_id);
    breakup.set_points(program_points);
    plan.breakup.push_back(std::move(breakup));
  }
  plan.value_minor = ledger::RedemptionValue(points, scope.pricing.ratio);
  if (rules.validate_redemption && plan.value_minor > ledger::kMaxAmountMinor) {
    return Refused(ledger::kPointsLimitExceeded,
                   absl::StrCat("the redemption's value would pass ", ledger::kMaxAmountMinor,
                                " minor units"));
  }
  return plan;
}

absl::Status RequireOrderNotEarned(pg::Transaction& tx, const std::string& org_id,
                                   const std::string& member_id, const std::string& order_ref) {
  if (order_ref.empty()) return absl::OkStatus();
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx.Execute(kSelectPurchaseByOrder,
                                              OrderParams(org_id, member_id, order_ref)));
  if (row.Rows() == 0) return absl::OkStatus();
  return Refused(ledger::kEarnAndBurnSameOrder,
                 absl::StrCat("order '", order_ref, "' already earned points"));
}

absl::Status ApplyBurn(Operation& operation, const BurnScope& scope, const std::string& member_id,
                       const BurnPlan& plan, v1::LedgerEntryKind kind,
                       const std::string& order_ref, const std::string& description) {
  std::map<std::pair<std::string, std::string>, ledger::Points> by_type;
  for (const ledger::LotTake& take : plan.consumption.takes) {
    LOYALTY_RETURN_IF_ERROR(operation.ConsumeLot(member_id, take.lot_id, take.points));
    by_type[{take.program_id, take.point_type}] += take.points;
  }
  const ledger::Points shortfall = plan.consumption.shortfall;
  if (shortfall > 0) {
    by_type[{scope.pricing.program_id, scope.pricing.default_point_type}] += shortfall;
  }
  for (const auto& [key, points] : by_type) {
    LOYALTY_RETURN_IF_ERROR(operation.AddEntry(
        {member_id, key.first, key.second, kind, -points, order_ref, description, ""}));
  }
  for (const v1::ProgramBreakup& program : plan.breakup) {
    const bool charged = program.program_id() == scope.pricing.program_id;
    LOYALTY_RETURN_IF_ERROR(operation.ChangeEnrolment(member_id, program.program_id(),
                                              charged ? shortfall : 0, std::nullopt));
  }
  return absl::OkStatus();
}

absl::StatusOr<DecidedBurn> DecideRedemption(pg::Transaction& tx, const BurnRequest& request,
                                             absl::Time* now, bool lock, bool allow_overdraft,
                                             ConfigCache* cache, const MemberRead& read) {
  DecidedBurn decided;
  LOYALTY_ASSIGN_OR_RETURN(decided.scope,
                   LoadBurnScope(tx, request.org_id, request.program_id, request.group, cache));
  if (lock) LOYALTY_RETURN_IF_ERROR(LockForCommand(tx, request.org_id, {request.member_id}, now));
  LOYALTY_ASSIGN_OR_RETURN(decided.member, LoadMember(tx, request.org_id, request.member_id, read));
  LOYALTY_RETURN_IF_ERROR(RequireActiveMember(decided.member));
  if (!request.group) {
    LOYALTY_RETURN_IF_ERROR(
        RequireEnrolment(decided.member, decided.scope.pricing.program_id).status());
  }
  LOYALTY_RETURN_IF_ERROR(
      RequireOrderNotEarned(tx, request.org_id, request.member_id, request.order_ref));
  LOYALTY_ASSIGN_OR_RETURN(decided.plan,
                   PlanBurn(decided.scope, decided.member, request.points, *now,
                            {.validate_redemption = true, .allow_overdraft = allow_overdraft}));
  return decided;
}

void PrefetchRedemption(pg::Transaction& tx, const BurnRequest& request, absl::Time now,
                        ConfigCache* cache, const MemberRead& read) {
  if (!PrefetchConfig(tx, request.org_id, request.program_id, cache).has_value()) return;
  PrefetchLockForCommand(tx, request.org_id, request.member_id, now);
  PrefetchMember(tx, request.org_id, request.member_id, read);
  if (!request.order_ref.empty()) {
    tx.Prefetch(kSelectPurchaseByOrder,
                OrderParams(request.org_id, request.member_id, request.order_ref));
  }
  Operation::Prefetch(tx);
}

void ToLotConsumptions(const BurnPlan& plan,
                       google::protobuf::RepeatedPtrField<v1::LotConsumption>* out) {
  for (const ledger::LotTake& take : plan.consumption.takes) {
    v1::LotConsumption* lot = out->Add();
    lot->set_lot_id(take.lot_id);
    lot->set_program_id(take.program_id);
    lot->set_point_type(take.point_type);
    lot->set_points(take.points);
    rpc::ToOptionalTimestamp(take.expires_at, [&] { return lot->mutable_expires_at(); });
  }
}

}  // namespace loyalty::command
