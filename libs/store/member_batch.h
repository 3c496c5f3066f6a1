#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/node_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/pg/pool.h"
#include "libs/pg/transaction.h"
#include "libs/store/member_cache.h"

namespace loyalty::store {

// Told of every batch of more than one command (metrics).
class BatchObserver {
 public:
  virtual ~BatchObserver() = default;
  // `commands` ran in one SQL transaction; or, when `fell_back`, the batch failed as a whole
  // and each ran again in its own.
  virtual void OnBatch(size_t commands, bool fell_back) = 0;
};

// Runs the commands of this process on one member one at a time, and those that queued up
// behind a command on the same member together, in one SQL transaction with one commit:
//  - a command that finds none running on its member starts at once, alone;
//  - when it ends, the commands that waited meanwhile (up to kMaxBatch, in arrival order) run
//    one after the other in one transaction, each behind a SAVEPOINT, each starting from the
//    member's state the one before left (MemberCommandCache::Follow);
//  - a command that refuses (its attempt returns an error that is not retryable, and no
//    pipelined round trip failed) is rolled back to its savepoint and gets its error; the
//    others go on;
//  - when a command fails with a retryable error (IsRetryable), a pipelined round trip fails
//    or the COMMIT does, every command of the batch runs again alone, as it would have without
//    the batch (retries and idempotency keys as usual).
// So a hot member's commands share the member lock's wait and the commit's WAL flush, and each
// still sees exactly what the ones before it did. Commands on other members are not held up.
class MemberBatcher final {
 public:
  // SAVEPOINTs nest, and PostgreSQL keeps the ids of 64 subtransactions per backend in shared
  // memory before it spills them; a batch stays well under that.
  static constexpr size_t kMaxBatch = 16;

  // One attempt of the command on the transaction it is given: claims, decides, writes (see
  // RunIdempotentCommand). Safe to run again.
  using Attempt = std::function<absl::Status(pg::Transaction&)>;

  MemberBatcher(pg::Pool& pool, pg::RetryPolicy retry, BatchObserver* observer = nullptr)
      : pool_(pool), retry_(retry), observer_(observer) {}

  // Runs the command on `cached`'s member and returns its outcome; on success the member's
  // state after it is cached (MemberCommandCache::Committed). The command's transactions are
  // bounded by `deadline` (pg::RunInTransaction); a batch's, by the earliest of its commands'.
  absl::Status Run(MemberCommandCache& cached, const Attempt& attempt,
                   absl::Time deadline = absl::InfiniteFuture());

  // Waits until the member has at least `commands` commands running or waiting in this
  // process: for tests.
  void AwaitQueued(const std::string& org_id, const std::string& member_id, size_t commands) const;

 private:
  struct Command {
    MemberCommandCache* cached;
    const Attempt* attempt;
    absl::Time deadline;
    absl::Status status;
    bool lead = false;  // its turn to run the next batch
    bool done = false;
    bool Ready() const { return lead || done; }
  };
  using Key = std::pair<std::string, std::string>;  // org id, member id
  struct Queue {                                    // present while a batch runs on the member
    std::deque<Command*> waiting;
    size_t running = 0;
  };

  void RunBatch(const std::vector<Command*>& batch);
  // The batch in one transaction. kNoConnection: each command got the pool's error.
  enum class Together { kCommitted, kFailed, kNoConnection };
  Together RunTogether(const std::vector<Command*>& batch);
  void RunAlone(Command& command);

  pg::Pool& pool_;
  const pg::RetryPolicy retry_;
  BatchObserver* const observer_;
  mutable absl::Mutex mutex_;
  absl::node_hash_map<Key, Queue> queues_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace loyalty::store
