// GetMemberBadges and ListBadges (docs/badges.md): the definitions are configuration, read from
// the badges tables as the other queries read the programs'; the levels held and the measures
// come from the views the projector keeps (view_member_badges, view_spend_days,
// view_action_counts). Tenure counts from the enrolment's start (store::EnrolledAt), which never
// changes.

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/badges.h"
#include "libs/rpc/validate.h"
#include "libs/store/badges.h"
#include "libs/store/catalog.h"
#include "libs/wire/badges.h"
#include "libs/wire/time.h"
#include "services/query/queries.h"
#include "services/query/request_checks.h"

namespace loyalty::query {
namespace {

constexpr pg::Statement kSelectHeldLevels{
    "query_select_badge_levels",
    "SELECT badge_id, level_code, level_number, threshold, badge_version, awarded_at, order_ref,"
    " bonus_points, bonus_point_type, benefit_code, clawed_back_at FROM view_member_badges"
    " WHERE org_id = $1 AND member_id = $2 AND program_id = $3"
    " ORDER BY badge_id, awarded_at, level_number"};

// The spend of each window ($4, days; 0: lifetime) up to today ($5, the UTC date).
constexpr pg::Statement kSelectSpend{
    "query_select_badge_spend",
    "SELECT w, coalesce(sum(s.amount_minor), 0)::bigint, coalesce(sum(s.points), 0)::bigint"
    " FROM unnest($4::int[]) AS w LEFT JOIN view_spend_days s"
    " ON s.org_id = $1 AND s.member_id = $2 AND s.program_id = $3"
    " AND (w = 0 OR s.day > $5::date - w) GROUP BY w"};

constexpr pg::Statement kSelectActionCounts{
    "query_select_badge_actions",
    "SELECT action_code, times FROM view_action_counts"
    " WHERE org_id = $1 AND member_id = $2 AND program_id = $3"};

pg::Params Member(const std::string& org_id, const std::string& member_id,
                  const std::string& program_id) {
  return pg::Params().Add(org_id).Add(member_id).Add(program_id);
}

v1::BadgeAward AwardFromRow(const std::string& program_id, const pg::Result& r, int row) {
  v1::BadgeAward award;
  award.set_program_id(program_id);
  award.set_badge_id(std::string(r.Text(row, 0)));
  award.set_level_code(std::string(r.Text(row, 1)));
  award.set_level_number(r.Int32(row, 2));
  award.set_threshold(r.Int64(row, 3));
  award.set_badge_version(r.Int32(row, 4));
  wire::ToTimestamp(r.Time(row, 5), award.mutable_awarded_at());
  award.set_order_ref(std::string(r.Text(row, 6)));
  award.set_bonus_points(r.Int64(row, 7));
  award.set_bonus_point_type(std::string(r.Text(row, 8)));
  award.set_benefit_code(std::string(r.Text(row, 9)));
  wire::ToOptionalTimestamp(r.OptionalTime(row, 10),
                            [&] { return award.mutable_bonus_clawed_back_at(); });
  return award;
}

// The member's measures of every window and action the program's badges use.
absl::StatusOr<ledger::BadgeFacts> LoadMeasures(pg::Transaction& tx, const pg::Params& member,
                                                const ledger::ProgramConfig& program,
                                                absl::Time now) {
  ledger::BadgeFacts facts;
  std::vector<std::optional<std::string>> windows;
  for (const ledger::Badge& badge : program.badges) {
    if (badge.IsSpend()) windows.emplace_back(absl::StrCat(badge.window_days));
  }
  if (!windows.empty()) {
    pg::Params params = member;
    params.AddArray(windows).Add(absl::FormatTime("%Y-%m-%d", now, absl::UTCTimeZone()));
    LOYALTY_ASSIGN_OR_RETURN(pg::Result rows, tx.Execute(kSelectSpend, params));
    for (int i = 0; i < rows.Rows(); ++i) {
      facts.spend[rows.Int32(i, 0)] = {rows.Int64(i, 1), rows.Int64(i, 2)};
    }
  }
  LOYALTY_ASSIGN_OR_RETURN(pg::Result actions, tx.Execute(kSelectActionCounts, member));
  for (int i = 0; i < actions.Rows(); ++i) {
    facts.actions[std::string(actions.Text(i, 0))] = actions.Int32(i, 1);
  }
  return facts;
}

// One badge of the program as the member stands in it.
void FillMemberBadge(const ledger::Badge& badge, const std::vector<v1::BadgeAward>& held,
                     int64_t current, absl::Time now, v1::MemberBadge* out) {
  out->set_badge_id(badge.badge_id);
  out->set_name(badge.name);
  out->set_current(current);
  out->set_active(badge.ActiveAt(now));
  for (const v1::BadgeAward& award : held) {
    if (award.badge_id() == badge.badge_id) *out->add_levels() = award;
  }
  for (const ledger::BadgeLevel& level : badge.levels) {
    const bool holds = std::any_of(held.begin(), held.end(), [&](const v1::BadgeAward& award) {
      return award.badge_id() == badge.badge_id && award.level_code() == level.code;
    });
    if (holds) continue;
    out->set_next_level(level.code);
    out->set_next_threshold(level.threshold);
    out->set_to_next_level(std::max<int64_t>(0, level.threshold - current));
    return;
  }
}

}  // namespace

absl::Status GetMemberBadges(const QueryContext& context, const v1::GetMemberBadgesRequest& request,
                             absl::Time deadline, v1::GetMemberBadgesResponse* response) {
  LOYALTY_RETURN_IF_ERROR(CheckRequest(request));
  return ReadViews(
      context, request.org_id(), request.member_id(), request.min_position(), deadline,
      [&](pg::Transaction& tx, const ViewRead& read) -> absl::Status {
        response->Clear();
        LOYALTY_ASSIGN_OR_RETURN(const ledger::ProgramConfig program,
                                 store::LoadProgram(tx, request.org_id(), request.program_id()));
        const pg::Params member = Member(request.org_id(), request.member_id(), program.program_id);
        LOYALTY_ASSIGN_OR_RETURN(
            const std::optional<absl::Time> enrolled_at,
            store::EnrolledAt(tx, request.org_id(), request.member_id(), program.program_id));
        if (!enrolled_at.has_value()) {
          return Refused(ledger::kNotEnrolled,
                         absl::StrCat("member '", request.member_id(),
                                      "' is not enrolled in program '", program.program_id, "'"));
        }
        const absl::Time now = context.clock->Now();
        LOYALTY_ASSIGN_OR_RETURN(pg::Result rows, tx.Execute(kSelectHeldLevels, member));
        std::vector<v1::BadgeAward> held;
        for (int i = 0; i < rows.Rows(); ++i) {
          held.push_back(AwardFromRow(program.program_id, rows, i));
        }
        LOYALTY_ASSIGN_OR_RETURN(const ledger::BadgeFacts facts,
                                 LoadMeasures(tx, member, program, now));
        for (const ledger::Badge& badge : program.badges) {
          FillMemberBadge(badge, held, ledger::MeasureOf(badge, facts, *enrolled_at, now), now,
                          response->add_badges());
        }
        response->set_ledger_position(read.position);
        response->set_program_id(program.program_id);
        return absl::OkStatus();
      });
}

absl::Status ListBadges(const QueryContext& context, const v1::ListBadgesRequest& request,
                        absl::Time deadline, v1::ListBadgesResponse* response) {
  LOYALTY_RETURN_IF_ERROR(CheckRequest(request));
  return pg::RunInTransaction(
      *context.pool, pg::Isolation::kRepeatableRead, pg::RetryPolicy{},
      [&](pg::Transaction& tx) -> absl::Status {
        response->Clear();
        LOYALTY_ASSIGN_OR_RETURN(const ledger::ProgramConfig program,
                                 store::LoadProgram(tx, request.org_id(), request.program_id()));
        const absl::Time now = context.clock->Now();
        response->set_program_id(program.program_id);
        for (const ledger::Badge& badge : program.badges) {
          if (request.active_only() && !badge.ActiveAt(now)) continue;
          wire::ToBadgeDefinition(request.org_id(), program.program_id, badge,
                                  response->add_badges());
        }
        return absl::OkStatus();
      },
      deadline);
}

}  // namespace loyalty::query
