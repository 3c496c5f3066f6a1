#include "tools/bench/key_distribution.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "libs/base/check.h"

namespace loyalty::bench {

KeyDistribution::KeyDistribution(const KeyDistributionOptions& options) : options_(options) {
  LOYALTY_CHECK(options.members >= 1);
  LOYALTY_CHECK(options.hot_fraction >= 0 && options.hot_fraction <= 1);
  LOYALTY_CHECK(options.hot_share >= 0 && options.hot_share <= 1);
  if (options.hot1) {
    hot_members_ = 1;
  } else if (options.hot_share > 0) {
    const double hot = std::ceil(options.hot_fraction * static_cast<double>(options.members));
    hot_members_ = std::max<int64_t>(1, std::min(options.members, static_cast<int64_t>(hot)));
  }
}

int64_t KeyDistribution::Pick(std::mt19937_64& random) const {
  if (options_.hot1) return 0;
  const int64_t cold_members = options_.members - hot_members_;
  if (hot_members_ > 0) {
    std::bernoulli_distribution hot(options_.hot_share);
    if (cold_members == 0 || hot(random)) {
      return std::uniform_int_distribution<int64_t>(0, hot_members_ - 1)(random);
    }
    return std::uniform_int_distribution<int64_t>(hot_members_, options_.members - 1)(random);
  }
  return std::uniform_int_distribution<int64_t>(0, options_.members - 1)(random);
}

std::string KeyDistribution::Describe() const {
  if (options_.hot1) return "hot1 (every request on member 0)";
  if (hot_members_ > 0) {
    return absl::StrCat("hot: ", hot_members_, " of ", options_.members, " members get ",
                        options_.hot_share * 100, "% of requests");
  }
  return absl::StrCat("uniform over ", options_.members, " members");
}

}  // namespace loyalty::bench
