#include "services/worker/jobs.h"

#include <vector>

#include "libs/base/status_macros.h"
#include "libs/ledger/expiry.h"
#include "libs/ledger/member.h"
#include "libs/ledger/program.h"
#include "libs/ledger/requalify.h"
#include "libs/store/catalog.h"
#include "libs/store/enrolments.h"
#include "libs/store/idempotency.h"
#include "libs/store/lots.h"
#include "libs/store/member_repository.h"
#include "libs/store/operation.h"
#include "libs/store/redemptions.h"
#include "services/worker/member_batch.h"

namespace loyalty::worker {
namespace {

absl::StatusOr<int64_t> ExpireMember(pg::Transaction& tx, const std::string& org_id,
                                     const std::string& member_id, absl::Time now) {
  LOYALTY_RETURN_IF_ERROR(store::LockForCommand(tx, org_id, {member_id}, &now));
  LOYALTY_ASSIGN_OR_RETURN(const std::vector<ledger::Lot> expired,
                           store::LoadExpiredLots(tx, org_id, member_id, now));
  if (expired.empty()) return 0;
  LOYALTY_ASSIGN_OR_RETURN(store::Operation operation,
                           store::Operation::Begin(tx, org_id, "Expire", store::kWorkerCaller,
                                                   /*trace_id=*/"", now));
  LOYALTY_RETURN_IF_ERROR(operation.Write(ledger::DecideExpiry(member_id, expired)).status());
  LOYALTY_RETURN_IF_ERROR(operation.Commit().status());
  return static_cast<int64_t>(expired.size());
}

absl::StatusOr<int64_t> ReleaseMember(pg::Transaction& tx, const std::string& org_id,
                                      const std::string& member_id, absl::Time now) {
  LOYALTY_ASSIGN_OR_RETURN(const int64_t timed_out,
                           store::CountTimedOutReservations(tx, org_id, member_id, now));
  // Locking the member for a command releases its expired reservations.
  LOYALTY_RETURN_IF_ERROR(store::LockForCommand(tx, org_id, {member_id}, &now));
  return timed_out;
}

absl::StatusOr<int64_t> RequalifyMember(pg::Transaction& tx, const std::string& org_id,
                                        const std::string& member_id, absl::Time now) {
  LOYALTY_RETURN_IF_ERROR(store::LockMembers(tx, org_id, {member_id}));
  LOYALTY_ASSIGN_OR_RETURN(ledger::MemberState member, store::LoadMember(tx, org_id, member_id));
  int64_t renewed = 0;
  std::optional<store::Operation> operation;
  for (const ledger::Enrolment& enrolment : member.enrolments) {
    if (enrolment.period_end > now) continue;
    LOYALTY_ASSIGN_OR_RETURN(ledger::ProgramConfig program,
                             store::LoadProgram(tx, org_id, enrolment.program_id));
    if (!operation.has_value()) {
      LOYALTY_ASSIGN_OR_RETURN(
          operation, store::Operation::Begin(tx, org_id, "RequalifyTier", store::kWorkerCaller,
                                             /*trace_id=*/"", now));
    }
    const ledger::Requalification requalified = ledger::Requalify(program, member, enrolment, now);
    LOYALTY_RETURN_IF_ERROR(operation->Write(requalified.changes).status());
    ++renewed;
  }
  if (operation.has_value()) LOYALTY_RETURN_IF_ERROR(operation->Commit().status());
  return renewed;
}

}  // namespace

absl::StatusOr<int64_t> ExpirePoints(const store::Context& context, int32_t batch) {
  return ForEachCandidate(context, store::MembersWithExpiredLots, batch, ExpireMember);
}

absl::StatusOr<int64_t> ReleaseExpiredReservations(const store::Context& context, int32_t batch) {
  return ForEachCandidate(context, store::MembersWithTimedOutReservations, batch,
                          ReleaseMember);
}

absl::StatusOr<int64_t> RequalifyTiers(const store::Context& context, int32_t batch) {
  return ForEachCandidate(context, store::MembersWithEndedPeriods, batch, RequalifyMember);
}

absl::StatusOr<int64_t> PruneIdempotencyKeys(const store::Context& context, int32_t batch,
                                             absl::Duration retention) {
  int64_t deleted = 0;
  LOYALTY_RETURN_IF_ERROR(pg::RunInTransaction(
      *context.pool, pg::Isolation::kReadCommitted, context.retry,
      [&](pg::Transaction& tx) -> absl::Status {
        LOYALTY_ASSIGN_OR_RETURN(deleted, store::DeleteIdempotencyKeysBefore(
                                              tx, context.clock->Now() - retention, batch));
        return absl::OkStatus();
      }));
  return deleted;
}

}  // namespace loyalty::worker
