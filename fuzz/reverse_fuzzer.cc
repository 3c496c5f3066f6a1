// Reverse: decode, check, then the clawback the command computes for the order from its amount,
// points, what was returned and reversed before, and the returned amount of the request.

#include <algorithm>

#include "fuzz/fuzz_input.h"
#include "fuzz/ledger_state.h"
#include "libs/ledger/limits.h"
#include "libs/ledger/reversal.h"
#include "services/command/request_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace loyalty;
  fuzz::FuzzInput input(data, size);
  v1::ReverseRequest request;
  if (!input.Parse(&request) || !command::CheckRequest(request).ok()) return 0;
  FuzzedDataProvider& state = input.state();
  // The order as the purchases row holds it (amount and points within the bounds of an accrual).
  const int64_t amount = state.ConsumeIntegralInRange<int64_t>(0, ledger::kMaxAmountMinor);
  const ledger::Points points =  // an order of no money earned nothing
      amount == 0 ? 0 : state.ConsumeIntegralInRange<ledger::Points>(0, ledger::kMaxCommandPoints);
  const int64_t returned = state.ConsumeIntegralInRange<int64_t>(0, amount);
  const ledger::Points reversed =
      amount == 0 ? 0 : ledger::CumulativeClawback(points, amount, returned);

  int64_t cumulative = amount;
  if (request.has_returned_amount()) {
    LOYALTY_CHECK(request.returned_amount().minor_units() <= ledger::kMaxAmountMinor);
    cumulative = std::min(amount, returned + request.returned_amount().minor_units());
  }
  LOYALTY_CHECK(cumulative >= returned && cumulative <= amount);
  const ledger::Points target =
      amount == 0 ? 0 : ledger::CumulativeClawback(points, amount, cumulative);
  LOYALTY_CHECK(target >= reversed && target <= points);  // never drifts, never more than earned
  if (cumulative == amount) LOYALTY_CHECK(target == points);
  return 0;
}
