#pragma once

#include <string>

#include "absl/time/time.h"
#include "libs/base/clock.h"
#include "libs/pg/pool.h"
#include "libs/pg/transaction.h"
#include "libs/store/config_cache.h"
#include "libs/store/member_cache.h"

namespace loyalty::store {

class MemberBatcher;

// What every use case needs; built once in main (or a test) and shared.
struct Context {
  pg::Pool* pool;
  const Clock* clock;
  pg::RetryPolicy retry;
  ConfigCache* config_cache = nullptr;  // program configuration cache; none when null
  MemberCache* member_cache = nullptr;  // members' states after commands; none when null
  // Runs a member's commands one at a time, and those queued together (none when null).
  MemberBatcher* member_batcher = nullptr;
  // The call's deadline: its transactions are bounded by it (pg::RunInTransaction). The services
  // set it on a copy for each call.
  absl::Time deadline = absl::InfiniteFuture();
  // The caller's identity (rpc::CallerIdentity), recorded beside the operation's ledger entries
  // for audit; empty over plaintext. The services set it on each call's copy too.
  std::string caller{};
  // The trace id of the call's W3C `traceparent` (rpc::CallTraceId; empty when none), recorded
  // beside the caller.
  std::string trace_id{};
};

}  // namespace loyalty::store
