#pragma once

#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "libs/pg/pool.h"

namespace loyalty::pg {

enum class Isolation { kReadCommitted, kRepeatableRead, kSerializable };

struct RetryPolicy {
  int max_attempts = 8;  // 1..32
  absl::Duration first_backoff = absl::Milliseconds(1);  // doubled each attempt, with jitter
  absl::Duration max_backoff = absl::Milliseconds(50);
};

// An open SQL transaction on a leased connection, made by RunInTransaction. It saves round
// trips without changing what the server runs or in which order:
//  - BEGIN goes out with the first statement, and COMMIT with the writes still queued.
//  - Defer() queues a write whose result the caller does not need; it runs, in order, in the
//    next round trip (the next Execute, or COMMIT). A deferred write that fails fails that round
//    trip, so the transaction is rolled back as if it had failed on its own.
//  - Prefetch() declares a read the caller is about to Execute. Every statement queued then goes
//    out in the first round trip, and each Execute that asks for the next declared read (same
//    statement, same parameters) takes its result without waiting. The server thus runs the
//    caller's statements in the caller's order; a read that no Execute asks for in that order,
//    and everything declared after it, is dropped and run again when asked. Declare reads only
//    (row locks included): a write may not be run ahead of the code that decides on it.
//  - PrefetchCommit() declares that the reads declared so far are all the transaction runs: the
//    COMMIT goes out with them, in the same round trip. For read-only transactions. A statement
//    not declared before it fails with INTERNAL (it would run after the COMMIT).
//  - A transaction with a deadline (a call's) is bounded by it: with BEGIN, in the same round
//    trip, goes `SET LOCAL statement_timeout` to the time left, so the server cancels a statement
//    still running (or waiting for a lock) at the deadline; and no round trip, COMMIT included,
//    is sent once it has passed. Either way the transaction fails with DEADLINE_EXCEEDED and is
//    rolled back.
class Transaction final {
 public:
  // BEGIN (queued) in `isolation`, bounded by `deadline`: see RunInTransaction and
  // RunTransactionOnce.
  Transaction(Connection& connection, Isolation isolation,
              absl::Time deadline = absl::InfiniteFuture());
  // No BEGIN: statements run in a transaction block the caller manages, or each on its own.
  explicit Transaction(Connection& connection) : connection_(connection), begun_(true) {}

  // Runs the statement (after what is queued, in the same round trip), or takes its prefetched
  // result.
  absl::StatusOr<Result> Execute(const Statement& statement, const Params& params = {});
  // Runs SQL text after what is queued (DDL, one-off statements).
  absl::StatusOr<Result> ExecuteText(std::string_view sql, const Params& params = {});
  void Defer(const Statement& statement, Params params);
  void Prefetch(const Statement& statement, Params params);
  void PrefetchCommit();

  // Runs what is queued now (writes deferred without a COMMIT to carry them).
  absl::Status Flush();

  // For several commands in one transaction (store::MemberBatcher): Savepoint() queues a
  // SAVEPOINT; RollbackToSavepoint() forgets what is queued or prefetched and undoes what ran
  // since the last Savepoint (queuing ROLLBACK TO SAVEPOINT when the SAVEPOINT has gone out), so
  // that a refused command leaves no trace and the next one goes on.
  void Savepoint();
  void RollbackToSavepoint();
  // Whether a round trip of this transaction failed: the server has then aborted it, or the
  // connection is gone.
  bool RoundTripFailed() const { return round_trip_failed_; }

  // COMMIT with what is queued; then ROLLBACK when that or the body failed (best effort).
  absl::Status Commit();
  void Rollback();

 private:
  struct Queued {
    Query query;
    bool keep_result;  // a prefetched read
  };
  struct Prefetched {
    const Statement* statement;
    Params params;
    Result result;
  };

  void Queue(const Statement& statement, Params params, bool keep_result);
  void DropPrefetched();  // forgets prefetched reads, run or not
  // After PrefetchCommit: fails the transaction (INTERNAL, `what` would run after the COMMIT)
  // and returns true.
  bool RefusedAfterCommit(std::string_view what);
  // The prefetched result of this statement when it is the next one declared.
  absl::StatusOr<std::optional<Result>> TakePrefetched(const Statement& statement,
                                                       const Params& params);

  Connection& connection_;
  const absl::Time deadline_ = absl::InfiniteFuture();
  size_t preamble_ = 0;  // BEGIN, and the statement timeout when there is a deadline
  std::vector<Queued> queued_;
  size_t queued_bytes_ = 0;
  std::deque<Prefetched> prefetched_;
  bool begun_ = false;     // BEGIN has gone out
  bool commit_declared_ = false;  // PrefetchCommit: COMMIT is queued or has gone out
  bool ended_ = false;     // a COMMIT has gone out and succeeded
  bool round_trip_failed_ = false;
  absl::Status failure_;  // of a round trip made because the queue was full
};

// Leases a connection, runs `body` in one SQL transaction and commits. When the body or the commit
// fails with a retryable error (IsRetryable), rolls back and runs the body again, up to
// policy.max_attempts times in all, with backoff; reports each retry to the pool's observer. A
// body that returns a non-OK status is rolled back and that status is returned (no retry unless
// retryable). After the last attempt the retryable error comes back as ABORTED. The body must be
// safe to run again: keep its effects on local state reset at its start.
// `deadline` (a call's) bounds it all: the wait for a connection, each attempt (see Transaction)
// and the backoff; no attempt starts after it. Then DEADLINE_EXCEEDED, with nothing committed
// unless the COMMIT had gone out before it.
absl::Status RunInTransaction(Pool& pool, Isolation isolation, const RetryPolicy& policy,
                              const std::function<absl::Status(Transaction&)>& body,
                              absl::Time deadline = absl::InfiniteFuture());

// One attempt on a connection the caller holds: BEGIN, body, COMMIT; ROLLBACK when the body or
// COMMIT fails. No retry. Bounded by `deadline` as a Transaction.
absl::Status RunTransactionOnce(Connection& connection, Isolation isolation,
                                const std::function<absl::Status(Transaction&)>& body,
                                absl::Time deadline = absl::InfiniteFuture());

}  // namespace loyalty::pg
