#include "services/query/projector_metrics.h"

#include <utility>

namespace loyalty::query {
namespace {

// Fine around 1-100 ms, where the projector's poll interval and batch commits land.
const prometheus::Histogram::BucketBoundaries& EventLagBuckets() {
  static const prometheus::Histogram::BucketBoundaries buckets = {
      0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1,
      0.15, 0.2, 0.3, 0.5, 1, 2.5, 5, 10, 30, 60};
  return buckets;
}

}  // namespace

ProjectorMetrics::ProjectorMetrics(prometheus::Registry& registry)
    : applied_(prometheus::BuildCounter()
                   .Name("loyalty_projector_applied_events_total")
                   .Help("Outbox events applied to the read views")
                   .Register(registry)
                   .Add({})),
      skipped_(prometheus::BuildCounter()
                   .Name("loyalty_projector_skipped_positions_total")
                   .Help("Outbox positions proven never to commit (rolled back)")
                   .Register(registry)
                   .Add({})),
      lag_events_(prometheus::BuildGauge()
                      .Name("loyalty_projector_lag_events")
                      .Help("Committed outbox events not yet applied to the views (absent while "
                            "unknown)")
                      .Register(registry)),
      lag_seconds_(prometheus::BuildGauge()
                       .Name("loyalty_projector_lag_seconds")
                       .Help("Age of the oldest committed event not yet applied (absent while "
                             "unknown)")
                       .Register(registry)),
      leader_(prometheus::BuildGauge()
                  .Name("loyalty_projector_leader")
                  .Help("1 while this process holds the projector lock")
                  .Register(registry)
                  .Add({})),
      event_lag_(prometheus::BuildHistogram()
                     .Name("loyalty_projection_lag_seconds")
                     .Help("Per applied event: projector commit time minus the outbox row's"
                           " created_at (the command transaction's start)")
                     .Register(registry)
                     .Add({}, EventLagBuckets())) {}

void ProjectorMetrics::OnApplied(int64_t events, int64_t skipped_positions) {
  applied_.Increment(static_cast<double>(events));
  skipped_.Increment(static_cast<double>(skipped_positions));
}

void ProjectorMetrics::OnLag(int64_t events, absl::Duration age) {
  if (lag_events_gauge_ == nullptr) lag_events_gauge_ = &lag_events_.Add({});
  if (lag_seconds_gauge_ == nullptr) lag_seconds_gauge_ = &lag_seconds_.Add({});
  lag_events_gauge_->Set(static_cast<double>(events));
  lag_seconds_gauge_->Set(absl::ToDoubleSeconds(age));
}

void ProjectorMetrics::OnLagUnknown() {
  if (lag_events_gauge_ != nullptr) lag_events_.Remove(std::exchange(lag_events_gauge_, nullptr));
  if (lag_seconds_gauge_ != nullptr) {
    lag_seconds_.Remove(std::exchange(lag_seconds_gauge_, nullptr));
  }
}

void ProjectorMetrics::OnEventsVisible(absl::Time committed_at,
                                       const std::vector<absl::Time>& created_at) {
  for (const absl::Time created : created_at) {
    event_lag_.Observe(absl::ToDoubleSeconds(committed_at - created));
  }
}

void ProjectorMetrics::OnLeader(bool leader) { leader_.Set(leader ? 1.0 : 0.0); }

}  // namespace loyalty::query
