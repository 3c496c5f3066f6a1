#include "services/command/command_config.h"

#include "gtest/gtest.h"
#include "tests/unit/flag_bounds.h"

namespace loyalty::command {
namespace {

using testing::IntFlag;

TEST(CommandConfigTest, DefaultsAreValid) {
  const Config config;
  EXPECT_TRUE(Validate(config).ok()) << Validate(config);
  EXPECT_EQ(config.pool_size, 16);
  EXPECT_EQ(config.limits.workers, 16);
  EXPECT_EQ(config.limits.max_queued, 1024);
  EXPECT_EQ(config.max_threads, 256);
  EXPECT_EQ(config.max_attempts, 8);
  EXPECT_EQ(config.acquire_timeout_ms, 2000);
  EXPECT_EQ(config.listen, "127.0.0.1:50051");
  EXPECT_EQ(config.metrics_listen, "127.0.0.1:9464");
  EXPECT_TRUE(config.admin_listen.empty());
}

TEST(CommandConfigTest, EveryBoundRefusedOnBothSidesNamingTheFlag) {
  testing::ExpectBounds<Config>(
      {
          IntFlag<Config>{"--pool_size must be 1..256", 1, 256,
                          [](Config& c, int v) { c.pool_size = v; }},
          IntFlag<Config>{"--max_threads must be 4..1024", 4, 1024,
                          [](Config& c, int v) { c.max_threads = v; }},
          IntFlag<Config>{"--max_attempts must be 1..32", 1, 32,
                          [](Config& c, int v) { c.max_attempts = v; }},
          IntFlag<Config>{"--workers must be 1..1024", 1, 1024,
                          [](Config& c, int v) { c.limits.workers = v; }},
          IntFlag<Config>{"--max_queued_calls must be 1..100000", 1, 100000,
                          [](Config& c, int v) { c.limits.max_queued = v; }},
          IntFlag<Config>{"--acquire_timeout_ms must be 0..600000", 0, 600000,
                          [](Config& c, int v) { c.acquire_timeout_ms = v; }},
      },
      &Validate);
}

TEST(CommandConfigTest, TheFirstFlagOutOfRangeIsNamed) {
  Config config;
  config.max_attempts = 0;
  config.limits.workers = 0;
  EXPECT_EQ(Validate(config).message(), "--max_attempts must be 1..32");
}

}  // namespace
}  // namespace loyalty::command
