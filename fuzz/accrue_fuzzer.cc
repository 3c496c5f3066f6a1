// Accrue: decode, check, then what the command decides from the request and the member's state:
// the points of a purchase (earn rate, tier multiplier), an action or an explicit award and their
// debt repayment, availability, expiry and tier move; the lots a negative adjustment takes.

#include <optional>

#include "fuzz/fuzz_input.h"
#include "fuzz/ledger_state.h"
#include "libs/ledger/limits.h"
#include "libs/wire/time.h"
#include "services/command/request_checks.h"

namespace loyalty::fuzz {
namespace {

std::optional<ledger::Points> AwardPoints(const v1::AccrueRequest& request,
                                          const LedgerState& state) {
  switch (request.kind_case()) {
    case v1::AccrueRequest::kPurchase: {
      int32_t multiplier = ledger::kPermille;
      for (const ledger::Tier& t : state.tiers) {
        if (t.code == state.current_tier) multiplier = t.multiplier_permille;
      }
      absl::StatusOr<ledger::Points> points = ledger::PurchasePoints(
          request.purchase().amount().minor_units(), state.earn_rate, multiplier);
      if (!points.ok()) return std::nullopt;  // refused, naming the amount
      LOYALTY_CHECK(*points >= 0);
      if (*points > ledger::kMaxCommandPoints) return std::nullopt;  // POINTS_LIMIT_EXCEEDED
      return *points;
    }
    case v1::AccrueRequest::kAction:
      return state.action_points;
    case v1::AccrueRequest::kExplicitPoints:
      LOYALTY_CHECK(request.explicit_points().points() <= ledger::kMaxCommandPoints);
      return request.explicit_points().points();
    case v1::AccrueRequest::kAdjustment:
      LOYALTY_CHECK(request.adjustment().points() <= ledger::kMaxCommandPoints);
      LOYALTY_CHECK(request.adjustment().points() >= -ledger::kMaxCommandPoints);
      return request.adjustment().points();
    case v1::AccrueRequest::KIND_NOT_SET:
      break;
  }
  LOYALTY_CHECK(false);  // the check refuses a request without a kind
  return std::nullopt;
}

void Award(const v1::AccrueRequest& request, LedgerState& state, ledger::Points points) {
  const std::string program = kPrograms[0];
  const ledger::Points debt = state.DebtOf(program);
  const ledger::Repayment repayment = ledger::RepayDebt(debt, points);
  LOYALTY_CHECK(repayment.repaid >= 0 && repayment.credited >= 0);
  LOYALTY_CHECK(repayment.repaid <= debt && repayment.repaid + repayment.credited == points);
  const absl::Time occurred =
      request.has_occurred_at() ? wire::FromTimestamp(request.occurred_at()) : state.now;
  std::optional<absl::Time> requested_available;
  if (request.has_available_at()) requested_available = wire::FromTimestamp(request.available_at());
  const absl::Time available_at =
      ledger::AvailableAt(occurred, state.hold_days, state.now, requested_available);
  LOYALTY_CHECK(available_at >= state.now);
  std::optional<absl::Time> requested_expiry;
  if (request.has_expires_at()) requested_expiry = wire::FromTimestamp(request.expires_at());
  absl::StatusOr<std::optional<absl::Time>> expires_at =
      ledger::ExpiresAt(state.expiry, available_at, requested_expiry);
  if (!expires_at.ok()) return;  // refused, naming expires_at
  if (expires_at->has_value()) LOYALTY_CHECK(**expires_at > available_at);
  for (ledger::ProgramDebt& d : state.debts) {
    if (d.program_id == program) d.debt -= std::min(d.debt, repayment.repaid);
  }
  if (repayment.credited > 0) {
    ledger::Lot lot;
    lot.lot_id = static_cast<int64_t>(state.lots.size()) + 100;
    lot.program_id = program;
    lot.point_type = kPointTypes[0];
    lot.amount = lot.remaining = repayment.credited;
    lot.awarded_at = state.now;
    lot.available_at = available_at;
    lot.expires_at = *expires_at;
    state.lots.push_back(lot);
  }
  ledger::Points qualifying = points;
  for (const ledger::PointTotals& total : state.totals) {
    if (total.program_id == program) qualifying += total.qualifying;
  }
  const std::optional<std::string> tier = ledger::TierAfterChange(
      state.tiers, state.current_tier, qualifying, state.reached_this_period);
  if (tier.has_value() && !tier->empty()) {  // moves up only to a tier that is met
    bool met = false;
    for (const ledger::Tier& t : state.tiers) {
      met = met || (t.code == *tier && t.threshold <= qualifying);
    }
    LOYALTY_CHECK(met);
  }
}

void Remove(LedgerState& state, ledger::Points points) {
  const std::vector<ledger::Lot> lots = LotsOf(state.lots, kPrograms[0]);
  const ledger::ConsumptionPlan plan = ledger::PlanConsumption(lots, points, state.now);
  CheckPlan(lots, plan, points, state.now);
  state.lots = ApplyPlan(state.lots, plan);
  state.debts.push_back({kPrograms[0], plan.shortfall});  // what the lots lack becomes debt
}

}  // namespace
}  // namespace loyalty::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace loyalty;
  fuzz::FuzzInput input(data, size);
  v1::AccrueRequest request;
  if (!input.Parse(&request) || !command::CheckRequest(request).ok()) return 0;
  fuzz::LedgerState state = fuzz::ConsumeState(input.state());
  const std::optional<ledger::Points> points = fuzz::AwardPoints(request, state);
  if (!points.has_value()) return 0;
  if (*points > 0) fuzz::Award(request, state, *points);
  if (*points < 0) fuzz::Remove(state, -*points);
  fuzz::CheckedBalances(state, state.lots);
  return 0;
}
