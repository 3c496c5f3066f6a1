// query::ProjectorMetrics: the lag gauges exist only while the lag is known, so that a database
// that does not answer never reads as no lag.

#include "services/query/projector_metrics.h"

#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"

namespace loyalty::query {
namespace {

// The value of the one series of `family`, or -1 when the family has none.
double LagValue(const prometheus::Registry& registry, const std::string& family) {
  for (const prometheus::MetricFamily& collected : registry.Collect()) {
    if (collected.name == family && !collected.metric.empty()) {
      return collected.metric.front().gauge.value;
    }
  }
  return -1;
}

TEST(ProjectorMetricsTest, TheLagIsAbsentUntilMeasuredAndAgainOnceUnknown) {
  prometheus::Registry registry;
  ProjectorMetrics metrics(registry);
  EXPECT_EQ(LagValue(registry, "loyalty_projector_lag_events"), -1);
  EXPECT_EQ(LagValue(registry, "loyalty_projector_lag_seconds"), -1);

  metrics.OnLag(0, absl::ZeroDuration());
  EXPECT_EQ(LagValue(registry, "loyalty_projector_lag_events"), 0);
  EXPECT_EQ(LagValue(registry, "loyalty_projector_lag_seconds"), 0);
  metrics.OnLag(12, absl::Seconds(3));
  EXPECT_EQ(LagValue(registry, "loyalty_projector_lag_events"), 12);
  EXPECT_EQ(LagValue(registry, "loyalty_projector_lag_seconds"), 3);

  metrics.OnLagUnknown();  // the database did not answer
  EXPECT_EQ(LagValue(registry, "loyalty_projector_lag_events"), -1);
  EXPECT_EQ(LagValue(registry, "loyalty_projector_lag_seconds"), -1);
  metrics.OnLagUnknown();

  metrics.OnLag(1, absl::Milliseconds(500));
  EXPECT_EQ(LagValue(registry, "loyalty_projector_lag_events"), 1);
  EXPECT_EQ(LagValue(registry, "loyalty_projector_lag_seconds"), 0.5);
}

}  // namespace
}  // namespace loyalty::query
