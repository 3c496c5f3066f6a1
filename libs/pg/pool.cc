#include "libs/pg/pool.h"

#include <algorithm>
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
  absl::MutexLock lock(&mutex_);
  LOYALTY_CHECK(in_use_ == 0);  // a Lease must not outlive its pool
}

absl::StatusOr<Lease> Pool::Acquire() {
  const absl::Time start = absl::Now();
  std::unique_ptr<Connection> connection;
  bool open_new = false;
  {
    absl::MutexLock lock(&mutex_);
    if (!idle_.empty()) {
      connection = std::move(idle_.back());  // warmest first
      idle_.pop_back();
    } else if (open_ < options_.size) {
      ++open_;
      open_new = true;
    } else if (Waiter waiter; !AwaitHandOver(waiter, connection, open_new)) {
      return absl::ResourceExhaustedError(
          absl::StrCat("no free database connection within ",
                       absl::FormatDuration(options_.acquire_timeout), " (pool size ",
                       options_.size, ")"));
    }
    ++in_use_;
    if (observer_ != nullptr) observer_->OnInUseChanged(in_use_, options_.size);
  }
  if (open_new) {
    absl::StatusOr<std::unique_ptr<Connection>> opened = Connection::Open(options_.url);
    if (!opened.ok()) {
      absl::MutexLock lock(&mutex_);
      FreeSlot(nullptr);  // a waiter may try to open in our place
      return opened.status();
    }
    connection = *std::move(opened);
  }
  if (observer_ != nullptr) observer_->OnAcquire(absl::Now() - start);
  return Lease(this, std::move(connection));
}

bool Pool::AwaitHandOver(Waiter& waiter, std::unique_ptr<Connection>& connection,
                         bool& open_new) {
  waiters_.push_back(&waiter);
  mutex_.Unlock();
  waiter.parker.WaitFor(options_.acquire_timeout);
  mutex_.Lock();
  // Decided under the lock: a hand-over that came with the timeout still counts.
  if (waiter.connection == nullptr && !waiter.may_open) {
    waiters_.erase(std::find(waiters_.begin(), waiters_.end(), &waiter));
    return false;
  }
  connection = std::move(waiter.connection);
  open_new = waiter.may_open;
  return true;
}

void Pool::Release(std::unique_ptr<Connection> connection) {
  if (observer_ != nullptr && connection != nullptr) {
    observer_->OnRoundTrips(connection->TakeRoundTrips());
  }
  std::unique_ptr<Connection> dropped;  // closed after the lock is released
  if (connection != nullptr && connection->IsBroken()) dropped = std::move(connection);
  absl::MutexLock lock(&mutex_);
  FreeSlot(std::move(connection));
}

void Pool::FreeSlot(std::unique_ptr<Connection> connection) {
  --in_use_;
  if (observer_ != nullptr) observer_->OnInUseChanged(in_use_, options_.size);
  if (!waiters_.empty()) {  // the slot passes on: open_ stays
    Waiter* waiter = waiters_.front();
    waiters_.pop_front();
    if (connection != nullptr) {
      waiter->connection = std::move(connection);
    } else {
      waiter->may_open = true;
    }
    waiter->parker.Unpark();  // under the lock: the waiter cannot go (and free it) before
    return;
  }
  if (connection != nullptr) {
    idle_.push_back(std::move(connection));
  } else {
    --open_;
  }
}

}  // namespace loyalty::pg
