#include "services/worker/member_batch.h"

#include <vector>

#include "libs/base/status_macros.h"

namespace loyalty::worker {

absl::StatusOr<int64_t> ForEachCandidate(
    const store::Context& context, const Candidates& candidates, int32_t batch,
    const std::function<absl::StatusOr<int64_t>(pg::Transaction&, const std::string& org_id,
                                                const std::string& member_id, absl::Time now)>&
        per_member) {
  const absl::Time now = context.clock->Now();
  std::vector<store::MemberKey> members;
  LOYALTY_RETURN_IF_ERROR(pg::RunInTransaction(
      *context.pool, pg::Isolation::kReadCommitted, context.retry,
      [&](pg::Transaction& tx) -> absl::Status {
        LOYALTY_ASSIGN_OR_RETURN(members, candidates(tx, now, batch));
        return absl::OkStatus();
      }));
  int64_t items = 0;
  for (const auto& [org_id, member_id] : members) {
    int64_t done = 0;
    LOYALTY_RETURN_IF_ERROR(pg::RunInTransaction(
        *context.pool, pg::Isolation::kReadCommitted, context.retry,
        [&](pg::Transaction& tx) -> absl::Status {
          LOYALTY_ASSIGN_OR_RETURN(done, per_member(tx, org_id, member_id, now));
          return absl::OkStatus();
        }));
    items += done;
  }
  return items;
}

}  // namespace loyalty::worker
