// The benchmark's histogram and report math on known inputs.

#include "gtest/gtest.h"
#include "tools/bench/histogram.h"
#include "tools/bench/report.h"

namespace loyalty::bench {
namespace {

TEST(BenchHistogramTest, EmptyIsZero) {
  Histogram histogram;
  EXPECT_EQ(histogram.count(), 0);
  EXPECT_EQ(histogram.Percentile(0.5), 0);
  EXPECT_EQ(histogram.max(), 0);
  EXPECT_EQ(histogram.Mean(), 0);
}

TEST(BenchHistogramTest, SmallValuesAreExact) {
  Histogram histogram;
  for (int64_t v = 1; v <= 100; ++v) histogram.Record(v);
  EXPECT_EQ(histogram.count(), 100);
  EXPECT_EQ(histogram.Percentile(0.50), 50);
  EXPECT_EQ(histogram.Percentile(0.90), 90);
  EXPECT_EQ(histogram.Percentile(0.99), 99);
  EXPECT_EQ(histogram.Percentile(0.999), 100);
  EXPECT_EQ(histogram.Percentile(1.0), 100);
  EXPECT_EQ(histogram.Percentile(0.0), 1);
  EXPECT_EQ(histogram.min(), 1);
  EXPECT_EQ(histogram.max(), 100);
  EXPECT_DOUBLE_EQ(histogram.Mean(), 50.5);
}

TEST(BenchHistogramTest, LargeValuesWithinRelativeError) {
  Histogram histogram;
  for (int64_t v = 1; v <= 1'000'000; ++v) histogram.Record(v * 1000);  // 1 us .. 1 s
  const struct {
    double q;
    double exact;
  } cases[] = {{0.5, 5e8}, {0.9, 9e8}, {0.99, 9.9e8}, {0.999, 9.99e8}};
  for (const auto& c : cases) {
    const auto value = static_cast<double>(histogram.Percentile(c.q));
    EXPECT_GE(value, c.exact) << c.q;
    EXPECT_LE(value, c.exact * (1 + 1.0 / 128)) << c.q;
  }
  EXPECT_EQ(histogram.Percentile(1.0), 1'000'000'000);
}

TEST(BenchHistogramTest, PercentileNeverExceedsMax) {
  Histogram histogram;
  histogram.Record(1000);
  EXPECT_EQ(histogram.Percentile(0.5), 1000);
  EXPECT_EQ(histogram.Percentile(0.999), 1000);
}

TEST(BenchHistogramTest, ClampsNegativeAndHugeValues) {
  Histogram histogram;
  histogram.Record(-5);
  histogram.Record(Histogram::kMaxValue + 12345);
  EXPECT_EQ(histogram.min(), 0);
  EXPECT_EQ(histogram.max(), Histogram::kMaxValue);
}

TEST(BenchHistogramTest, BucketsCoverEveryValueInOrder) {
  int previous = -1;
  for (int64_t v = 0; v < Histogram::kMaxValue; v = v < 4096 ? v + 1 : v * 2 + 1) {
    const int index = Histogram::BucketIndex(v);
    ASSERT_GE(index, previous) << v;
    ASSERT_LT(index, Histogram::kBucketCount) << v;
    ASSERT_GE(Histogram::BucketHighest(index), v) << v;
    previous = index;
  }
  EXPECT_EQ(Histogram::BucketIndex(Histogram::kMaxValue), Histogram::kBucketCount - 1);
  EXPECT_EQ(Histogram::BucketHighest(Histogram::kBucketCount - 1), Histogram::kMaxValue);
  EXPECT_EQ(Histogram::BucketHighest(Histogram::BucketIndex(256)), 257);
}

TEST(BenchHistogramTest, MergeAddsCounts) {
  Histogram a;
  Histogram b;
  for (int64_t v = 1; v <= 50; ++v) a.Record(v);
  for (int64_t v = 51; v <= 100; ++v) b.Record(v);
  a.Merge(b);
  EXPECT_EQ(a.count(), 100);
  EXPECT_EQ(a.Percentile(0.5), 50);
  EXPECT_EQ(a.min(), 1);
  EXPECT_EQ(a.max(), 100);
}

TEST(BenchReportTest, SummaryInMicroseconds) {
  Histogram histogram;
  for (int64_t v = 1; v <= 100; ++v) histogram.Record(v);  // ns
  const LatencySummary summary = Summarize(histogram);
  EXPECT_DOUBLE_EQ(summary.p50_us, 0.050);
  EXPECT_DOUBLE_EQ(summary.p99_us, 0.099);
  EXPECT_DOUBLE_EQ(summary.max_us, 0.100);
}

TEST(BenchReportTest, ThroughputCountsSuccessesOnly) {
  OperationStats stats;
  stats.ok = 500;
  stats.errors_by_code[10] = 7;
  EXPECT_DOUBLE_EQ(Throughput(stats, 2.0), 250.0);
  EXPECT_DOUBLE_EQ(Throughput(stats, 0), 0);
  EXPECT_EQ(stats.errors(), 7);
}

}  // namespace
}  // namespace loyalty::bench
