// Random command sequences (accrue, redeem, adjust, reverse, transfer between two members,
// expire) on the ledger functions, against a plain reference model: after every step, for each
// member, the sum of its ledger entries equals the sum of its lots' remaining minus its debt, no
// lot's remaining is negative or above what it was given, the lots a burn takes are those a
// naive closest-expiry-first scan picks, balances agree with a recount, and nothing overflows
// (UBSan stops on a signed overflow).

#include <algorithm>
#include <array>
#include <optional>
#include <tuple>
#include <vector>

#include "fuzz/fuzz_input.h"
#include "fuzz/ledger_state.h"
#include "libs/ledger/limits.h"
#include "libs/ledger/reversal.h"

namespace loyalty::fuzz {
namespace {

struct Order {
  int64_t lot_id = 0;
  int64_t amount_minor = 0;
  ledger::Points points = 0;
  int64_t returned_minor = 0;
  ledger::Points reversed = 0;
};

struct Member {
  std::vector<ledger::Lot> lots;
  std::vector<Order> orders;
  ledger::Points debt = 0;
  ledger::Points entries = 0;  // the sum of the member's ledger entries
};

class Ledger {
 public:
  explicit Ledger(FuzzedDataProvider& data) : data_(data) {
    now_ = absl::FromUnixSeconds(data.ConsumeIntegralInRange<int64_t>(946684800, 4102444800));
    overdraft_limit_ = data.ConsumeIntegralInRange<ledger::Points>(0, ledger::kMaxBalancePoints);
  }

  void Step() {
    Member& member = members_[data_.ConsumeIntegralInRange<size_t>(0, 1)];
    const ledger::Points points =
        data_.ConsumeIntegralInRange<ledger::Points>(1, ledger::kMaxCommandPoints);
    switch (data_.ConsumeIntegralInRange<int>(0, 5)) {
      case 0: Accrue(member, points); break;
      case 1: Burn(member, points, /*overdraft=*/true); break;
      case 2: Burn(member, points, /*overdraft=*/false); break;  // a negative adjustment's lots
      case 3: Reverse(member); break;
      case 4: Transfer(member, &member == &members_[0] ? members_[1] : members_[0], points); break;
      default: Expire(); break;
    }
    for (const Member& m : members_) Check(m);
  }

 private:
  static ledger::Points Remaining(const Member& member) {
    ledger::Points sum = 0;
    for (const ledger::Lot& lot : member.lots) sum += lot.remaining;
    return sum;
  }

  // The platform refuses (POINTS_LIMIT_EXCEEDED) what would carry a balance past the bound.
  static bool Fits(const Member& member, ledger::Points more) {
    return Remaining(member) + more <= ledger::kMaxBalancePoints;
  }

  ledger::Lot& NewLot(Member& member, ledger::Points points,
                      std::optional<absl::Time> expires_at) {
    ledger::Lot lot;
    lot.lot_id = next_lot_id_++;
    lot.program_id = kPrograms[0];
    lot.point_type = kPointTypes[0];
    lot.amount = lot.remaining = points;
    lot.awarded_at = lot.available_at = now_;
    lot.expires_at = expires_at;
    member.lots.push_back(lot);
    return member.lots.back();
  }

  void Accrue(Member& member, ledger::Points points) {
    if (!Fits(member, points)) return;
    const ledger::Repayment repayment = ledger::RepayDebt(member.debt, points);
    member.debt -= repayment.repaid;
    std::optional<absl::Time> expires_at;
    if (data_.ConsumeBool()) {
      expires_at = now_ + absl::Hours(data_.ConsumeIntegralInRange<int64_t>(1, 24 * 800));
    }
    int64_t lot_id = 0;
    if (repayment.credited > 0) lot_id = NewLot(member, repayment.credited, expires_at).lot_id;
    member.entries += points;
    if (lot_id != 0 && data_.ConsumeBool()) {  // a purchase: an order that can be returned
      member.orders.push_back(
          {lot_id, data_.ConsumeIntegralInRange<int64_t>(1, ledger::kMaxAmountMinor),
           repayment.credited, 0, 0});
    }
  }

  // The takes a naive scan makes: the spendable lot with the smallest (never-expiring, expiry,
  // award time, id) first, as much as it has, until `points` are covered.
  std::vector<std::pair<int64_t, ledger::Points>> ReferenceTakes(const Member& member,
                                                                 ledger::Points points) const {
    std::vector<std::pair<int64_t, ledger::Points>> takes;
    std::vector<bool> used(member.lots.size(), false);
    while (points > 0) {
      std::optional<size_t> best;
      for (size_t i = 0; i < member.lots.size(); ++i) {
        const ledger::Lot& lot = member.lots[i];
        const bool expired = lot.expires_at.has_value() && *lot.expires_at <= now_;
        if (used[i] || expired || lot.remaining - lot.held <= 0) continue;
        auto key = [](const ledger::Lot& l) {
          return std::make_tuple(!l.expires_at.has_value(),
                                 l.expires_at.value_or(absl::InfiniteFuture()), l.awarded_at,
                                 l.lot_id);
        };
        if (!best.has_value() || key(lot) < key(member.lots[*best])) best = i;
      }
      if (!best.has_value()) break;
      used[*best] = true;
      const ledger::Lot& lot = member.lots[*best];
      const ledger::Points take = std::min(points, lot.remaining - lot.held);
      takes.emplace_back(lot.lot_id, take);
      points -= take;
    }
    return takes;
  }

  std::optional<ledger::ConsumptionPlan> Plan(const Member& member, ledger::Points points) const {
    const ledger::ConsumptionPlan plan = ledger::PlanConsumption(member.lots, points, now_);
    CheckPlan(member.lots, plan, points, now_);
    const auto reference = ReferenceTakes(member, points);
    LOYALTY_CHECK(reference.size() == plan.takes.size());
    for (size_t i = 0; i < reference.size(); ++i) {
      LOYALTY_CHECK(reference[i].first == plan.takes[i].lot_id);
      LOYALTY_CHECK(reference[i].second == plan.takes[i].points);
    }
    return plan;
  }

  void Burn(Member& member, ledger::Points points, bool overdraft) {
    const std::optional<ledger::ConsumptionPlan> plan = Plan(member, points);
    if (plan->shortfall > 0) {
      if (!overdraft) return;
      if (!ledger::CheckOverdraft(plan->shortfall, member.debt, true, overdraft_limit_).ok()) {
        return;
      }
    }
    member.lots = ApplyPlan(member.lots, *plan);
    member.debt += plan->shortfall;
    LOYALTY_CHECK(member.debt <= std::max(overdraft_limit_, ledger::kMaxBalancePoints));
    member.entries -= points;
  }

  void Reverse(Member& member) {
    if (member.orders.empty()) return;
    Order& order = member.orders[data_.ConsumeIntegralInRange<size_t>(0, member.orders.size() - 1)];
    const int64_t returned = data_.ConsumeIntegralInRange<int64_t>(1, ledger::kMaxAmountMinor);
    const int64_t cumulative = std::min(order.amount_minor, order.returned_minor + returned);
    const ledger::Points target =
        ledger::CumulativeClawback(order.points, order.amount_minor, cumulative);
    LOYALTY_CHECK(target >= order.reversed && target <= order.points);
    const ledger::Points points = target - order.reversed;
    ledger::Points taken = 0;
    for (ledger::Lot& lot : member.lots) {
      if (lot.lot_id != order.lot_id) continue;
      taken = std::min(points, ledger::FreePoints(lot));
      lot.remaining -= taken;
    }
    member.debt += points - taken;  // what the order's lot no longer holds was spent
    member.entries -= points;
    order.returned_minor = cumulative;
    order.reversed = target;
  }

  void Transfer(Member& from, Member& to, ledger::Points points) {
    const std::optional<ledger::ConsumptionPlan> plan = Plan(from, points);
    if (plan->shortfall > 0 || !Fits(to, points)) return;  // INSUFFICIENT_POINTS, or the bound
    from.lots = ApplyPlan(from.lots, *plan);
    from.entries -= points;
    for (const ledger::LotTake& take : plan->takes) NewLot(to, take.points, take.expires_at);
    to.entries += points;
  }

  void Expire() {
    now_ += absl::Hours(data_.ConsumeIntegralInRange<int64_t>(0, 24 * 400));
    for (Member& member : members_) {
      for (ledger::Lot& lot : member.lots) {
        if (!lot.expires_at.has_value() || *lot.expires_at > now_ || lot.remaining == 0) continue;
        member.entries -= lot.remaining;
        lot.remaining = 0;
      }
    }
  }

  void Check(const Member& member) const {
    for (const ledger::Lot& lot : member.lots) {
      LOYALTY_CHECK(lot.remaining >= 0 && lot.remaining <= lot.amount);
      LOYALTY_CHECK(lot.held >= 0 && lot.held <= lot.remaining);
    }
    LOYALTY_CHECK(member.debt >= 0);
    LOYALTY_CHECK(member.entries == Remaining(member) - member.debt);
    LedgerState state;
    state.now = now_;
    state.debts.push_back({kPrograms[0], member.debt});
    CheckedBalances(state, member.lots);
  }

  FuzzedDataProvider& data_;
  absl::Time now_;
  ledger::Points overdraft_limit_ = 0;
  int64_t next_lot_id_ = 1;
  std::array<Member, 2> members_;
};

}  // namespace
}  // namespace loyalty::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider provider(data, size);
  loyalty::fuzz::Ledger ledger(provider);
  for (int step = 0; step < 64 && provider.remaining_bytes() > 0; ++step) ledger.Step();
  return 0;
}
