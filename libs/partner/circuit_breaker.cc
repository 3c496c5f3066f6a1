#include "libs/partner/circuit_breaker.h"

namespace loyalty::partner {

bool CircuitBreaker::Allow(absl::Time now) {
  absl::MutexLock lock(&mutex_);
  if (state_ == State::kOpen) {
    if (now < open_until_) return false;
    state_ = State::kHalfOpen;
    trial_out_ = false;
  }
  if (state_ == State::kHalfOpen) {
    if (trial_out_) return false;
    trial_out_ = true;
  }
  return true;
}

void CircuitBreaker::Succeeded() {
  absl::MutexLock lock(&mutex_);
  state_ = State::kClosed;
  consecutive_ = 0;
  trial_out_ = false;
}

void CircuitBreaker::Failed(absl::Time now) {
  absl::MutexLock lock(&mutex_);
  ++consecutive_;
  if (state_ == State::kHalfOpen || consecutive_ >= failures_) {
    state_ = State::kOpen;
    open_until_ = now + open_for_;
    trial_out_ = false;
  }
}

bool CircuitBreaker::Refusing(absl::Time now) {
  absl::MutexLock lock(&mutex_);
  return state_ == State::kOpen && now < open_until_;
}

CircuitBreaker::State CircuitBreaker::state() {
  absl::MutexLock lock(&mutex_);
  return state_;
}

}  // namespace loyalty::partner
