#include "tools/bench/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "libs/base/check.h"

namespace loyalty::bench {

int Histogram::BucketIndex(int64_t value) {
  value = std::clamp<int64_t>(value, 0, kMaxValue);
  if (value < kLinearBuckets) return static_cast<int>(value);
  const auto bits = static_cast<uint64_t>(value);
  const int exponent = static_cast<int>(std::bit_width(bits)) - 1;  // >= kPrecisionBits
  const int shift = exponent - (kPrecisionBits - 1);
  const int mantissa = static_cast<int>(bits >> shift);  // kSubBuckets..2*kSubBuckets-1
  return kLinearBuckets + (exponent - kPrecisionBits) * kSubBuckets + (mantissa - kSubBuckets);
}

int64_t Histogram::BucketHighest(int index) {
  LOYALTY_CHECK(index >= 0 && index < kBucketCount);
  if (index < kLinearBuckets) return index;
  const int offset = index - kLinearBuckets;
  const int exponent = kPrecisionBits + offset / kSubBuckets;
  const int shift = exponent - (kPrecisionBits - 1);
  const int64_t mantissa = kSubBuckets + offset % kSubBuckets;
  return ((mantissa + 1) << shift) - 1;
}

void Histogram::Record(int64_t value) {
  value = std::clamp<int64_t>(value, 0, kMaxValue);
  ++buckets_[static_cast<size_t>(BucketIndex(value))];
  ++count_;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
  sum_ += static_cast<double>(value);
}

void Histogram::Merge(const Histogram& other) {
  for (size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

double Histogram::Mean() const {
  return count_ == 0 ? 0 : sum_ / static_cast<double>(count_);
}

int64_t Histogram::Percentile(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  const auto rank = std::max<int64_t>(
      1, static_cast<int64_t>(std::ceil(q * static_cast<double>(count_) - 1e-9)));
  int64_t seen = 0;
  for (int i = 0; i < kBucketCount; ++i) {
    seen += buckets_[static_cast<size_t>(i)];
    if (seen >= rank) return std::min(BucketHighest(i), max_);
  }
  return max_;
}

}  // namespace loyalty::bench
