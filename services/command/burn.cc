#include "services/command/burn.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/program.h"

namespace loyalty::command {
namespace {

constexpr pg::Statement kSelectPurchaseByOrder{
    "burn_select_purchase_by_order",
    "SELECT 1 FROM purchases WHERE org_id = $1 AND member_id = $2 AND order_ref = $3 LIMIT 1"};

pg::Params OrderParams(const BurnRequest& request) {
  return pg::Params().Add(request.org_id).Add(request.member_id).Add(request.order_ref);
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

ledger::BurnCommand BurnCommandOf(const BurnRequest& request) {
  return {request.points, request.order_ref, request.reward};
}

absl::StatusOr<LoadedBurn> LoadBurn(pg::Transaction& tx, const BurnRequest& request,
                                    absl::Time* now, BurnLoad load, store::ConfigCache* cache,
                                    const store::MemberRead& read) {
  LoadedBurn loaded;
  LOYALTY_ASSIGN_OR_RETURN(
      loaded.scope, LoadBurnScope(tx, request.org_id, request.program_id, request.group, cache));
  if (load.lock) {
    LOYALTY_RETURN_IF_ERROR(store::LockForCommand(tx, request.org_id, {request.member_id}, now));
  }
  LOYALTY_ASSIGN_OR_RETURN(loaded.member,
                           store::LoadMember(tx, request.org_id, request.member_id, read));
  if (!request.order_ref.empty()) {
    LOYALTY_ASSIGN_OR_RETURN(pg::Result row,
                             tx.Execute(kSelectPurchaseByOrder, OrderParams(request)));
    loaded.facts.order_earned = row.Rows() > 0;
  }
  return loaded;
}

void PrefetchRedemption(pg::Transaction& tx, const BurnRequest& request, absl::Time now,
                        store::ConfigCache* cache, const store::MemberRead& read) {
  if (!store::PrefetchConfig(tx, request.org_id, request.program_id, cache).has_value()) return;
  store::PrefetchLockForCommand(tx, request.org_id, request.member_id, now);
  store::PrefetchMember(tx, request.org_id, request.member_id, read);
  if (!request.order_ref.empty()) tx.Prefetch(kSelectPurchaseByOrder, OrderParams(request));
  store::Operation::Prefetch(tx);
}

}  // namespace loyalty::command
