#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/pg/connection.h"

namespace loyalty::pg {

struct PoolOptions {
  std::string url;
  int size = 8;                                   // connections, opened lazily, 1..256
  absl::Duration acquire_timeout = absl::Seconds(2);  // then RESOURCE_EXHAUSTED
};

// Observes the pool for metrics. All callbacks may come from any thread.
class PoolObserver {
 public:
  virtual ~PoolObserver() = default;
  virtual void OnAcquire(absl::Duration waited) = 0;
  virtual void OnInUseChanged(int in_use, int size) = 0;
  virtual void OnRetry(std::string_view sqlstate) = 0;
  // Round trips to the server made on a leased connection, reported when it comes back.
  virtual void OnRoundTrips(int64_t /*count*/) {}
};

class Pool;

// A connection borrowed from the pool; returned (or dropped, when broken) on destruction.
class Lease final {
 public:
  Lease(Lease&& other) noexcept;
  Lease& operator=(Lease&&) = delete;
  ~Lease();
  Connection& operator*() const { return *connection_; }
  Connection* operator->() const { return connection_.get(); }

 private:
  friend class Pool;
  Lease(Pool* pool, std::unique_ptr<Connection> connection);
  Pool* pool_;
  std::unique_ptr<Connection> connection_;
};

// A bounded pool of connections. Thread-safe.
class Pool final {
 public:
  explicit Pool(PoolOptions options, PoolObserver* observer = nullptr);
  ~Pool();

  // Waits at most acquire_timeout for a free connection: RESOURCE_EXHAUSTED after that,
  // UNAVAILABLE when a new connection cannot be opened, or after CancelRunning;
  // DEADLINE_EXCEEDED when `deadline` comes first.
  absl::StatusOr<Lease> Acquire(absl::Time deadline = absl::InfiniteFuture());

  // For a bounded shutdown, at its grace deadline: refuses every lease from now on (UNAVAILABLE)
  // and ends what runs on the leased connections (Connection::Cancel: nothing more is sent on
  // them, and the statement running in the server is cancelled there, the cancel repeated until
  // its round trip ends). Returns once no leased connection has a round trip in flight, or after
  // `bound`: from then on nothing reaches the database through this pool, so no transaction of
  // it commits after its call was answered UNAVAILABLE. Thread-safe.
  void CancelRunning(absl::Duration bound = absl::Seconds(2));
  int size() const { return options_.size; }
  PoolObserver* observer() const { return observer_; }

 private:
  friend class Lease;
  void Release(std::unique_ptr<Connection> connection);

  // An idle connection to lease, or room to open one.
  bool Available() const ABSL_SHARED_LOCKS_REQUIRED(mutex_) {
    return closing_ || !idle_.empty() || open_ < options_.size;
  }
  Lease LeaseOf(std::unique_ptr<Connection> connection) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const PoolOptions options_;
  PoolObserver* const observer_;
  // absl::Mutex and its conditions, not std::condition_variable: with dozens of waiters, glibc
  // 2.36's condition variable held the releasing threads inside notify_one (26 of 64 calls
  // seen in pthread_cond_signal) while most connections sat idle.
  absl::Mutex mutex_;
  std::deque<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mutex_);
  int open_ ABSL_GUARDED_BY(mutex_) = 0;
  int in_use_ ABSL_GUARDED_BY(mutex_) = 0;
  absl::flat_hash_set<Connection*> leased_ ABSL_GUARDED_BY(mutex_);  // for CancelRunning
  int64_t releases_ ABSL_GUARDED_BY(mutex_) = 0;
  bool closing_ ABSL_GUARDED_BY(mutex_) = false;  // CancelRunning was called
};

}  // namespace loyalty::pg
