#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "libs/ledger/badge_config.h"
#include "libs/ledger/dates.h"
#include "libs/ledger/earn.h"
#include "libs/ledger/redemption_rules.h"
#include "libs/ledger/tiers.h"
#include "libs/ledger/types.h"

namespace loyalty::ledger {

struct PointTypeConfig {
  std::string code;
  bool redeemable = true;
  bool counts_toward_tier = false;
  ExpiryPolicy expiry;
};

struct ActionConfig {
  std::string code;
  Points points = 0;
  int32_t per_member_limit = 0;
};

// A program and its rules, as the command path needs them.
struct ProgramConfig {
  std::string org_id;
  std::string program_id;
  std::string name;
  std::string currency;
  std::string status;  // draft | active | closed
  EarnRate earn_rate;
  RedemptionRatio ratio;
  RedemptionRules rules;
  bool overdraft_allowed = false;
  Points overdraft_limit = 0;
  int32_t hold_days = 0;
  std::string period_kind;  // calendar_year | rolling_months
  int32_t period_months = 12;
  std::string default_point_type;
  std::string default_subtype;
  bool is_default = false;
  std::vector<PointTypeConfig> point_types;
  std::vector<std::string> subtypes;
  std::vector<Tier> tiers;  // by threshold
  std::vector<ActionConfig> actions;
  std::vector<Badge> badges;  // by badge id

  const PointTypeConfig* FindPointType(const std::string& code) const;
  const ActionConfig* FindAction(const std::string& code) const;
  bool HasSubtype(const std::string& code) const;
  const Tier* FindTier(const std::string& code) const;
  // Overdraft is allowed to a member in `tier` (empty: no tier).
  bool OverdraftAllowedFor(const std::string& tier) const;
};

// How group totals are valued: the default program's currency and ratio.
struct GroupValuation {
  std::string currency;
  RedemptionRatio ratio;
};
// The valuation of an org's programs: its default program's (nullopt when it has none).
std::optional<GroupValuation> GroupValuationOf(const std::vector<ProgramConfig>& programs);

// OK when active; FAILED_PRECONDITION PROGRAM_NOT_ACTIVE otherwise.
absl::Status RequireActive(const ProgramConfig& program);

}  // namespace loyalty::ledger
