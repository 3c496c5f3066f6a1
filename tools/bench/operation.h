#pragma once

#include <array>
#include <cstddef>
#include <optional>

#include "absl/strings/string_view.h"

namespace loyalty::bench {

// The calls loyalty-bench can send. Commands go to CommandService, queries to QueryService.
enum class Operation {
  kAccrue,
  kRedeem,
  kGroupRedeem,
  kTransfer,
  kGetBalances,
  kListRedemptions,
  kTierProgress,
};

inline constexpr int kOperationCount = 7;

inline constexpr std::array<Operation, kOperationCount> kAllOperations = {
    Operation::kAccrue,      Operation::kRedeem,          Operation::kGroupRedeem,
    Operation::kTransfer,    Operation::kGetBalances,     Operation::kListRedemptions,
    Operation::kTierProgress};

// "accrue", "redeem", "group_redeem", "transfer", "get_balances", "list_redemptions",
// "tier_progress": the names used by --mix, the text report and the JSON output.
const char* OperationName(Operation operation);
std::optional<Operation> ParseOperation(absl::string_view name);

// True for the QueryService calls (they need --query_target).
bool IsQuery(Operation operation);

inline size_t OperationIndex(Operation operation) { return static_cast<size_t>(operation); }

}  // namespace loyalty::bench
