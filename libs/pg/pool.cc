#include "libs/pg/pool.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/base/check.h"

namespace loyalty::pg {
namespace {

constexpr int kMaxPoolSize = 256;
// CancelRunning's pause before it cancels a statement again.
constexpr absl::Duration kCancelAgainAfter = absl::Milliseconds(50);

absl::Status ShuttingDown() {
  return absl::UnavailableError("the server is shutting down: no new database work is started");
}

}  // namespace

Lease::Lease(Pool* pool, std::unique_ptr<Connection> connection)
    : pool_(pool), connection_(std::move(connection)) {}

Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), connection_(std::move(other.connection_)) {}

Lease::~Lease() {
  if (pool_ != nullptr) pool_->Release(std::move(connection_));
}

Pool::Pool(PoolOptions options, PoolObserver* observer)
    : options_(std::move(options)), observer_(observer) {
  LOYALTY_CHECK(options_.size >= 1 && options_.size <= kMaxPoolSize);
  LOYALTY_CHECK(options_.acquire_timeout >= absl::ZeroDuration());
}

Pool::~Pool() {
  absl::MutexLock lock(&mutex_);
  LOYALTY_CHECK(in_use_ == 0);  // a Lease must not outlive its pool
}

absl::StatusOr<Lease> Pool::Acquire(absl::Time deadline) {
  const absl::Time start = absl::Now();
  const bool deadline_first = deadline < start + options_.acquire_timeout;
  mutex_.Lock();
  if (!mutex_.AwaitWithDeadline(absl::Condition(this, &Pool::Available),
                                deadline_first ? deadline : start + options_.acquire_timeout)) {
    mutex_.Unlock();
    if (deadline_first) {
      return absl::DeadlineExceededError(
          "the call's deadline passed while it waited for a database connection");
    }
    return absl::ResourceExhaustedError(
        absl::StrCat("no free database connection within ",
                     absl::FormatDuration(options_.acquire_timeout), " (pool size ",
                     options_.size, ")"));
  }
  if (closing_) {
    mutex_.Unlock();
    return ShuttingDown();
  }
  ++in_use_;
  if (observer_ != nullptr) observer_->OnInUseChanged(in_use_, options_.size);
  if (!idle_.empty()) {
    std::unique_ptr<Connection> connection = std::move(idle_.back());  // warmest first
    idle_.pop_back();
    Lease lease = LeaseOf(std::move(connection));
    mutex_.Unlock();
    if (observer_ != nullptr) observer_->OnAcquire(absl::Now() - start);
    return lease;
  }
  ++open_;
  mutex_.Unlock();
  absl::StatusOr<std::unique_ptr<Connection>> connection = Connection::Open(options_.url);
  absl::MutexLock lock(&mutex_);  // a waiter may try to open in our place
  if (!connection.ok() || closing_) {
    --open_;
    --in_use_;
    if (observer_ != nullptr) observer_->OnInUseChanged(in_use_, options_.size);
    if (!connection.ok()) return connection.status();
    return ShuttingDown();
  }
  if (observer_ != nullptr) observer_->OnAcquire(absl::Now() - start);
  return LeaseOf(*std::move(connection));
}

Lease Pool::LeaseOf(std::unique_ptr<Connection> connection) {
  leased_.insert(connection.get());
  return Lease(this, std::move(connection));
}

void Pool::Release(std::unique_ptr<Connection> connection) {
  if (observer_ != nullptr && connection != nullptr) {
    observer_->OnRoundTrips(connection->TakeRoundTrips());
  }
  const bool keep = connection != nullptr && !connection->IsBroken();
  {
    absl::MutexLock lock(&mutex_);  // its release wakes a waiter that can go on
    leased_.erase(connection.get());
    ++releases_;
    --in_use_;
    if (keep) {
      idle_.push_back(std::move(connection));
    } else {
      --open_;
    }
    if (observer_ != nullptr) observer_->OnInUseChanged(in_use_, options_.size);
  }
  // A dropped connection closes here, outside the lock.
}

void Pool::CancelRunning(absl::Duration bound) {
  const absl::Time give_up = absl::Now() + bound;
  absl::MutexLock lock(&mutex_);
  closing_ = true;
  for (;;) {
    bool running = false;
    for (Connection* connection : leased_) running = connection->Cancel() || running;
    if (!running || absl::Now() >= give_up) return;
    // Until a lease comes back, or for a moment: then again, since a cancel that reached the
    // server between two statements of a round trip was lost.
    const int64_t seen = releases_;
    const auto released = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) { return releases_ != seen; };
    mutex_.AwaitWithDeadline(absl::Condition(&released),
                             std::min(give_up, absl::Now() + kCancelAgainAfter));
  }
}

}  // namespace loyalty::pg
