// Transfer and IsTransferable (the first state byte picks the message): decode, check, then the
// giver's burn (no redemption rules, no overdraft) and the receiver's new lots, which keep the
// given lots' expiry and add up to the points moved.

#include "fuzz/burn.h"
#include "fuzz/fuzz_input.h"
#include "services/command/request_checks.h"

namespace loyalty::fuzz {
namespace {

template <typename Request>
void Run(FuzzInput& input) {
  Request request;
  if (!input.Parse(&request) || !command::CheckRequest(request).ok()) return;
  LedgerState giver = ConsumeState(input.state());
  LedgerState receiver = ConsumeState(input.state());
  receiver.now = giver.now;
  const std::optional<ledger::ConsumptionPlan> plan =
      CheckBurn(giver, request.points(), request.group(), false, false);
  if (!plan.has_value()) return;
  LOYALTY_CHECK(plan->shortfall == 0);
  ledger::Points received = 0;
  for (const ledger::LotTake& take : plan->takes) {
    ledger::Lot lot;
    lot.lot_id = static_cast<int64_t>(receiver.lots.size()) + 100;
    lot.program_id = kPrograms[0];
    lot.point_type = take.point_type;
    lot.amount = lot.remaining = take.points;
    lot.awarded_at = lot.available_at = receiver.now;
    lot.expires_at = take.expires_at;
    receiver.lots.push_back(lot);
    received += take.points;
  }
  LOYALTY_CHECK(received == request.points());
  CheckedBalances(receiver, receiver.lots);
}

}  // namespace
}  // namespace loyalty::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace loyalty;
  fuzz::FuzzInput input(data, size);
  if (input.state().ConsumeBool()) {
    fuzz::Run<v1::TransferRequest>(input);
  } else {
    fuzz::Run<v1::IsTransferableRequest>(input);
  }
  return 0;
}
