// ReservePoints, CapturePoints and VoidReservation (the first state byte picks the message):
// decode, check, then the holds a reservation puts on the lots it plans, the capture of all or
// part of them in burn order from the reservation's own share, and their release.

#include <algorithm>
#include <utility>

#include "fuzz/burn.h"
#include "fuzz/fuzz_input.h"
#include "libs/ledger/limits.h"
#include "services/command/request_checks.h"

namespace loyalty::fuzz {
namespace {

using Holds = std::vector<std::pair<int64_t, ledger::Points>>;  // lot id, held by the reservation

void Reserve(FuzzInput& input) {
  v1::ReservePointsRequest request;
  if (!input.Parse(&request) || !command::CheckRequest(request).ok()) return;
  const absl::Duration timeout = command::ReservationTimeout(request);
  LOYALTY_CHECK(timeout >= absl::Seconds(1) && timeout <= absl::Hours(24 * 7));
  LedgerState state = ConsumeState(input.state());
  const std::vector<ledger::Lot> before = state.lots;
  const std::optional<ledger::ConsumptionPlan> plan =
      CheckBurn(state, request.points(), request.group(), true, false);
  if (!plan.has_value()) return;
  LOYALTY_CHECK(plan->shortfall == 0);  // a reservation never overdraws
  state.lots = before;
  for (const ledger::LotTake& take : plan->takes) {
    for (ledger::Lot& lot : state.lots) {
      if (lot.lot_id != take.lot_id) continue;
      lot.held += take.points;
      LOYALTY_CHECK(lot.held <= lot.remaining);
    }
  }
  CheckedBalances(state, state.lots);
}

// A reservation of the state's member: a share of some lots' holds.
Holds ConsumeHolds(FuzzedDataProvider& data, const LedgerState& state) {
  Holds holds;
  for (const ledger::Lot& lot : state.lots) {
    if (lot.held > 0 && data.ConsumeBool()) {
      holds.emplace_back(lot.lot_id, data.ConsumeIntegralInRange<ledger::Points>(
                                         1, std::min(lot.held, ledger::kMaxCommandPoints)));
    }
  }
  return holds;
}

void Release(LedgerState& state, const Holds& holds) {
  for (const auto& [lot_id, points] : holds) {
    for (ledger::Lot& lot : state.lots) {
      if (lot.lot_id != lot_id) continue;
      lot.held -= points;
      LOYALTY_CHECK(lot.held >= 0);
    }
  }
}

void Capture(FuzzInput& input) {
  v1::CapturePointsRequest request;
  if (!input.Parse(&request) || !command::CheckRequest(request).ok()) return;
  LedgerState state = ConsumeState(input.state());
  const Holds holds = ConsumeHolds(input.state(), state);
  ledger::Points reserved = 0;
  for (const auto& hold : holds) reserved += hold.second;
  if (reserved == 0 || reserved > ledger::kMaxCommandPoints) return;  // no such reservation
  const ledger::Points points = request.points() == 0 ? reserved : request.points();
  if (points > reserved) return;  // INVALID_ARGUMENT naming points
  Release(state, holds);
  std::vector<ledger::Lot> held_lots;  // the reservation's share of its lots, as the command does
  for (const ledger::Lot& lot : state.lots) {
    for (const auto& [lot_id, held] : holds) {
      if (lot.lot_id != lot_id) continue;
      held_lots.push_back(lot);
      held_lots.back().remaining = std::min(lot.remaining, lot.held + held);
      LOYALTY_CHECK(ledger::FreePoints(held_lots.back()) == held);
    }
  }
  const ledger::ConsumptionPlan plan = ledger::PlanConsumption(held_lots, points, state.now);
  CheckPlan(held_lots, plan, points, state.now);
  if (plan.shortfall > 0) return;  // part of the reserved points expired: refused
  state.lots = ApplyPlan(state.lots, plan);
  CheckedBalances(state, state.lots);
}

void Void(FuzzInput& input) {
  v1::VoidReservationRequest request;
  if (!input.Parse(&request) || !command::CheckRequest(request).ok()) return;
  LedgerState state = ConsumeState(input.state());
  Release(state, ConsumeHolds(input.state(), state));
  CheckedBalances(state, state.lots);
}

}  // namespace
}  // namespace loyalty::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace loyalty;
  fuzz::FuzzInput input(data, size);
  switch (input.state().ConsumeIntegralInRange<int>(0, 2)) {
    case 0: fuzz::Reserve(input); break;
    case 1: fuzz::Capture(input); break;
    default: fuzz::Void(input); break;
  }
  return 0;
}
