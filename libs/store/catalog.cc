#include "libs/store/catalog.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/program.h"
#include "libs/ledger/types.h"
#include "libs/store/badges.h"

namespace loyalty::store {
namespace {

constexpr pg::Statement kSelectPrograms{
    "catalog_select_programs",
    "SELECT p.program_id, p.name, p.currency, p.status, p.earn_points, p.earn_per_amount_minor,"
    " p.ratio_points, p.ratio_value_minor, p.redeem_minimum, p.redeem_maximum,"
    " p.redeem_multiple_of, p.overdraft_allowed, p.overdraft_limit, p.hold_days, p.period_kind,"
    " p.period_months, p.default_point_type, p.default_subtype,"
    " p.program_id = o.default_program_id"
    " FROM orgs o LEFT JOIN programs p ON p.org_id = o.org_id"
    "  AND CASE WHEN $3 THEN true WHEN $2 = '' THEN p.program_id = o.default_program_id"
    "  ELSE p.program_id = $2 END"
    " WHERE o.org_id = $1 ORDER BY p.program_id"};

constexpr pg::Statement kSelectPointTypes{
    "catalog_select_point_types",
    "SELECT program_id, code, redeemable, counts_toward_tier, expiry_kind, expiry_days"
    " FROM point_types WHERE org_id = $1 AND ($2 = '' OR program_id = $2) ORDER BY code"};

constexpr pg::Statement kSelectSubtypes{
    "catalog_select_subtypes",
    "SELECT program_id, code FROM subtypes WHERE org_id = $1 AND ($2 = '' OR program_id = $2)"
    " ORDER BY code"};

constexpr pg::Statement kSelectTiers{
    "catalog_select_tiers",
    "SELECT program_id, code, threshold, multiplier_permille, overdraft_allowed FROM tiers"
    " WHERE org_id = $1 AND ($2 = '' OR program_id = $2) ORDER BY threshold"};

constexpr pg::Statement kSelectActions{
    "catalog_select_actions",
    "SELECT program_id, code, points, per_member_limit FROM actions"
    " WHERE org_id = $1 AND ($2 = '' OR program_id = $2) ORDER BY code"};

constexpr pg::Statement kSelectGroupValuation{
    "catalog_select_group_valuation",
    "SELECT p.currency, p.ratio_points, p.ratio_value_minor FROM orgs o"
    " JOIN programs p ON p.org_id = o.org_id AND p.program_id = o.default_program_id"
    " WHERE o.org_id = $1"};

constexpr pg::Statement kSelectConfigVersion{"catalog_select_config_version",
                                             "SELECT config_version FROM orgs WHERE org_id = $1"};

// The inverse of ExpiryKindText.
ledger::ExpiryKind ExpiryKindFromText(std::string_view text) {
  if (text == "fixed_days") return ledger::ExpiryKind::kFixedDays;
  if (text == "inactivity_days") return ledger::ExpiryKind::kInactivityDays;
  return ledger::ExpiryKind::kNever;
}

ledger::ProgramConfig ProgramFromRow(const std::string& org_id, const pg::Result& r, int row) {
  ledger::ProgramConfig p;
  p.org_id = org_id;
  p.program_id = std::string(r.Text(row, 0));
  p.name = std::string(r.Text(row, 1));
  p.currency = std::string(r.Text(row, 2));
  p.status = std::string(r.Text(row, 3));
  p.earn_rate = {r.Int64(row, 4), r.Int64(row, 5)};
  p.ratio = {r.Int64(row, 6), r.Int64(row, 7)};
  p.rules = {r.Int64(row, 8), r.Int64(row, 9), r.Int64(row, 10)};
  p.overdraft_allowed = r.Bool(row, 11);
  p.overdraft_limit = r.Int64(row, 12);
  p.hold_days = r.Int32(row, 13);
  p.period_kind = std::string(r.Text(row, 14));
  p.period_months = r.Int32(row, 15);
  p.default_point_type = r.OptionalText(row, 16).value_or("");
  p.default_subtype = r.OptionalText(row, 17).value_or("");
  p.is_default = r.Bool(row, 18);
  return p;
}

ledger::ProgramConfig* Find(std::vector<ledger::ProgramConfig>& programs,
                            std::string_view program_id) {
  for (ledger::ProgramConfig& program : programs) {
    if (program.program_id == program_id) return &program;
  }
  return nullptr;
}

// Fills point types, subtypes, tiers, actions and badges of the loaded programs.
absl::Status LoadRules(pg::Transaction& tx, const pg::Params& params,
                       std::vector<ledger::ProgramConfig>& programs) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result types, tx.Execute(kSelectPointTypes, params));
  for (int i = 0; i < types.Rows(); ++i) {
    if (ledger::ProgramConfig* p = Find(programs, types.Text(i, 0))) {
      p->point_types.push_back({std::string(types.Text(i, 1)),
                                types.Bool(i, 2),
                                types.Bool(i, 3),
                                {ExpiryKindFromText(types.Text(i, 4)), types.Int32(i, 5)}});
    }
  }
  LOYALTY_ASSIGN_OR_RETURN(pg::Result subtypes, tx.Execute(kSelectSubtypes, params));
  for (int i = 0; i < subtypes.Rows(); ++i) {
    if (ledger::ProgramConfig* p = Find(programs, subtypes.Text(i, 0))) {
      p->subtypes.emplace_back(subtypes.Text(i, 1));
    }
  }
  LOYALTY_ASSIGN_OR_RETURN(pg::Result tiers, tx.Execute(kSelectTiers, params));
  for (int i = 0; i < tiers.Rows(); ++i) {
    if (ledger::ProgramConfig* p = Find(programs, tiers.Text(i, 0))) {
      p->tiers.push_back(
          {std::string(tiers.Text(i, 1)), tiers.Int64(i, 2), tiers.Int32(i, 3), tiers.Bool(i, 4)});
    }
  }
  LOYALTY_ASSIGN_OR_RETURN(pg::Result actions, tx.Execute(kSelectActions, params));
  for (int i = 0; i < actions.Rows(); ++i) {
    if (ledger::ProgramConfig* p = Find(programs, actions.Text(i, 0))) {
      p->actions.push_back(
          {std::string(actions.Text(i, 1)), actions.Int64(i, 2), actions.Int32(i, 3)});
    }
  }
  return LoadBadges(tx, params, programs);
}

// One program (`program_id`, or the default when empty) or, with `all`, every program.
absl::StatusOr<std::vector<ledger::ProgramConfig>> Load(pg::Transaction& tx,
                                                        const std::string& org_id,
                                                        const std::string& program_id, bool all) {
  pg::Params params;
  params.Add(org_id).Add(program_id).Add(all);
  LOYALTY_ASSIGN_OR_RETURN(pg::Result rows, tx.Execute(kSelectPrograms, params));
  if (rows.Rows() == 0) return NotFound("org", org_id);
  std::vector<ledger::ProgramConfig> programs;
  for (int i = 0; i < rows.Rows(); ++i) {
    if (!rows.IsNull(i, 0)) programs.push_back(ProgramFromRow(org_id, rows, i));
  }
  if (programs.empty()) return programs;
  pg::Params rule_params;
  rule_params.Add(org_id).Add(all ? std::string() : programs.front().program_id);
  LOYALTY_RETURN_IF_ERROR(LoadRules(tx, rule_params, programs));
  return programs;
}

absl::StatusOr<int64_t> ConfigVersion(pg::Transaction& tx, const std::string& org_id) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row,
                           tx.Execute(kSelectConfigVersion, pg::Params().Add(org_id)));
  if (row.Rows() == 0) return NotFound("org", org_id);
  return row.Int64(0, 0);
}

// Every program of the org, from the cache when it holds the current version.
absl::StatusOr<std::shared_ptr<const OrgConfig>> LoadOrgConfig(pg::Transaction& tx,
                                                               const std::string& org_id,
                                                               ConfigCache& cache) {
  LOYALTY_ASSIGN_OR_RETURN(int64_t version, ConfigVersion(tx, org_id));
  if (std::shared_ptr<const OrgConfig> hit = cache.Get(org_id, version)) return hit;
  auto config = std::make_shared<OrgConfig>();
  config->version = version;
  LOYALTY_ASSIGN_OR_RETURN(config->programs, Load(tx, org_id, "", /*all=*/true));
  // Statements of a READ COMMITTED transaction may see different commits: cache only what was
  // read while the version stood still.
  LOYALTY_ASSIGN_OR_RETURN(int64_t after, ConfigVersion(tx, org_id));
  if (after == version) cache.Put(org_id, config);
  return config;
}

absl::Status NoProgram(const std::string& org_id, const std::string& program_id) {
  return program_id.empty() ? Refused(ledger::kProgramNotActive,
                                      absl::StrCat("org '", org_id, "' has no program yet"))
                            : NotFound("program", program_id);
}

}  // namespace

const char* ExpiryKindText(ledger::ExpiryKind kind) {
  switch (kind) {
    case ledger::ExpiryKind::kFixedDays:
      return "fixed_days";
    case ledger::ExpiryKind::kInactivityDays:
      return "inactivity_days";
    case ledger::ExpiryKind::kNever:
      break;
  }
  return "never";
}

const ledger::ProgramConfig* FindProgram(const std::vector<ledger::ProgramConfig>& programs,
                                         const std::string& program_id) {
  for (const ledger::ProgramConfig& program : programs) {
    if (program_id.empty() ? program.is_default : program.program_id == program_id) {
      return &program;
    }
  }
  return nullptr;
}

absl::StatusOr<ledger::ProgramConfig> LoadProgram(pg::Transaction& tx, const std::string& org_id,
                                                  const std::string& program_id,
                                                  ConfigCache* cache) {
  if (cache == nullptr) {
    LOYALTY_ASSIGN_OR_RETURN(std::vector<ledger::ProgramConfig> programs,
                             Load(tx, org_id, program_id, /*all=*/false));
    if (programs.empty()) return NoProgram(org_id, program_id);
    return std::move(programs.front());
  }
  LOYALTY_ASSIGN_OR_RETURN(std::shared_ptr<const OrgConfig> config,
                           LoadOrgConfig(tx, org_id, *cache));
  const ledger::ProgramConfig* program = FindProgram(config->programs, program_id);
  if (program == nullptr) return NoProgram(org_id, program_id);
  return *program;
}

std::optional<std::string> PrefetchConfig(pg::Transaction& tx, const std::string& org_id,
                                          const std::string& program_id, ConfigCache* cache) {
  const std::shared_ptr<const OrgConfig> config =
      cache != nullptr ? cache->Latest(org_id) : nullptr;
  if (config == nullptr) return std::nullopt;
  tx.Prefetch(kSelectConfigVersion, pg::Params().Add(org_id));
  if (!program_id.empty()) return program_id;
  for (const ledger::ProgramConfig& program : config->programs) {
    if (program.is_default) return program.program_id;
  }
  return std::nullopt;
}

absl::StatusOr<std::vector<ledger::ProgramConfig>> LoadPrograms(pg::Transaction& tx,
                                                                const std::string& org_id,
                                                                ConfigCache* cache) {
  if (cache == nullptr) return Load(tx, org_id, "", /*all=*/true);
  LOYALTY_ASSIGN_OR_RETURN(std::shared_ptr<const OrgConfig> config,
                           LoadOrgConfig(tx, org_id, *cache));
  return config->programs;
}

absl::StatusOr<ledger::GroupValuation> LoadGroupValuation(pg::Transaction& tx,
                                                          const std::string& org_id,
                                                          ConfigCache* cache) {
  if (cache != nullptr) {
    LOYALTY_ASSIGN_OR_RETURN(std::vector<ledger::ProgramConfig> programs,
                             LoadPrograms(tx, org_id, cache));
    std::optional<ledger::GroupValuation> valuation = ledger::GroupValuationOf(programs);
    if (!valuation.has_value()) return NoProgram(org_id, "");
    return *valuation;
  }
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row,
                           tx.Execute(kSelectGroupValuation, pg::Params().Add(org_id)));
  if (row.Rows() == 0) return NotFound("org", org_id);
  return ledger::GroupValuation{std::string(row.Text(0, 0)), {row.Int64(0, 1), row.Int64(0, 2)}};
}

std::optional<ledger::GroupValuation> LatestGroupValuation(const std::string& org_id,
                                                           const ConfigCache* cache) {
  const std::shared_ptr<const OrgConfig> config =
      cache != nullptr ? cache->Latest(org_id) : nullptr;
  if (config == nullptr) return std::nullopt;
  return ledger::GroupValuationOf(config->programs);
}

void GroupValuationRead::Declare(pg::Transaction& tx) const {
  tx.Prefetch(kSelectGroupValuation, pg::Params().Add(org_id));
}

}  // namespace loyalty::store
