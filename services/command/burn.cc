#include "services/command/burn.h"

#include <algorithm>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/program.h"
#include "libs/store/command_plan.h"
#include "libs/store/orders.h"

namespace loyalty::command {
namespace {

// What a burn reads after its scope, in order (an unlocked plan for the dry run).
auto BurnReads(const BurnRequest& request, absl::Time now, BurnLoad load,
               const store::MemberRead& read) {
  std::vector<std::string> locked;
  if (load.lock) locked.push_back(request.member_id);
  return std::tuple(store::MemberLock{request.org_id, std::move(locked), now},
                    store::MemberLoad{request.org_id, request.member_id, read},
                    store::OrderEarnedRead{request.org_id, request.member_id, request.order_ref});
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
  LOYALTY_ASSIGN_OR_RETURN(auto reads, store::Load(tx, BurnReads(request, *now, load, read)));
  std::tie(*now, loaded.member, loaded.facts.order_earned) = std::move(reads);
  return loaded;
}

void PrefetchRedemption(const store::Context& context, pg::Transaction& tx,
                        const BurnRequest& request, absl::Time now, const store::MemberRead& read) {
  store::DeclareCommand(context, tx, request.org_id, request.program_id, [&](const std::string&) {
    return BurnReads(request, now, {.lock = true}, read);
  });
}

}  // namespace loyalty::command
