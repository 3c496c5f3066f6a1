#include "tools/bench/operation.h"

namespace loyalty::bench {

const char* OperationName(Operation operation) {
  switch (operation) {
    case Operation::kAccrue:
      return "accrue";
    case Operation::kRedeem:
      return "redeem";
    case Operation::kGroupRedeem:
      return "group_redeem";
    case Operation::kTransfer:
      return "transfer";
    case Operation::kGetBalances:
      return "get_balances";
    case Operation::kListRedemptions:
      return "list_redemptions";
    case Operation::kTierProgress:
      return "tier_progress";
  }
  return "unknown";
}

std::optional<Operation> ParseOperation(absl::string_view name) {
  for (Operation operation : kAllOperations) {
    if (name == OperationName(operation)) return operation;
  }
  return std::nullopt;
}

bool IsQuery(Operation operation) {
  return operation == Operation::kGetBalances || operation == Operation::kListRedemptions ||
         operation == Operation::kTierProgress;
}

}  // namespace loyalty::bench
