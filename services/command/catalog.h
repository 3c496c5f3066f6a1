#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/ledger/dates.h"
#include "libs/ledger/earn.h"
#include "libs/ledger/redemption_rules.h"
#include "libs/ledger/tiers.h"
#include "libs/pg/transaction.h"
#include "services/command/config_cache.h"

namespace loyalty::command {

struct PointTypeConfig {
  std::string code;
  bool redeemable = true;
  bool counts_toward_tier = false;
  ledger::ExpiryPolicy expiry;
};

struct ActionConfig {
  std::string code;
  ledger::Points points = 0;
  int32_t per_member_limit = 0;
};

// A program and its rules, as the command path needs them.
struct ProgramConfig {
  std::string org_id;
  std::string program_id;
  std::string name;
  std::string currency;
  std::string status;  // draft | active | closed
  ledger::EarnRate earn_rate;
  ledger::RedemptionRatio ratio;
  ledger::RedemptionRules rules;
  bool overdraft_allowed = false;
  ledger::Points overdraft_limit = 0;
  int32_t hold_days = 0;
  std::string period_kind;  // calendar_year | rolling_months
  int32_t period_months = 12;
  std::string default_point_type;
  std::string default_subtype;
  bool is_default = false;
  std::vector<PointTypeConfig> point_types;
  std::vector<std::string> subtypes;
  std::vector<ledger::Tier> tiers;  // by threshold
  std::vector<ActionConfig> actions;

  const PointTypeConfig* FindPointType(const std::string& code) const;
  const ActionConfig* FindAction(const std::string& code) const;
  bool HasSubtype(const std::string& code) const;
  const ledger::Tier* FindTier(const std::string& code) const;
  // Overdraft is allowed to a member in `tier` (empty: no tier).
  bool OverdraftAllowedFor(const std::string& tier) const;
};

// Loads a program of an org; an empty `program_id` means the org's default program.
// NOT_FOUND for an unknown org or program (or an org without programs). With a `cache`, the
// org's configuration is read once per configuration version (see config_cache.h); without one
// it is read afresh.
absl::StatusOr<ProgramConfig> LoadProgram(pg::Transaction& tx, const std::string& org_id,
                                          const std::string& program_id,
                                          ConfigCache* cache = nullptr);

// Declares the configuration version check of LoadProgram / LoadPrograms with `cache` for the
// transaction's first round trip, and returns the program id that an empty `program_id` stands
// for. nullopt when the org's configuration is not cached (or there is no cache): the command
// then reads it, and reads declared after this would be run in vain, so declare none.
std::optional<std::string> PrefetchConfig(pg::Transaction& tx, const std::string& org_id,
                                          const std::string& program_id, ConfigCache* cache);

// All programs of an org, sorted by id. NOT_FOUND for an unknown org.
absl::StatusOr<std::vector<ProgramConfig>> LoadPrograms(pg::Transaction& tx,
                                                        const std::string& org_id,
                                                        ConfigCache* cache = nullptr);

// How group totals are valued: the default program's currency and ratio.
struct GroupValuation {
  std::string currency;
  ledger::RedemptionRatio ratio;
};
absl::StatusOr<GroupValuation> LoadGroupValuation(pg::Transaction& tx, const std::string& org_id,
                                                  ConfigCache* cache = nullptr);
// Declares LoadGroupValuation's read without a cache (the read side's case).
void PrefetchGroupValuation(pg::Transaction& tx, const std::string& org_id);

// OK when active; FAILED_PRECONDITION PROGRAM_NOT_ACTIVE otherwise.
absl::Status RequireActive(const ProgramConfig& program);

}  // namespace loyalty::command
