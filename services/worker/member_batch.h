#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/pg/transaction.h"
#include "libs/store/context.h"
#include "libs/store/member_repository.h"

namespace loyalty::worker {

// The members with work due at `now`, at most `limit` (libs/store: MembersWithExpiredLots, ...).
using Candidates = std::function<absl::StatusOr<std::vector<store::MemberKey>>(
    pg::Transaction&, absl::Time now, int32_t limit)>;

// Runs `per_member` in its own SQL transaction (with retries) for each member that `candidates`
// finds (at most `batch`); sums what they return.
absl::StatusOr<int64_t> ForEachCandidate(
    const store::Context& context, const Candidates& candidates, int32_t batch,
    const std::function<absl::StatusOr<int64_t>(pg::Transaction&, const std::string& org_id,
                                                const std::string& member_id, absl::Time now)>&
        per_member);

}  // namespace loyalty::worker
