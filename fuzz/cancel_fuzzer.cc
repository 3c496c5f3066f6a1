// CancelRedemption: decode, check, then what the command gives back: every lot's points to the
// lot they came from (expired at once when the lot has expired), and the overdraft part as
// repaid debt first, the rest as a new lot.

#include <algorithm>

#include "fuzz/fuzz_input.h"
#include "fuzz/ledger_state.h"
#include "libs/ledger/limits.h"
#include "services/command/request_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace loyalty;
  fuzz::FuzzInput input(data, size);
  v1::CancelRedemptionRequest request;
  if (!input.Parse(&request) || !command::CheckRequest(request).ok()) return 0;
  fuzz::LedgerState state = fuzz::ConsumeState(input.state());
  FuzzedDataProvider& provider = input.state();
  // The redemption: what it took from each lot (at most what the lot gave away), and overdraft.
  ledger::Points redeemed = 0;
  ledger::Points restored = 0;
  ledger::Points expired = 0;
  for (ledger::Lot& lot : state.lots) {
    const ledger::Points taken = provider.ConsumeIntegralInRange<ledger::Points>(
        0, std::min(lot.amount - lot.remaining, ledger::kMaxCommandPoints));
    redeemed += taken;
    if (lot.expires_at.has_value() && *lot.expires_at <= state.now) {
      expired += taken;
      continue;
    }
    lot.remaining += taken;
    LOYALTY_CHECK(lot.remaining <= lot.amount);
    restored += taken;
  }
  const ledger::Points overdraft =
      provider.ConsumeIntegralInRange<ledger::Points>(0, ledger::kMaxCommandPoints);
  redeemed += overdraft;
  const ledger::Points debt = state.DebtOf(fuzz::kPrograms[0]);
  const ledger::Points owed = std::min(debt, overdraft);
  if (overdraft > owed) {
    ledger::Lot lot;
    lot.lot_id = 1000;
    lot.program_id = fuzz::kPrograms[0];
    lot.point_type = fuzz::kPointTypes[0];
    lot.amount = lot.remaining = overdraft - owed;
    lot.awarded_at = lot.available_at = state.now;
    state.lots.push_back(lot);
  }
  state.debts.push_back({fuzz::kPrograms[0], -owed});
  LOYALTY_CHECK(state.DebtOf(fuzz::kPrograms[0]) >= 0);
  LOYALTY_CHECK(restored + overdraft + expired == redeemed);
  fuzz::CheckedBalances(state, state.lots);
  return 0;
}
