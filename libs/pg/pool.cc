#include "libs/pg/pool.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/base/check.h"

namespace loyalty::pg {
namespace {

constexpr int kMaxPoolSize = 256;

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
  std::lock_guard<std::mutex> lock(mutex_);
  LOYALTY_CHECK(in_use_ == 0);  // a Lease must not outlive its pool
}

absl::StatusOr<Lease> Pool::Acquire() {
  const absl::Time start = absl::Now();
  const auto deadline = std::chrono::steady_clock::now() +
                        absl::ToChronoNanoseconds(options_.acquire_timeout);
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    if (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back());  // warmest first
      idle_.pop_back();
      ++in_use_;
      if (observer_ != nullptr) {
        observer_->OnInUseChanged(in_use_, options_.size);
        observer_->OnAcquire(absl::Now() - start);
      }
      return Lease(this, std::move(connection));
    }
    if (open_ < options_.size) {
      ++open_;
      ++in_use_;
      if (observer_ != nullptr) observer_->OnInUseChanged(in_use_, options_.size);
      lock.unlock();
      absl::StatusOr<std::unique_ptr<Connection>> connection = Connection::Open(options_.url);
      if (!connection.ok()) {
        lock.lock();
        --open_;
        --in_use_;
        if (observer_ != nullptr) observer_->OnInUseChanged(in_use_, options_.size);
        lock.unlock();
        released_.notify_one();  // let a waiter try to open in our place
        return connection.status();
      }
      if (observer_ != nullptr) observer_->OnAcquire(absl::Now() - start);
      return Lease(this, *std::move(connection));
    }
    if (released_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= options_.size) {
      return absl::ResourceExhaustedError(
          absl::StrCat("no free database connection within ",
                       absl::FormatDuration(options_.acquire_timeout), " (pool size ",
                       options_.size, ")"));
    }
  }
}

void Pool::Release(std::unique_ptr<Connection> connection) {
  if (observer_ != nullptr && connection != nullptr) {
    observer_->OnRoundTrips(connection->TakeRoundTrips());
  }
  const bool keep = connection != nullptr && !connection->IsBroken();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    --in_use_;
    if (keep) {
      idle_.push_back(std::move(connection));
    } else {
      --open_;
    }
    if (observer_ != nullptr) observer_->OnInUseChanged(in_use_, options_.size);
  }
  released_.notify_one();
  // A dropped connection closes here, outside the lock.
}

}  // namespace loyalty::pg
