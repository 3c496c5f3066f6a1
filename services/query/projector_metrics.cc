#include "services/query/projector_metrics.h"

namespace loyalty::query {

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
                      .Help("Committed outbox events not yet applied to the views")
                      .Register(registry)
                      .Add({})),
      lag_seconds_(prometheus::BuildGauge()
                       .Name("loyalty_projector_lag_seconds")
                       .Help("Age of the oldest committed event not yet applied")
                       .Register(registry)
                       .Add({})),
      leader_(prometheus::BuildGauge()
                  .Name("loyalty_projector_leader")
                  .Help("1 while this process holds the projector lock")
                  .Register(registry)
                  .Add({})) {}

void ProjectorMetrics::OnApplied(int64_t events, int64_t skipped_positions) {
  applied_.Increment(static_cast<double>(events));
  skipped_.Increment(static_cast<double>(skipped_positions));
}

void ProjectorMetrics::OnLag(int64_t events, absl::Duration age) {
  lag_events_.Set(static_cast<double>(events));
  lag_seconds_.Set(absl::ToDoubleSeconds(age));
}

void ProjectorMetrics::OnLeader(bool leader) { leader_.Set(leader ? 1.0 : 0.0); }

}  // namespace loyalty::query
