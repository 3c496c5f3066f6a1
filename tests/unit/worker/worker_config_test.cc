#include "services/worker/worker_config.h"

#include "gtest/gtest.h"
#include "tests/unit/flag_bounds.h"

namespace loyalty::worker {
namespace {

using testing::IntFlag;

TEST(WorkerConfigTest, DefaultsAreValid) {
  const Config config;
  EXPECT_TRUE(Validate(config).ok()) << Validate(config);
  EXPECT_EQ(config.pool_size, 4);
  EXPECT_EQ(config.metrics_listen, "127.0.0.1:9466");
  const WorkerOptions options = config.ToWorkerOptions();
  EXPECT_EQ(options.batch, 500);
  EXPECT_EQ(options.interval, absl::Seconds(1));
  EXPECT_EQ(options.idempotency_retention, absl::Hours(24 * 30));
}

TEST(WorkerConfigTest, EveryBoundRefusedOnBothSidesNamingTheFlag) {
  testing::ExpectBounds<Config>(
      {
          IntFlag<Config>{"--pool_size must be 1..64", 1, 64,
                          [](Config& c, int v) { c.pool_size = v; }},
          IntFlag<Config>{"--batch must be 1..10000", 1, 10000,
                          [](Config& c, int v) { c.batch = v; }},
          IntFlag<Config>{"--interval_ms must be 10..3600000", 10, 3600000,
                          [](Config& c, int v) { c.interval_ms = v; }},
          IntFlag<Config>{"--idempotency_retention_days must be 1..3650", 1, 3650,
                          [](Config& c, int v) { c.idempotency_retention_days = v; }},
      },
      &Validate);
}

TEST(WorkerConfigTest, TheWorkerGetsTheFlagsInItsUnits) {
  Config config;
  config.batch = 7;
  config.interval_ms = 250;
  config.idempotency_retention_days = 3;
  const WorkerOptions options = config.ToWorkerOptions();
  EXPECT_EQ(options.batch, 7);
  EXPECT_EQ(options.interval, absl::Milliseconds(250));
  EXPECT_EQ(options.idempotency_retention, absl::Hours(72));
}

}  // namespace
}  // namespace loyalty::worker
