// Redeem, GroupRedeem and IsRedeemable (the first state byte picks the message): decode, check,
// then the burn the command plans: the program's validations, the lots closest expiry first, the
// balance and overdraft check, the value.

#include "fuzz/burn.h"
#include "fuzz/fuzz_input.h"
#include "services/command/request_checks.h"

namespace loyalty::fuzz {
namespace {

bool IsGroup(const v1::RedeemRequest&) { return false; }
bool IsGroup(const v1::GroupRedeemRequest&) { return true; }
bool IsGroup(const v1::IsRedeemableRequest& request) { return request.group(); }

template <typename Request>
void Run(FuzzInput& input) {
  Request request;
  if (!input.Parse(&request) || !command::CheckRequest(request).ok()) return;
  LedgerState state = ConsumeState(input.state());
  CheckBurn(state, request.points(), IsGroup(request), /*validate_redemption=*/true,
            /*overdraft=*/true);
}

}  // namespace
}  // namespace loyalty::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace loyalty;
  fuzz::FuzzInput input(data, size);
  switch (input.state().ConsumeIntegralInRange<int>(0, 2)) {
    case 0: fuzz::Run<v1::RedeemRequest>(input); break;
    case 1: fuzz::Run<v1::GroupRedeemRequest>(input); break;
    default: fuzz::Run<v1::IsRedeemableRequest>(input); break;
  }
  return 0;
}
