#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace loyalty::bench {

// Which member each request goes to. Members are numbered 0..members-1.
//  - uniform: every member equally likely;
//  - hot: the first ceil(hot_fraction x members) members (the hot set, at least one) receive
//    hot_share of the requests, the others the rest, uniformly within each set;
//  - hot1: every request goes to member 0.
struct KeyDistributionOptions {
  int64_t members = 1000;
  double hot_fraction = 0;  // 0..1
  double hot_share = 0;     // 0..1; 0 means uniform
  bool hot1 = false;
};

class KeyDistribution final {
 public:
  explicit KeyDistribution(const KeyDistributionOptions& options);

  int64_t Pick(std::mt19937_64& random) const;
  int64_t hot_members() const { return hot_members_; }

  // "uniform over 1000 members", "hot: 10 of 1000 members get 90% of requests", "hot1".
  std::string Describe() const;

 private:
  KeyDistributionOptions options_;
  int64_t hot_members_ = 0;
};

}  // namespace loyalty::bench
