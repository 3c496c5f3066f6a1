#pragma once

#include <array>
#include <cstdint>
#include <random>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tools/bench/operation.h"

namespace loyalty::bench {

// Relative weights of the operations; each pick is one operation with probability
// weight / total.
class Mix final {
 public:
  static constexpr int64_t kMaxWeight = 1'000'000;

  // "accrue=60,redeem=20,...": known names, no repeats, weights 0..kMaxWeight, total > 0.
  static absl::StatusOr<Mix> Parse(absl::string_view text);

  int64_t weight(Operation operation) const { return weights_[OperationIndex(operation)]; }
  int64_t total() const { return total_; }
  bool HasQueries() const;

  // The same mix without the query operations; total() is 0 when nothing else is left.
  Mix WithoutQueries() const;

  // The operation a uniform draw in [0, total()) falls on.
  Operation Select(int64_t draw) const;
  Operation Pick(std::mt19937_64& random) const;

  // "accrue=60,redeem=20" (non-zero weights in canonical order).
  std::string ToString() const;

 private:
  std::array<int64_t, kOperationCount> weights_{};
  int64_t total_ = 0;
};

}  // namespace loyalty::bench
