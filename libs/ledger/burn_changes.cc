#include "libs/ledger/burn_changes.h"

#include <map>
#include <optional>
#include <utility>

namespace loyalty::ledger {

void AddBurnChanges(const BurnScope& scope, const std::string& member_id, const BurnPlan& plan,
                    EntryKind kind, const std::string& order_ref, const std::string& description,
                    ChangeSet* changes) {
  std::map<std::pair<std::string, std::string>, Points> by_type;
  for (const LotTake& take : plan.consumption.takes) {
    changes->Add(LotChange{LotChange::Kind::kConsume, member_id, take.lot_id, take.points});
    by_type[{take.program_id, take.point_type}] += take.points;
  }
  const Points shortfall = plan.consumption.shortfall;
  if (shortfall > 0) {
    by_type[{scope.pricing.program_id, scope.pricing.default_point_type}] += shortfall;
  }
  for (const auto& [key, points] : by_type) {
    changes->Add(
        EntryChange{member_id, key.first, key.second, kind, -points, order_ref, description, ""});
  }
  for (const ProgramPoints& program : plan.breakup) {
    const bool charged = program.program_id == scope.pricing.program_id;
    changes->Add(
        EnrolmentChange{member_id, program.program_id, charged ? shortfall : 0, std::nullopt});
  }
}

}  // namespace loyalty::ledger
