// GetTierProgress and GetHousehold: tiers from the program's configuration (tiers table),
// qualifying points and periods from the views.

#include <optional>

#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/member.h"
#include "libs/ledger/program.h"
#include "libs/store/catalog.h"
#include "libs/store/member_repository.h"
#include "libs/wire/time.h"
#include "services/query/queries.h"
#include "services/query/request_checks.h"

namespace loyalty::query {
namespace {

constexpr int64_t kMaxHouseholdMembers = 1000;

// The household's memberships, each with what it rolled up in `program` ($5) in the household's
// period starting at $6 (0 when the household is not enrolled: $6 NULL). `rollup` shows false
// once a membership has ended by $4 (now): nothing rolls up through it any more.
constexpr pg::Statement kSelectHouseholdMembers{
    "query_select_household_members",
    "SELECT m.member_id, m.start_at, m.end_at,"
    " m.rollup AND (m.end_at IS NULL OR m.end_at > $4::timestamptz), coalesce(c.qualifying, 0)"
    " FROM household_memberships m LEFT JOIN view_household_contributions c"
    " ON c.org_id = m.org_id AND c.household_id = m.household_id AND c.member_id = m.member_id"
    " AND c.membership_start = m.start_at AND c.program_id = $5"
    " AND c.period_start = $6::timestamptz"
    " WHERE m.org_id = $1 AND m.household_id = $2 ORDER BY m.start_at, m.member_id LIMIT $3"};

// Fills the tier progress of `member` in `program` (the member must be enrolled).
absl::Status FillTierProgress(const ledger::ProgramConfig& program,
                              const ledger::MemberState& member, v1::GetTierProgressResponse* out) {
  LOYALTY_ASSIGN_OR_RETURN(const ledger::Enrolment* enrolment,
                           ledger::RequireEnrolment(member, program.program_id));
  const ledger::TierProgress progress = ledger::TierProgressOf(program, member, *enrolment);
  out->set_program_id(program.program_id);
  out->set_tier(progress.tier);
  out->set_qualifying(progress.qualifying);
  if (progress.next.has_value()) {
    out->set_next_tier(progress.next->code);
    out->set_points_to_next_tier(progress.points_to_next);
  }
  wire::ToTimestamp(enrolment->period_start, out->mutable_period_start());
  wire::ToTimestamp(enrolment->period_end, out->mutable_period_end());
  return absl::OkStatus();
}

absl::Status AddHouseholdMembers(pg::Transaction& tx, const std::string& org_id,
                                 const ledger::ProgramConfig& program,
                                 const ledger::MemberState& household, absl::Time now,
                                 v1::GetHouseholdResponse* response) {
  const ledger::Enrolment* enrolment = household.FindEnrolment(program.program_id);
  pg::Params params;
  params.Add(org_id).Add(household.member_id).Add(kMaxHouseholdMembers).Add(now)
      .Add(program.program_id)
      .Add(enrolment != nullptr ? std::optional<absl::Time>(enrolment->period_start)
                                : std::nullopt);
  LOYALTY_ASSIGN_OR_RETURN(pg::Result rows, tx.Execute(kSelectHouseholdMembers, params));
  for (int i = 0; i < rows.Rows(); ++i) {
    v1::HouseholdMemberSummary* summary = response->add_members();
    summary->set_member_id(std::string(rows.Text(i, 0)));
    wire::ToTimestamp(rows.Time(i, 1), summary->mutable_start());
    wire::ToOptionalTimestamp(rows.OptionalTime(i, 2), [&] { return summary->mutable_end(); });
    summary->set_rollup(rows.Bool(i, 3));
    summary->set_contributed(rows.Int64(i, 4));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status GetTierProgress(const QueryContext& context,
                             const v1::GetTierProgressRequest& request, absl::Time deadline,
                             v1::GetTierProgressResponse* response) {
  LOYALTY_RETURN_IF_ERROR(CheckRequest(request));
  return ReadViews(
      context, request.org_id(), request.member_id(), request.min_position(), deadline,
      [&](pg::Transaction& tx, const ViewRead& read) -> absl::Status {
        response->Clear();
        LOYALTY_ASSIGN_OR_RETURN(ledger::ProgramConfig program,
                                 store::LoadProgram(tx, request.org_id(), request.program_id()));
        LOYALTY_ASSIGN_OR_RETURN(ledger::MemberState member,
                                 LoadMemberView(tx, read, request.org_id(), request.member_id()));
        LOYALTY_RETURN_IF_ERROR(FillTierProgress(program, member, response));
        response->set_ledger_position(read.position);
        return absl::OkStatus();
      });
}

absl::Status GetHousehold(const QueryContext& context, const v1::GetHouseholdRequest& request,
                          absl::Time deadline, v1::GetHouseholdResponse* response) {
  LOYALTY_RETURN_IF_ERROR(CheckRequest(request));
  return ReadViews(
      context, request.org_id(), request.household_id(), request.min_position(), deadline,
      [&](pg::Transaction& tx, const ViewRead& read) -> absl::Status {
        response->Clear();
        LOYALTY_ASSIGN_OR_RETURN(
            ledger::MemberState household,
            LoadMemberView(tx, read, request.org_id(), request.household_id()));
        if (household.kind != "household") return NotFound("household", request.household_id());
        LOYALTY_ASSIGN_OR_RETURN(std::vector<ledger::ProgramConfig> programs,
                                 store::LoadPrograms(tx, request.org_id()));
        const ledger::ProgramConfig* default_program = nullptr;
        for (const ledger::ProgramConfig& program : programs) {
          if (program.is_default) default_program = &program;
          if (household.FindEnrolment(program.program_id) == nullptr) continue;
          v1::GetTierProgressResponse* progress = response->add_programs();
          LOYALTY_RETURN_IF_ERROR(FillTierProgress(program, household, progress));
          progress->set_ledger_position(read.position);
        }
        response->set_ledger_position(read.position);
        response->set_household_id(request.household_id());
        if (default_program == nullptr) return absl::OkStatus();
        return AddHouseholdMembers(tx, request.org_id(), *default_program, household,
                                   context.clock->Now(), response);
      });
}

}  // namespace loyalty::query
