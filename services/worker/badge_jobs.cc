#include "services/worker/badge_jobs.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "libs/base/status_macros.h"
#include "libs/ledger/badges.h"
#include "libs/store/badges.h"
#include "libs/store/catalog.h"
#include "libs/store/member_repository.h"
#include "libs/store/operation.h"
#include "services/worker/member_batch.h"

namespace loyalty::worker {
namespace {

absl::StatusOr<int64_t> AwardTenure(pg::Transaction& tx, const std::string& org_id,
                                    const std::string& member_id, absl::Time now) {
  LOYALTY_RETURN_IF_ERROR(store::LockMembers(tx, org_id, {member_id}));
  LOYALTY_ASSIGN_OR_RETURN(const auto enrolments,
                           store::TenureDueEnrolments(tx, org_id, member_id, now));
  if (enrolments.empty()) return 0;  // awarded meanwhile
  LOYALTY_ASSIGN_OR_RETURN(ledger::MemberState member, store::LoadMember(tx, org_id, member_id));
  LOYALTY_ASSIGN_OR_RETURN(store::Operation operation,
                           store::Operation::Begin(tx, org_id, "AwardTenureBadges",
                                                   store::kWorkerCaller, /*trace_id=*/"", now));
  operation.Track(member);
  int64_t awarded = 0;
  for (const auto& [program_id, enrolled_at] : enrolments) {
    LOYALTY_ASSIGN_OR_RETURN(const ledger::ProgramConfig program,
                             store::LoadProgram(tx, org_id, program_id));
    ledger::BadgeTrigger trigger;
    trigger.kind = ledger::BadgeTrigger::Kind::kTenure;
    trigger.enrolled_at = enrolled_at;
    LOYALTY_ASSIGN_OR_RETURN(
        const ledger::BadgeFacts facts,
        (store::BadgeFactsRead{org_id, member_id, program_id,
                               ledger::BadgeReadsFor(program.badges, trigger, now), now}
             .Load(tx)));
    LOYALTY_ASSIGN_OR_RETURN(
        const ledger::BadgeDecision decision,
        ledger::DecideBadgeAwards(program, *operation.StateAfter(member_id), facts, trigger, now));
    LOYALTY_RETURN_IF_ERROR(operation.Write(decision.changes).status());
    awarded += static_cast<int64_t>(decision.awarded.size());
  }
  if (awarded > 0) LOYALTY_RETURN_IF_ERROR(operation.Commit().status());
  return awarded;
}

}  // namespace

absl::StatusOr<int64_t> AwardTenureBadges(const store::Context& context, int32_t batch) {
  return ForEachCandidate(context, store::MembersWithTenureDue, batch, AwardTenure);
}

}  // namespace loyalty::worker
