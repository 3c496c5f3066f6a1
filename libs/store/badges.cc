#include "libs/store/badges.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "libs/base/status_macros.h"
#include "libs/store/catalog.h"

namespace loyalty::store {
namespace {

constexpr pg::Statement kSelectBadges{
    "badge_select_definitions",
    "SELECT b.program_id, b.badge_id, b.name, b.criterion, b.window_days, b.action_code,"
    " b.active_from, b.active_to, b.version, b.updated_at, l.code, l.name, l.threshold,"
    " l.bonus_points, l.bonus_point_type, l.benefit_code, l.claw_back"
    " FROM badges b JOIN badge_levels l USING (org_id, program_id, badge_id)"
    " WHERE b.org_id = $1 AND ($2 = '' OR b.program_id = $2)"
    " ORDER BY b.program_id, b.badge_id, l.number"};

constexpr pg::Statement kUpsertBadge{
    "badge_upsert",
    "INSERT INTO badges (org_id, program_id, badge_id, name, criterion, window_days, action_code,"
    " active_from, active_to, version, updated_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10)"
    " ON CONFLICT (org_id, program_id, badge_id) DO UPDATE SET name = EXCLUDED.name,"
    " window_days = EXCLUDED.window_days, active_from = EXCLUDED.active_from,"
    " active_to = EXCLUDED.active_to, version = badges.version + 1,"
    " updated_at = EXCLUDED.updated_at"
    " RETURNING version"};

constexpr pg::Statement kDeleteLevels{
    "badge_delete_levels",
    "DELETE FROM badge_levels WHERE org_id = $1 AND program_id = $2 AND badge_id = $3"};

constexpr pg::Statement kInsertLevel{
    "badge_insert_level",
    "INSERT INTO badge_levels (org_id, program_id, badge_id, number, code, name, threshold,"
    " bonus_points, bonus_point_type, benefit_code, claw_back)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"};

// The spend of each window ($4, days; 0: lifetime) up to today ($5: the start of today, UTC).
constexpr pg::Statement kSelectSpend{
    "badge_select_spend",
    "SELECT w, coalesce(sum(p.amount_minor - p.returned_minor), 0)::bigint,"
    " coalesce(sum(p.points - p.reversed_points), 0)::bigint"
    " FROM unnest($4::int[]) AS w LEFT JOIN purchases p"
    " ON p.org_id = $1 AND p.member_id = $2 AND p.program_id = $3"
    " AND (w = 0 OR p.created_at >= $5::timestamptz - make_interval(days => w - 1))"
    " GROUP BY w"};

constexpr pg::Statement kSelectActionTimes{
    "badge_select_action_times",
    "SELECT action_code, times FROM action_counts"
    " WHERE org_id = $1 AND member_id = $2 AND program_id = $3 AND action_code = ANY($4::text[])"};

constexpr pg::Statement kSelectHeld{
    "badge_select_held",
    "SELECT badge_id, level_code, threshold, bonus_points, bonus_point_type, bonus_lot_id,"
    " claw_back, clawed_back_at IS NOT NULL"
    " FROM member_badges WHERE org_id = $1 AND member_id = $2 AND program_id = $3"};

// The tenure levels due at $1 that members do not hold: of active badges of active programs, of
// active members. Month arithmetic in UTC, the day clamped to the end of a shorter month.
#define LOYALTY_TENURE_DUE                                                                       \
  " FROM enrolments e"                                                                           \
  " JOIN programs p ON p.org_id = e.org_id AND p.program_id = e.program_id"                      \
  "  AND p.status = 'active'"                                                                    \
  " JOIN members m ON m.org_id = e.org_id AND m.member_id = e.member_id AND m.status = 'active'" \
  " JOIN badges b ON b.org_id = e.org_id AND b.program_id = e.program_id"                        \
  "  AND b.criterion = 'tenure' AND b.active_from <= $1"                                         \
  "  AND (b.active_to IS NULL OR b.active_to > $1)"                                              \
  " JOIN badge_levels l ON l.org_id = b.org_id AND l.program_id = b.program_id"                  \
  "  AND l.badge_id = b.badge_id"                                                                \
  " WHERE ((e.enrolled_at AT TIME ZONE 'UTC')"                                                   \
  "  + make_interval(months => l.threshold::int)) AT TIME ZONE 'UTC' <= $1"                      \
  " AND NOT EXISTS (SELECT 1 FROM member_badges mb WHERE mb.org_id = e.org_id"                   \
  "  AND mb.member_id = e.member_id AND mb.program_id = e.program_id"                            \
  "  AND mb.badge_id = l.badge_id AND mb.level_code = l.code)"

constexpr pg::Statement kSelectEnrolledAt{
    "badge_select_enrolled_at",
    "SELECT enrolled_at FROM enrolments WHERE org_id = $1 AND member_id = $2 AND program_id = $3"};

constexpr pg::Statement kTenureCandidates{"worker_tenure_candidates",
                                          "SELECT DISTINCT e.org_id, e.member_id" LOYALTY_TENURE_DUE
                                          " LIMIT $2"};

constexpr pg::Statement kTenureDueEnrolments{
    "worker_tenure_due_enrolments",
    "SELECT DISTINCT e.program_id, e.enrolled_at" LOYALTY_TENURE_DUE
    " AND e.org_id = $2 AND e.member_id = $3 ORDER BY e.program_id"};

ledger::ProgramConfig* Find(std::vector<ledger::ProgramConfig>& programs,
                            std::string_view program_id) {
  for (ledger::ProgramConfig& program : programs) {
    if (program.program_id == program_id) return &program;
  }
  return nullptr;
}

ledger::Badge BadgeFromRow(const pg::Result& r, int row) {
  ledger::Badge badge;
  badge.badge_id = std::string(r.Text(row, 1));
  badge.name = std::string(r.Text(row, 2));
  badge.criterion =
      ledger::BadgeCriterionFromName(r.Text(row, 3)).value_or(ledger::BadgeCriterion::kTenure);
  badge.window_days = r.Int32(row, 4);
  badge.action_code = std::string(r.Text(row, 5));
  badge.active_from = r.Time(row, 6);
  badge.active_to = r.OptionalTime(row, 7);
  badge.version = r.Int32(row, 8);
  badge.updated_at = r.Time(row, 9);
  return badge;
}

ledger::BadgeLevel LevelFromRow(const pg::Result& r, int row) {
  return {std::string(r.Text(row, 10)),
          std::string(r.Text(row, 11)),
          r.Int64(row, 12),
          r.Int64(row, 13),
          std::string(r.Text(row, 14)),
          std::string(r.Text(row, 15)),
          r.Bool(row, 16)};
}

pg::Params Member(const BadgeFactsRead& read) {
  return pg::Params().Add(read.org_id).Add(read.member_id).Add(read.program_id);
}

std::vector<std::optional<std::string>> Elements(const std::vector<int32_t>& values) {
  std::vector<std::optional<std::string>> elements;
  for (const int32_t value : values) elements.emplace_back(absl::StrCat(value));
  return elements;
}

std::vector<std::optional<std::string>> Elements(const std::vector<std::string>& values) {
  return {values.begin(), values.end()};
}

pg::Params SpendParams(const BadgeFactsRead& read) {
  return Member(read).AddArray(Elements(read.reads.windows)).Add(ledger::DayStart(read.now));
}

pg::Params ActionParams(const BadgeFactsRead& read) {
  return Member(read).AddArray(Elements(read.reads.action_codes));
}

}  // namespace

absl::Status LoadBadges(pg::Transaction& tx, const pg::Params& params,
                        std::vector<ledger::ProgramConfig>& programs) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result rows, tx.Execute(kSelectBadges, params));
  for (int i = 0; i < rows.Rows(); ++i) {
    ledger::ProgramConfig* program = Find(programs, rows.Text(i, 0));
    if (program == nullptr) continue;
    if (program->badges.empty() || program->badges.back().badge_id != rows.Text(i, 1)) {
      program->badges.push_back(BadgeFromRow(rows, i));
    }
    program->badges.back().levels.push_back(LevelFromRow(rows, i));
  }
  return absl::OkStatus();
}

absl::StatusOr<int32_t> WriteBadge(pg::Transaction& tx, const std::string& org_id,
                                   const std::string& program_id, const ledger::Badge& badge,
                                   absl::Time now) {
  pg::Params params;
  params.Add(org_id)
      .Add(program_id)
      .Add(badge.badge_id)
      .Add(badge.name)
      .Add(ledger::BadgeCriterionName(badge.criterion))
      .Add(badge.window_days)
      .Add(badge.action_code)
      .Add(badge.active_from)
      .Add(badge.active_to)
      .Add(now);
  LOYALTY_ASSIGN_OR_RETURN(pg::Result version, tx.Execute(kUpsertBadge, params));
  const pg::Params ids = pg::Params().Add(org_id).Add(program_id).Add(badge.badge_id);
  LOYALTY_RETURN_IF_ERROR(tx.Execute(kDeleteLevels, ids).status());
  for (size_t i = 0; i < badge.levels.size(); ++i) {
    const ledger::BadgeLevel& level = badge.levels[i];
    pg::Params row = ids;
    row.Add(static_cast<int32_t>(i + 1))
        .Add(level.code)
        .Add(level.name)
        .Add(level.threshold)
        .Add(level.bonus_points)
        .Add(level.bonus_point_type)
        .Add(level.benefit_code)
        .Add(level.claw_back);
    LOYALTY_RETURN_IF_ERROR(tx.Execute(kInsertLevel, row).status());
  }
  return version.Int32(0, 0);
}

void BadgeFactsRead::Declare(pg::Transaction& tx) const {
  if (!reads.windows.empty()) tx.Prefetch(kSelectSpend, SpendParams(*this));
  if (!reads.action_codes.empty()) tx.Prefetch(kSelectActionTimes, ActionParams(*this));
  if (reads.any) tx.Prefetch(kSelectHeld, Member(*this));
}

absl::StatusOr<ledger::BadgeFacts> BadgeFactsRead::Load(pg::Transaction& tx) const {
  ledger::BadgeFacts facts;
  if (!reads.windows.empty()) {
    LOYALTY_ASSIGN_OR_RETURN(pg::Result rows, tx.Execute(kSelectSpend, SpendParams(*this)));
    for (int i = 0; i < rows.Rows(); ++i) {
      facts.spend[rows.Int32(i, 0)] = {rows.Int64(i, 1), rows.Int64(i, 2)};
    }
  }
  if (!reads.action_codes.empty()) {
    for (const std::string& code : reads.action_codes) facts.actions[code] = 0;
    LOYALTY_ASSIGN_OR_RETURN(pg::Result rows, tx.Execute(kSelectActionTimes, ActionParams(*this)));
    for (int i = 0; i < rows.Rows(); ++i)
      facts.actions[std::string(rows.Text(i, 0))] = rows.Int32(i, 1);
  }
  if (reads.any) {
    LOYALTY_ASSIGN_OR_RETURN(pg::Result rows, tx.Execute(kSelectHeld, Member(*this)));
    for (int i = 0; i < rows.Rows(); ++i) {
      facts.held.push_back({std::string(rows.Text(i, 0)), std::string(rows.Text(i, 1)),
                            rows.Int64(i, 2), rows.Int64(i, 3), std::string(rows.Text(i, 4)),
                            rows.OptionalInt64(i, 5), rows.Bool(i, 6), rows.Bool(i, 7)});
    }
  }
  return facts;
}

ledger::BadgeReads CachedBadgeReads(const ConfigCache* cache, const std::string& org_id,
                                    const std::string& program_id,
                                    const ledger::BadgeTrigger& trigger, absl::Time at) {
  const std::shared_ptr<const OrgConfig> config =
      cache != nullptr ? cache->Latest(org_id) : nullptr;
  if (config == nullptr) return {};
  const ledger::ProgramConfig* program = FindProgram(config->programs, program_id);
  return program == nullptr ? ledger::BadgeReads{}
                            : ledger::BadgeReadsFor(program->badges, trigger, at);
}

absl::StatusOr<std::optional<absl::Time>> EnrolledAt(pg::Transaction& tx, const std::string& org_id,
                                                     const std::string& member_id,
                                                     const std::string& program_id) {
  LOYALTY_ASSIGN_OR_RETURN(
      pg::Result row,
      tx.Execute(kSelectEnrolledAt, pg::Params().Add(org_id).Add(member_id).Add(program_id)));
  if (row.Rows() == 0) return std::nullopt;
  return row.Time(0, 0);
}

absl::StatusOr<std::vector<MemberKey>> MembersWithTenureDue(pg::Transaction& tx, absl::Time now,
                                                            int32_t limit) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result rows,
                           tx.Execute(kTenureCandidates, pg::Params().Add(now).Add(limit)));
  return MemberKeysOf(rows);
}

absl::StatusOr<std::vector<std::pair<std::string, absl::Time>>> TenureDueEnrolments(
    pg::Transaction& tx, const std::string& org_id, const std::string& member_id, absl::Time now) {
  LOYALTY_ASSIGN_OR_RETURN(
      pg::Result rows,
      tx.Execute(kTenureDueEnrolments, pg::Params().Add(now).Add(org_id).Add(member_id)));
  std::vector<std::pair<std::string, absl::Time>> enrolments;
  for (int i = 0; i < rows.Rows(); ++i) {
    enrolments.emplace_back(std::string(rows.Text(i, 0)), rows.Time(i, 1));
  }
  return enrolments;
}

}  // namespace loyalty::store
