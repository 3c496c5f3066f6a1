#pragma once

#include <cstdint>
#include <stop_token>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "libs/pg/connection.h"
#include "libs/pg/transaction.h"
#include "services/query/balance_cache.h"

namespace loyalty::query {

struct StandbyWatchOptions {
  std::string database_url;  // the standby GetBalances reads the views from
  absl::Duration poll_interval = absl::Milliseconds(20);
  // Outbox events one poll reads at most: when more were projected since the last poll,
  // everything cached goes instead.
  int64_t max_events = 10000;
};

// Keeps a BalanceCache told of every change on a hot standby, which can neither LISTEN nor
// receive NOTIFYs: every poll_interval, in one snapshot, it reads the replayed view_checkpoint
// and the per-organisation view_change_seq (migration 0014), and tells the cache, in this order,
// of the members whose balances the outbox events projected since the last poll set ('m'), of
// the rows added to view_changes since ('m', or 'o' for a whole organisation), and of the new
// position ('p'). Then it Confirms the time just before that snapshot: whatever the standby had
// replayed by then has reached the cache. A read Reserves before its snapshot, so a change it
// did not see is one a later poll reports, cancelling its Fill (docs/read-side.md, "Balance
// cache on a standby").
class StandbyWatcher final {
 public:
  StandbyWatcher(StandbyWatchOptions options, BalanceCache* cache);
  // Polls until stopped or the session fails (the cache is then closed); the status says why.
  absl::Status WatchOnce(const std::stop_token& stop);

 private:
  // One poll in one REPEATABLE READ snapshot; `first` only records where things are.
  absl::Status Poll(pg::Connection& connection, bool first);
  // In Poll's snapshot: the members the events after position_ up to `position` set.
  absl::Status ReportEvents(pg::Transaction& tx, int64_t position);
  // In Poll's snapshot: the org's view_changes after the seq reported, up to `seq`.
  absl::Status ReportChanges(pg::Transaction& tx, const std::string& org_id, int64_t seq);

  const StandbyWatchOptions options_;
  BalanceCache* cache_;
  int64_t position_ = 0;
  absl::flat_hash_map<std::string, int64_t> seqs_;  // org -> view_change_seq reported
};

}  // namespace loyalty::query
