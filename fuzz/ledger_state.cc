#include "fuzz/ledger_state.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "fuzz/fuzz_input.h"
#include "libs/ledger/limits.h"

namespace loyalty::fuzz {
namespace {

constexpr int64_t kMaxTimestampSeconds = 253402300799;  // 9999-12-31T23:59:59Z
constexpr int64_t kTwentyYears = 20LL * 366 * 24 * 3600;

absl::Time Near(FuzzedDataProvider& data, absl::Time now) {
  return now + absl::Seconds(data.ConsumeIntegralInRange<int64_t>(-kTwentyYears, kTwentyYears));
}

ledger::Lot ConsumeLot(FuzzedDataProvider& data, absl::Time now, int64_t id) {
  ledger::Lot lot;
  lot.lot_id = id;
  lot.program_id = data.PickValueInArray(kPrograms);
  lot.point_type = data.PickValueInArray(kPointTypes);
  lot.subtype = "standard";
  lot.amount = data.ConsumeIntegralInRange<ledger::Points>(1, ledger::kMaxBalancePoints / kMaxLots);
  lot.remaining = data.ConsumeIntegralInRange<ledger::Points>(0, lot.amount);
  lot.held = data.ConsumeIntegralInRange<ledger::Points>(0, lot.remaining);
  lot.redeemable = data.ConsumeIntegralInRange<int>(0, 7) != 0;
  lot.awarded_at = Near(data, now);
  lot.available_at = data.ConsumeBool() ? lot.awarded_at : Near(data, now);
  if (data.ConsumeBool()) {
    lot.expires_at = lot.available_at +
                     absl::Seconds(data.ConsumeIntegralInRange<int64_t>(1, 2 * kTwentyYears));
  }
  return lot;
}

ledger::Tier ConsumeTier(FuzzedDataProvider& data, int index) {
  ledger::Tier tier;
  tier.code = "t" + std::to_string(index);
  tier.threshold = data.ConsumeIntegralInRange<ledger::Points>(0, ledger::kMaxBalancePoints);
  tier.multiplier_permille = data.ConsumeIntegralInRange<int32_t>(0, 100000);
  tier.overdraft_allowed = data.ConsumeBool();
  return tier;
}

// The plain recount CheckedBalances compares with: per (program, type), available and pending.
using Key = std::pair<std::string, std::string>;

}  // namespace

ledger::Points LedgerState::DebtOf(const std::string& program_id) const {
  ledger::Points debt = 0;
  for (const ledger::ProgramDebt& d : debts) {
    if (d.program_id == program_id) debt += d.debt;
  }
  return debt;
}

absl::Time ConsumeTime(FuzzedDataProvider& data) {
  return absl::FromUnixSeconds(data.ConsumeIntegralInRange<int64_t>(0, kMaxTimestampSeconds));
}

LedgerState ConsumeState(FuzzedDataProvider& data) {
  LedgerState state;
  state.now = absl::FromUnixSeconds(data.ConsumeIntegralInRange<int64_t>(946684800, 4102444800));
  const size_t lots = data.ConsumeIntegralInRange<size_t>(0, kMaxLots);
  for (size_t i = 0; i < lots; ++i) {
    state.lots.push_back(ConsumeLot(data, state.now, static_cast<int64_t>(i) + 1));
  }
  for (const char* program : kPrograms) {
    for (const char* type : kPointTypes) {
      if (!data.ConsumeBool()) continue;
      state.totals.push_back(
          {program, type,
           data.ConsumeIntegralInRange<ledger::Points>(0, ledger::kMaxBalancePoints),
           data.ConsumeIntegralInRange<ledger::Points>(0, ledger::kMaxBalancePoints)});
    }
  }
  state.overdraft_allowed = data.ConsumeBool();
  state.overdraft_limit = data.ConsumeIntegralInRange<ledger::Points>(0, ledger::kMaxBalancePoints);
  for (const char* program : kPrograms) {
    if (data.ConsumeBool()) {
      state.debts.push_back(
          {program, data.ConsumeIntegralInRange<ledger::Points>(0, ledger::kMaxBalancePoints)});
    }
  }
  const int tiers = data.ConsumeIntegralInRange<int>(0, 4);
  for (int i = 0; i < tiers; ++i) state.tiers.push_back(ConsumeTier(data, i));
  if (!state.tiers.empty() && data.ConsumeBool()) {
    state.current_tier = state.tiers[data.ConsumeIntegralInRange<size_t>(0, state.tiers.size() - 1)]
                             .code;
  }
  state.reached_this_period = data.ConsumeBool();
  state.earn_rate = {data.ConsumeIntegralInRange<ledger::Points>(0, ledger::kMaxCommandPoints),
                     data.ConsumeIntegralInRange<int64_t>(1, ledger::kMaxAmountMinor)};
  state.ratio = {data.ConsumeIntegralInRange<ledger::Points>(1, ledger::kMaxCommandPoints),
                 data.ConsumeIntegralInRange<int64_t>(0, ledger::kMaxAmountMinor)};
  state.rules = {data.ConsumeIntegralInRange<ledger::Points>(0, ledger::kMaxCommandPoints),
                 data.ConsumeIntegralInRange<ledger::Points>(0, ledger::kMaxCommandPoints),
                 data.ConsumeIntegralInRange<ledger::Points>(0, ledger::kMaxCommandPoints)};
  state.hold_days = data.ConsumeIntegralInRange<int32_t>(0, 3650);
  state.expiry.kind = data.PickValueInArray({ledger::ExpiryKind::kNever,
                                             ledger::ExpiryKind::kFixedDays,
                                             ledger::ExpiryKind::kInactivityDays});
  state.expiry.days =
      state.expiry.kind == ledger::ExpiryKind::kNever ? 0
                                                      : data.ConsumeIntegralInRange(1, 36500);
  state.action_points = data.ConsumeIntegralInRange<ledger::Points>(1, ledger::kMaxCommandPoints);
  return state;
}

void CheckPlan(const std::vector<ledger::Lot>& lots, const ledger::ConsumptionPlan& plan,
               ledger::Points points, absl::Time now) {
  std::map<int64_t, const ledger::Lot*> by_id;
  for (const ledger::Lot& lot : lots) by_id[lot.lot_id] = &lot;
  std::set<int64_t> taken;
  ledger::Points sum = 0;
  const ledger::Lot* previous = nullptr;
  for (const ledger::LotTake& take : plan.takes) {
    LOYALTY_CHECK(by_id.count(take.lot_id) == 1);
    const ledger::Lot& lot = *by_id[take.lot_id];
    LOYALTY_CHECK(taken.insert(take.lot_id).second);
    LOYALTY_CHECK(ledger::IsSpendable(lot, now));
    LOYALTY_CHECK(take.points > 0 && take.points <= ledger::FreePoints(lot));
    LOYALTY_CHECK(take.expires_at == lot.expires_at && take.program_id == lot.program_id);
    if (previous != nullptr) {  // closest expiry first, never-expiring last
      const bool previous_never = !previous->expires_at.has_value();
      const bool never = !lot.expires_at.has_value();
      LOYALTY_CHECK(!previous_never || never);
      if (!previous_never && !never) LOYALTY_CHECK(*previous->expires_at <= *lot.expires_at);
    }
    previous = &lot;
    LOYALTY_CHECK(!__builtin_add_overflow(sum, take.points, &sum));
  }
  LOYALTY_CHECK(plan.shortfall >= 0);
  LOYALTY_CHECK(sum + plan.shortfall == points);
  if (plan.shortfall > 0) {  // every spendable lot given in full
    for (const ledger::Lot& lot : lots) {
      if (!ledger::IsSpendable(lot, now)) continue;
      LOYALTY_CHECK(taken.count(lot.lot_id) == 1);
    }
    for (const ledger::LotTake& take : plan.takes) {
      LOYALTY_CHECK(take.points == ledger::FreePoints(*by_id[take.lot_id]));
    }
  }
}

std::vector<ledger::Lot> ApplyPlan(std::vector<ledger::Lot> lots,
                                   const ledger::ConsumptionPlan& plan) {
  for (const ledger::LotTake& take : plan.takes) {
    for (ledger::Lot& lot : lots) {
      if (lot.lot_id != take.lot_id) continue;
      lot.remaining -= take.points;
      LOYALTY_CHECK(lot.remaining >= lot.held);
    }
  }
  return lots;
}

std::vector<ledger::ProgramBalance> CheckedBalances(const LedgerState& state,
                                                    const std::vector<ledger::Lot>& lots) {
  std::vector<ledger::ProgramBalance> balances =
      ledger::ComputeBalances(lots, state.totals, state.debts, state.now);
  std::map<Key, std::pair<ledger::Points, ledger::Points>> recount;  // available, pending
  for (const ledger::Lot& lot : lots) {
    auto& [available, pending] = recount[{lot.program_id, lot.point_type}];
    const bool expired = lot.expires_at.has_value() && *lot.expires_at <= state.now;
    if (ledger::IsSpendable(lot, state.now)) available += lot.remaining - lot.held;
    if (!expired && lot.available_at > state.now) pending += lot.remaining;
  }
  for (size_t i = 1; i < balances.size(); ++i) {
    LOYALTY_CHECK(balances[i - 1].program_id < balances[i].program_id);
  }
  for (const ledger::ProgramBalance& program : balances) {
    ledger::Points types_available = 0;
    for (const ledger::PointTypeBalance& type : program.point_types) {
      const auto found = recount.find({program.program_id, type.point_type});
      const ledger::Points available = found == recount.end() ? 0 : found->second.first;
      const ledger::Points pending = found == recount.end() ? 0 : found->second.second;
      LOYALTY_CHECK(type.available == available);
      LOYALTY_CHECK(type.pending == pending);
      LOYALTY_CHECK(type.available >= 0 && type.held >= 0 && type.pending >= 0);
      types_available += type.available;
    }
    LOYALTY_CHECK(program.debt == state.DebtOf(program.program_id));
    LOYALTY_CHECK(program.available == types_available - program.debt);
  }
  ledger::GroupAvailable(balances);
  return balances;
}

std::vector<ledger::Lot> LotsOf(const std::vector<ledger::Lot>& lots,
                                const std::string& program_id) {
  std::vector<ledger::Lot> out;
  for (const ledger::Lot& lot : lots) {
    if (program_id.empty() || lot.program_id == program_id) out.push_back(lot);
  }
  return out;
}

}  // namespace loyalty::fuzz
