#include "services/command/burn.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/limits.h"
#include "libs/ledger/member.h"
#include "libs/ledger/program.h"
#include "libs/ledger/redemption_rules.h"

namespace loyalty::command {
namespace {

constexpr pg::Statement kSelectPurchaseByOrder{
    "burn_select_purchase_by_order",
    "SELECT 1 FROM purchases WHERE org_id = $1 AND member_id = $2 AND order_ref = $3 LIMIT 1"};

pg::Params OrderParams(const std::string& org_id, const std::string& member_id,
                       const std::string& order_ref) {
  return pg::Params().Add(org_id).Add(member_id).Add(order_ref);
}

}  // namespace

absl::StatusOr<ledger::BurnScope> LoadBurnScope(pg::Transaction& tx, const std::string& org_id,
                                                const std::string& program_id, bool group,
                                                store::ConfigCache* cache) {
  ledger::BurnScope scope;
  scope.group = group;
  if (!group) {
    LOYALTY_ASSIGN_OR_RETURN(scope.pricing, store::LoadProgram(tx, org_id, program_id, cache));
    LOYALTY_RETURN_IF_ERROR(ledger::RequireActive(scope.pricing));
    scope.programs.push_back(scope.pricing);
    return scope;
  }
  LOYALTY_ASSIGN_OR_RETURN(std::vector<ledger::ProgramConfig> programs,
                           store::LoadPrograms(tx, org_id, cache));
  auto default_program = std::find_if(programs.begin(), programs.end(),
                                      [](const ledger::ProgramConfig& p) { return p.is_default; });
  if (default_program == programs.end()) {
    return Refused(ledger::kProgramNotActive, absl::StrCat("org '", org_id, "' has no program"));
  }
  scope.pricing = *default_program;
  LOYALTY_RETURN_IF_ERROR(ledger::RequireActive(scope.pricing));
  for (ledger::ProgramConfig& program : programs) {
    if (program.status == "active") scope.programs.push_back(std::move(program));
  }
  return scope;
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

absl::Status ApplyBurn(store::Operation& operation, const ledger::BurnScope& scope,
                       const std::string& member_id, const ledger::BurnPlan& plan,
                       ledger::EntryKind kind, const std::string& order_ref,
                       const std::string& description) {
  std::map<std::pair<std::string, std::string>, ledger::Points> by_type;
  for (const ledger::LotTake& take : plan.consumption.takes) {
    LOYALTY_RETURN_IF_ERROR(operation.Write(ledger::LotChange{ledger::LotChange::Kind::kConsume, member_id, take.lot_id, take.points}));
    by_type[{take.program_id, take.point_type}] += take.points;
  }
  const ledger::Points shortfall = plan.consumption.shortfall;
  if (shortfall > 0) {
    by_type[{scope.pricing.program_id, scope.pricing.default_point_type}] += shortfall;
  }
  for (const auto& [key, points] : by_type) {
    LOYALTY_RETURN_IF_ERROR(operation.Write(ledger::EntryChange{
        member_id, key.first, key.second, kind, -points, order_ref, description, ""}));
  }
  for (const ledger::ProgramPoints& program : plan.breakup) {
    const bool charged = program.program_id == scope.pricing.program_id;
    LOYALTY_RETURN_IF_ERROR(operation.Write(ledger::EnrolmentChange{
        member_id, program.program_id, charged ? shortfall : 0, std::nullopt}));
  }
  return absl::OkStatus();
}

absl::StatusOr<DecidedBurn> DecideRedemption(pg::Transaction& tx, const BurnRequest& request,
                                             absl::Time* now, RedemptionMode mode,
                                             store::ConfigCache* cache,
                                             const store::MemberRead& read) {
  DecidedBurn decided;
  LOYALTY_ASSIGN_OR_RETURN(decided.scope,
                   LoadBurnScope(tx, request.org_id, request.program_id, request.group, cache));
  if (mode.lock)
    LOYALTY_RETURN_IF_ERROR(store::LockForCommand(tx, request.org_id, {request.member_id}, now));
  LOYALTY_ASSIGN_OR_RETURN(decided.member,
                           store::LoadMember(tx, request.org_id, request.member_id, read));
  LOYALTY_RETURN_IF_ERROR(ledger::RequireActiveMember(decided.member));
  if (!request.group) {
    LOYALTY_RETURN_IF_ERROR(
        ledger::RequireEnrolment(decided.member, decided.scope.pricing.program_id).status());
  }
  LOYALTY_RETURN_IF_ERROR(
      RequireOrderNotEarned(tx, request.org_id, request.member_id, request.order_ref));
  LOYALTY_ASSIGN_OR_RETURN(
      decided.plan,
      ledger::PlanBurn(decided.scope, decided.member, request.points, *now,
                       {.validate_redemption = true, .allow_overdraft = mode.allow_overdraft}));
  return decided;
}

void PrefetchRedemption(pg::Transaction& tx, const BurnRequest& request, absl::Time now,
                        store::ConfigCache* cache, const store::MemberRead& read) {
  if (!store::PrefetchConfig(tx, request.org_id, request.program_id, cache).has_value()) return;
  store::PrefetchLockForCommand(tx, request.org_id, request.member_id, now);
  store::PrefetchMember(tx, request.org_id, request.member_id, read);
  if (!request.order_ref.empty()) {
    tx.Prefetch(kSelectPurchaseByOrder,
                OrderParams(request.org_id, request.member_id, request.order_ref));
  }
  store::Operation::Prefetch(tx);
}

}  // namespace loyalty::command
