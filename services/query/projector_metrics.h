#pragma once

#include <cstdint>

#include "absl/time/time.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace loyalty::query {

// What the projector exports: applied and skipped (never committed) events, and the lag behind
// the outbox in events and seconds.
class ProjectorMetrics final {
 public:
  explicit ProjectorMetrics(prometheus::Registry& registry);

  void OnApplied(int64_t events, int64_t skipped_positions);
  void OnLag(int64_t events, absl::Duration age);
  void OnLeader(bool leader);

  double applied() const { return applied_.Value(); }

 private:
  prometheus::Counter& applied_;
  prometheus::Counter& skipped_;
  prometheus::Gauge& lag_events_;
  prometheus::Gauge& lag_seconds_;
  prometheus::Gauge& leader_;
};

}  // namespace loyalty::query
