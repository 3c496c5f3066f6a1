#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "libs/pg/statement.h"
#include "libs/pg/transaction.h"
#include "libs/store/context.h"

namespace loyalty::worker {

// Runs `per_member` in its own SQL transaction (with retries) for each (org_id, member_id) row
// that `candidates` ($1 = now, $2 = batch) returns; sums what they return.
absl::StatusOr<int64_t> ForEachCandidate(
    const store::Context& context, const pg::Statement& candidates, int32_t batch,
    const std::function<absl::StatusOr<int64_t>(pg::Transaction&, const std::string& org_id,
                                                const std::string& member_id, absl::Time now)>&
        per_member);

}  // namespace loyalty::worker
