#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>

#include "absl/time/time.h"
#include "libs/pg/pool.h"

namespace loyalty::testing {

// Counts the round trips a pool's connections make.
class RoundTripObserver final : public pg::PoolObserver {
 public:
  void OnAcquire(absl::Duration /*waited*/) override {}
  void OnInUseChanged(int /*in_use*/, int /*size*/) override {}
  void OnRetry(std::string_view /*sqlstate*/) override {}
  void OnRoundTrips(int64_t count) override { round_trips_ += count; }
  // The round trips since the last Take.
  int64_t Take() { return round_trips_.exchange(0); }

 private:
  std::atomic<int64_t> round_trips_{0};
};

}  // namespace loyalty::testing
