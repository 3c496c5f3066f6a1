#include "libs/store/catalog_writes.h"

#include "libs/base/status_macros.h"
#include "libs/store/catalog.h"

namespace loyalty::store {
namespace {

constexpr pg::Statement kInsertOrg{"admin_insert_org",
                                   "INSERT INTO orgs (org_id, name, created_at) VALUES ($1, $2, $3)"
                                   " ON CONFLICT DO NOTHING RETURNING 1"};

constexpr pg::Statement kSelectOrg{
    "admin_select_org",
    "SELECT name, coalesce(default_program_id, ''), created_at FROM orgs WHERE org_id = $1"};

constexpr pg::Statement kOrgExists{"admin_org_exists", "SELECT 1 FROM orgs WHERE org_id = $1"};

constexpr pg::Statement kClaimDefaultProgram{
    "admin_claim_default_program",
    "UPDATE orgs SET default_program_id = $2 WHERE org_id = $1 AND default_program_id IS NULL"};

constexpr pg::Statement kSetDefaultProgram{
    "admin_set_default_program", "UPDATE orgs SET default_program_id = $2 WHERE org_id = $1"};

constexpr pg::Statement kInsertProgram{
    "admin_insert_program",
    "INSERT INTO programs (org_id, program_id, name, currency, earn_points,"
    " earn_per_amount_minor, ratio_points, ratio_value_minor, redeem_minimum, redeem_maximum,"
    " redeem_multiple_of, overdraft_allowed, overdraft_limit, hold_days, period_kind,"
    " period_months, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
    " ON CONFLICT DO NOTHING RETURNING 1"};

constexpr pg::Statement kUpdateRules{
    "admin_update_rules",
    "UPDATE programs SET earn_points = $3, earn_per_amount_minor = $4, ratio_points = $5,"
    " ratio_value_minor = $6, redeem_minimum = $7, redeem_maximum = $8,"
    " redeem_multiple_of = $9, overdraft_allowed = $10, overdraft_limit = $11, hold_days = $12,"
    " period_kind = $13, period_months = $14 WHERE org_id = $1 AND program_id = $2"};

constexpr pg::Statement kLockProgram{
    "admin_lock_program",
    "SELECT status FROM programs WHERE org_id = $1 AND program_id = $2 FOR UPDATE"};

constexpr pg::Statement kSetProgramStatus{
    "admin_set_program_status",
    "UPDATE programs SET status = $3 WHERE org_id = $1 AND program_id = $2"};

constexpr pg::Statement kSelectReadiness{
    "admin_select_readiness",
    "SELECT EXISTS (SELECT 1 FROM point_types t"
    "   WHERE t.org_id = p.org_id AND t.program_id = p.program_id),"
    " p.default_subtype IS NOT NULL"
    " FROM programs p WHERE p.org_id = $1 AND p.program_id = $2"};

constexpr pg::Statement kInsertPointType{
    "admin_insert_point_type",
    "INSERT INTO point_types (org_id, program_id, code, redeemable, counts_toward_tier,"
    " expiry_kind, expiry_days) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    " ON CONFLICT DO NOTHING RETURNING 1"};

constexpr pg::Statement kSetDefaultPointType{
    "admin_set_default_point_type",
    "UPDATE programs SET default_point_type = $3"
    " WHERE org_id = $1 AND program_id = $2 AND ($4 OR default_point_type IS NULL)"};

constexpr pg::Statement kInsertSubtype{
    "admin_insert_subtype",
    "INSERT INTO subtypes (org_id, program_id, code) VALUES ($1, $2, $3)"
    " ON CONFLICT DO NOTHING RETURNING 1"};

constexpr pg::Statement kSetDefaultSubtype{
    "admin_set_default_subtype",
    "UPDATE programs SET default_subtype = $3"
    " WHERE org_id = $1 AND program_id = $2 AND ($4 OR default_subtype IS NULL)"};

constexpr pg::Statement kInsertTier{
    "admin_insert_tier",
    "INSERT INTO tiers (org_id, program_id, code, threshold, multiplier_permille,"
    " overdraft_allowed) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING 1"};

constexpr pg::Statement kTierCodeExists{
    "admin_tier_code_exists",
    "SELECT 1 FROM tiers WHERE org_id = $1 AND program_id = $2 AND code = $3"};

constexpr pg::Statement kInsertAction{
    "admin_insert_action",
    "INSERT INTO actions (org_id, program_id, code, points, per_member_limit)"
    " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1"};

// Whether `statement` returned a row: an insert that took its key, a lookup that found one.
absl::StatusOr<bool> ReturnsRow(pg::Transaction& tx, const pg::Statement& statement,
                                pg::Params params) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result rows, tx.Execute(statement, std::move(params)));
  return rows.Rows() > 0;
}

pg::Params Ids(const std::string& org_id, const std::string& program_id) {
  pg::Params params;
  params.Add(org_id).Add(program_id);
  return params;
}

// The rule columns of kInsertProgram ($5..$16) and kUpdateRules ($3..$14), in their order.
void AddRules(const ledger::ProgramConfig& program, pg::Params& params) {
  params.Add(program.earn_rate.points)
      .Add(program.earn_rate.per_amount_minor)
      .Add(program.ratio.points)
      .Add(program.ratio.value_minor)
      .Add(program.rules.minimum)
      .Add(program.rules.maximum)
      .Add(program.rules.multiple_of)
      .Add(program.overdraft_allowed)
      .Add(program.overdraft_limit)
      .Add(program.hold_days)
      .Add(program.period_kind)
      .Add(program.period_months);
}
}  // namespace

absl::StatusOr<bool> InsertOrg(pg::Transaction& tx, const std::string& org_id,
                               const std::string& name, absl::Time created_at) {
  pg::Params params;
  params.Add(org_id).Add(name).Add(created_at);
  return ReturnsRow(tx, kInsertOrg, std::move(params));
}

absl::StatusOr<std::optional<OrgRow>> LoadOrg(pg::Transaction& tx, const std::string& org_id) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx.Execute(kSelectOrg, pg::Params().Add(org_id)));
  if (row.Rows() == 0) return std::nullopt;
  return OrgRow{std::string(row.Text(0, 0)), std::string(row.Text(0, 1)), row.Time(0, 2)};
}

absl::StatusOr<bool> OrgExists(pg::Transaction& tx, const std::string& org_id) {
  return ReturnsRow(tx, kOrgExists, pg::Params().Add(org_id));
}

absl::Status ClaimDefaultProgram(pg::Transaction& tx, const std::string& org_id,
                                 const std::string& program_id) {
  return tx.Execute(kClaimDefaultProgram, Ids(org_id, program_id)).status();
}

absl::Status SetDefaultProgram(pg::Transaction& tx, const std::string& org_id,
                               const std::string& program_id) {
  return tx.Execute(kSetDefaultProgram, Ids(org_id, program_id)).status();
}

absl::StatusOr<bool> InsertProgram(pg::Transaction& tx, const ledger::ProgramConfig& program,
                                   absl::Time created_at) {
  pg::Params params = Ids(program.org_id, program.program_id);
  params.Add(program.name).Add(program.currency);
  AddRules(program, params);
  params.Add(created_at);
  return ReturnsRow(tx, kInsertProgram, std::move(params));
}

absl::Status UpdateProgramRules(pg::Transaction& tx, const ledger::ProgramConfig& rules) {
  pg::Params params = Ids(rules.org_id, rules.program_id);
  AddRules(rules, params);
  return tx.Execute(kUpdateRules, std::move(params)).status();
}

absl::StatusOr<std::optional<std::string>> LockProgramStatus(pg::Transaction& tx,
                                                             const std::string& org_id,
                                                             const std::string& program_id) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx.Execute(kLockProgram, Ids(org_id, program_id)));
  if (row.Rows() == 0) return std::nullopt;
  return std::string(row.Text(0, 0));
}

absl::Status SetProgramStatus(pg::Transaction& tx, const std::string& org_id,
                              const std::string& program_id, const std::string& status) {
  return tx.Execute(kSetProgramStatus, Ids(org_id, program_id).Add(status)).status();
}

absl::StatusOr<ProgramReadiness> LoadProgramReadiness(pg::Transaction& tx,
                                                      const std::string& org_id,
                                                      const std::string& program_id) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx.Execute(kSelectReadiness, Ids(org_id, program_id)));
  if (row.Rows() == 0) return ProgramReadiness{};
  return ProgramReadiness{row.Bool(0, 0), row.Bool(0, 1)};
}

absl::StatusOr<bool> InsertPointType(pg::Transaction& tx, const std::string& org_id,
                                     const std::string& program_id,
                                     const ledger::PointTypeConfig& type, bool make_default) {
  pg::Params params = Ids(org_id, program_id);
  params.Add(type.code)
      .Add(type.redeemable)
      .Add(type.counts_toward_tier)
      .Add(ExpiryKindText(type.expiry.kind))
      .Add(type.expiry.days);
  LOYALTY_ASSIGN_OR_RETURN(const bool inserted,
                           ReturnsRow(tx, kInsertPointType, std::move(params)));
  if (!inserted) return false;
  LOYALTY_RETURN_IF_ERROR(
      tx.Execute(kSetDefaultPointType, Ids(org_id, program_id).Add(type.code).Add(make_default))
          .status());
  return true;
}

absl::StatusOr<bool> InsertSubtype(pg::Transaction& tx, const std::string& org_id,
                                   const std::string& program_id, const std::string& code,
                                   bool make_default) {
  LOYALTY_ASSIGN_OR_RETURN(const bool inserted,
                           ReturnsRow(tx, kInsertSubtype, Ids(org_id, program_id).Add(code)));
  if (!inserted) return false;
  LOYALTY_RETURN_IF_ERROR(
      tx.Execute(kSetDefaultSubtype, Ids(org_id, program_id).Add(code).Add(make_default)).status());
  return true;
}

absl::StatusOr<bool> InsertTier(pg::Transaction& tx, const std::string& org_id,
                                const std::string& program_id, const ledger::Tier& tier) {
  pg::Params params = Ids(org_id, program_id);
  params.Add(tier.code)
      .Add(tier.threshold)
      .Add(tier.multiplier_permille)
      .Add(tier.overdraft_allowed);
  return ReturnsRow(tx, kInsertTier, std::move(params));
}

absl::StatusOr<bool> TierCodeExists(pg::Transaction& tx, const std::string& org_id,
                                    const std::string& program_id, const std::string& code) {
  return ReturnsRow(tx, kTierCodeExists, Ids(org_id, program_id).Add(code));
}

absl::StatusOr<bool> InsertAction(pg::Transaction& tx, const std::string& org_id,
                                  const std::string& program_id,
                                  const ledger::ActionConfig& action) {
  pg::Params params = Ids(org_id, program_id);
  params.Add(action.code).Add(action.points).Add(action.per_member_limit);
  return ReturnsRow(tx, kInsertAction, std::move(params));
}

}  // namespace loyalty::store
