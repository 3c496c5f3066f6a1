#include "tools/bench/mix.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/base/check.h"

namespace loyalty::bench {

absl::StatusOr<Mix> Mix::Parse(absl::string_view text) {
  Mix mix;
  std::array<bool, kOperationCount> seen{};
  if (text.empty()) return absl::InvalidArgumentError("--mix is empty");
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    const std::vector<absl::string_view> name_weight = absl::StrSplit(part, '=');
    if (name_weight.size() != 2) {
      return absl::InvalidArgumentError(absl::StrCat("--mix: expected name=weight, got '", part,
                                                     "'"));
    }
    const std::optional<Operation> operation = ParseOperation(name_weight[0]);
    if (!operation.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--mix: unknown operation '", name_weight[0], "'"));
    }
    const size_t index = OperationIndex(*operation);
    if (seen[index]) {
      return absl::InvalidArgumentError(
          absl::StrCat("--mix: '", name_weight[0], "' given twice"));
    }
    seen[index] = true;
    int64_t weight = 0;
    if (!absl::SimpleAtoi(name_weight[1], &weight) || weight < 0 || weight > kMaxWeight) {
      return absl::InvalidArgumentError(absl::StrCat("--mix: weight of '", name_weight[0],
                                                     "' must be 0..", kMaxWeight));
    }
    mix.weights_[index] = weight;
    mix.total_ += weight;
  }
  if (mix.total_ == 0) return absl::InvalidArgumentError("--mix: all weights are 0");
  return mix;
}

bool Mix::HasQueries() const {
  for (Operation operation : kAllOperations) {
    if (IsQuery(operation) && weight(operation) > 0) return true;
  }
  return false;
}

Mix Mix::WithoutQueries() const {
  Mix mix = *this;
  for (Operation operation : kAllOperations) {
    if (!IsQuery(operation)) continue;
    mix.total_ -= weight(operation);
    mix.weights_[OperationIndex(operation)] = 0;
  }
  return mix;
}

Operation Mix::Select(int64_t draw) const {
  LOYALTY_CHECK(draw >= 0 && draw < total_);
  for (Operation operation : kAllOperations) {
    if (draw < weight(operation)) return operation;
    draw -= weight(operation);
  }
  LOYALTY_CHECK(false);
  return Operation::kAccrue;
}

Operation Mix::Pick(std::mt19937_64& random) const {
  std::uniform_int_distribution<int64_t> draw(0, total_ - 1);
  return Select(draw(random));
}

std::string Mix::ToString() const {
  std::vector<std::string> parts;
  for (Operation operation : kAllOperations) {
    if (weight(operation) > 0) parts.push_back(absl::StrCat(OperationName(operation), "=",
                                                            weight(operation)));
  }
  return absl::StrJoin(parts, ",");
}

}  // namespace loyalty::bench
