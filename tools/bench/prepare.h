#pragma once

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "grpcpp/channel.h"
#include "tools/bench/options.h"

namespace loyalty::bench {

// Creates the data set through the public AdminService and CommandService: org `org_id`, the
// demo org of tools/demo_org/demo_org.h, members bm-0..bm-(members-1) enrolled in both
// programs, each with `history` purchases in shop and one in travel; with `badges`, the ten
// badges of tools/bench/badges.h are defined in shop before the members. Every call has a fixed
// idempotency key, so running it again replays instead of adding; at most
// `prepare_concurrency` calls are in flight.
absl::Status Prepare(const Options& options,
                     const std::vector<std::shared_ptr<grpc::Channel>>& channels);

// Sends one command (`once_operation` to `member_index` with idempotency key `key`), or one
// GetBalances of `member_index`, on `channel` (the command or the query target) and prints its
// ledger position. Used to capture the SQL one call executes.
absl::Status SendOnce(const Options& options, const std::shared_ptr<grpc::Channel>& channel);

}  // namespace loyalty::bench
