#include "libs/ledger/program.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"

namespace loyalty::ledger {

const PointTypeConfig* ProgramConfig::FindPointType(const std::string& code) const {
  for (const PointTypeConfig& type : point_types) {
    if (type.code == code) return &type;
  }
  return nullptr;
}

const ActionConfig* ProgramConfig::FindAction(const std::string& code) const {
  for (const ActionConfig& action : actions) {
    if (action.code == code) return &action;
  }
  return nullptr;
}

bool ProgramConfig::HasSubtype(const std::string& code) const {
  return std::find(subtypes.begin(), subtypes.end(), code) != subtypes.end();
}

const Tier* ProgramConfig::FindTier(const std::string& code) const {
  for (const Tier& tier : tiers) {
    if (tier.code == code) return &tier;
  }
  return nullptr;
}

bool ProgramConfig::OverdraftAllowedFor(const std::string& tier) const {
  if (!overdraft_allowed) return false;
  if (tiers.empty()) return true;
  const Tier* current = FindTier(tier);
  return current != nullptr && current->overdraft_allowed;
}

std::optional<GroupValuation> GroupValuationOf(const std::vector<ProgramConfig>& programs) {
  for (const ProgramConfig& program : programs) {
    if (program.is_default) return GroupValuation{program.currency, program.ratio};
  }
  return std::nullopt;
}

absl::Status RequireActive(const ProgramConfig& program) {
  if (program.status == "active") return absl::OkStatus();
  return Refused(kProgramNotActive,
                 absl::StrCat("program '", program.program_id, "' is ", program.status));
}

}  // namespace loyalty::ledger
