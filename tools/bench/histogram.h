#pragma once

#include <array>
#include <cstdint>

namespace loyalty::bench {

// A fixed-memory log-linear histogram of non-negative integers (latencies in nanoseconds).
// Values below 2^kPrecisionBits are counted exactly; above, each power of two is split into
// 2^(kPrecisionBits-1) equal buckets, so a reported value is at most 1/128 (< 0.8%) above the
// true one. Values above kMaxValue count as kMaxValue. ~35 KiB, no allocation. Not thread-safe.
class Histogram final {
 public:
  static constexpr int kPrecisionBits = 8;
  static constexpr int kMaxExponent = 40;  // 2^40 ns is about 18 minutes
  static constexpr int64_t kMaxValue = (int64_t{1} << kMaxExponent) - 1;
  static constexpr int kLinearBuckets = 1 << kPrecisionBits;
  static constexpr int kSubBuckets = 1 << (kPrecisionBits - 1);
  static constexpr int kBucketCount =
      kLinearBuckets + (kMaxExponent - kPrecisionBits) * kSubBuckets;

  void Record(int64_t value);
  void Merge(const Histogram& other);

  int64_t count() const { return count_; }
  int64_t min() const { return count_ == 0 ? 0 : min_; }
  int64_t max() const { return max_; }
  double Mean() const;

  // The smallest recorded-value bound v such that at least q x count values are <= v (q in
  // 0..1): the highest value of the bucket holding that rank, capped at max(). 0 when empty.
  int64_t Percentile(double q) const;

  // Bucket arithmetic, exposed for tests.
  static int BucketIndex(int64_t value);
  static int64_t BucketHighest(int index);

 private:
  std::array<int64_t, kBucketCount> buckets_{};
  int64_t count_ = 0;
  int64_t min_ = kMaxValue;
  int64_t max_ = 0;
  double sum_ = 0;
};

}  // namespace loyalty::bench
