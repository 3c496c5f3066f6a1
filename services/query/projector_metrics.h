#pragma once

#include <cstdint>
#include <vector>

#include "absl/time/time.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace loyalty::query {

// What the projector exports: applied and skipped (never committed) events, the lag behind the
// outbox in events and seconds, and per applied event the time from its outbox row's created_at
// (the command transaction's now()) to the projector's commit. The lag gauges exist only while
// the lag is known: absent until the projector has measured it, and again from the moment a
// measurement fails or the projector loses its database connection, so that an unreachable
// database never reads as no lag.
class ProjectorMetrics final {
 public:
  explicit ProjectorMetrics(prometheus::Registry& registry);

  void OnApplied(int64_t events, int64_t skipped_positions);
  void OnLag(int64_t events, absl::Duration age);
  // The lag is not known (the database did not answer): the lag gauges are removed.
  void OnLagUnknown();
  // One observation per event: `committed_at` minus each event's outbox created_at.
  void OnEventsVisible(absl::Time committed_at, const std::vector<absl::Time>& created_at);
  void OnLeader(bool leader);

  double applied() const { return applied_.Value(); }

 private:
  prometheus::Counter& applied_;
  prometheus::Counter& skipped_;
  // The projector's one thread sets and removes them; a scrape reads the families under their
  // own locks.
  prometheus::Family<prometheus::Gauge>& lag_events_;
  prometheus::Family<prometheus::Gauge>& lag_seconds_;
  prometheus::Gauge* lag_events_gauge_ = nullptr;
  prometheus::Gauge* lag_seconds_gauge_ = nullptr;
  prometheus::Gauge& leader_;
  prometheus::Histogram& event_lag_;
};

}  // namespace loyalty::query
