#include "services/query/query_config.h"

#include "gtest/gtest.h"
#include "tests/unit/flag_bounds.h"

namespace loyalty::query {
namespace {

using testing::IntFlag;

TEST(QueryConfigTest, DefaultsAreValid) {
  const Config config;
  EXPECT_TRUE(Validate(config).ok()) << Validate(config);
  EXPECT_EQ(config.pool_size, 16);
  EXPECT_EQ(config.limits.workers, 32);
  EXPECT_EQ(config.limits.max_queued, 1024);
  EXPECT_EQ(config.max_threads, 256);
  EXPECT_TRUE(config.project);
  EXPECT_EQ(config.batch_size, 500);
  EXPECT_EQ(config.balance_cache_mib, 32);
  EXPECT_EQ(config.listen, "127.0.0.1:50052");
  EXPECT_EQ(config.metrics_listen, "127.0.0.1:9465");
}

TEST(QueryConfigTest, EveryBoundRefusedOnBothSidesNamingTheFlag) {
  testing::ExpectBounds<Config>(
      {
          IntFlag<Config>{"--pool_size must be 1..256", 1, 256,
                          [](Config& c, int v) { c.pool_size = v; }},
          IntFlag<Config>{"--max_threads must be 4..1024", 4, 1024,
                          [](Config& c, int v) { c.max_threads = v; }},
          IntFlag<Config>{"--workers must be 1..1024", 1, 1024,
                          [](Config& c, int v) { c.limits.workers = v; }},
          IntFlag<Config>{"--max_queued_calls must be 1..100000", 1, 100000,
                          [](Config& c, int v) { c.limits.max_queued = v; }},
          IntFlag<Config>{"--balance_cache_mib must be 0..16384", 0, 16384,
                          [](Config& c, int v) { c.balance_cache_mib = v; }},
          IntFlag<Config>{"--batch_size must be 1..10000", 1, 10000,
                          [](Config& c, int v) { c.batch_size = v; }},
      },
      &Validate);
}

// The projector is the one use of --batch_size: without it, the flag is not looked at.
TEST(QueryConfigTest, BatchSizeIsCheckedOnlyWithTheProjector) {
  Config config;
  config.batch_size = 0;
  EXPECT_EQ(Validate(config).message(), "--batch_size must be 1..10000");
  config.project = false;
  EXPECT_TRUE(Validate(config).ok()) << Validate(config);
}

TEST(QueryConfigTest, TheProjectorWritesTheViewsDatabaseUnlessToldOtherwise) {
  Config config;
  config.database_url = "host=replica";
  EXPECT_EQ(config.ProjectorDatabaseUrl(), "host=replica");
  config.projector_database_url = "host=primary";
  EXPECT_EQ(config.ProjectorDatabaseUrl(), "host=primary");
}

}  // namespace
}  // namespace loyalty::query
