// Badges (docs/badges.md): a program with 1..4 badges of fuzzed criteria, windows, dates and
// levels (thresholds strictly ascending, fuzzed bonuses, types, benefits and claw_back), a member
// (the state's lots, totals, debt and tier, enrolled in the program) with fuzzed badge facts
// (spend per window, action counts, some levels held). DecideBadgeAwards for a fuzzed trigger
// awards exactly the levels a plain walk of the levels gives: not held, in order, never skipped,
// each threshold met by the measure, only from badges active now and only for an active member;
// its bonus credits add up to the bonuses, and its changes apply. DecideBonusClawbacks after a
// fuzzed return takes back exactly the held claw_back bonuses whose threshold the return crossed,
// each reversal worth the bonus (its free points in the bonus lot plus the debt, for a redeemable
// type), and its changes apply. DayStart, WholeMonthsBetween and LevelsReached on fuzzed values.

#include <algorithm>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "fuzz/fuzz_input.h"
#include "fuzz/ledger_state.h"
#include "libs/base/check.h"
#include "libs/ledger/badges.h"
#include "libs/ledger/change_set.h"
#include "libs/ledger/dates.h"
#include "libs/ledger/limits.h"

namespace loyalty::fuzz {
namespace {

constexpr int64_t kDay = 24 * 3600;
constexpr const char* kActionCodes[] = {"review", "refer"};
constexpr int32_t kWindows[] = {0, 1, 7, 30, 366};
// Bounds of the values the facts and thresholds are drawn from, so that thresholds are met as
// often as not.
constexpr int64_t kScales[] = {10, 1000, 1'000'000, 1'000'000'000, ledger::kMaxAmountMinor};

absl::Time Around(FuzzedDataProvider& data, absl::Time now, int64_t seconds) {
  return now + absl::Seconds(data.ConsumeIntegralInRange<int64_t>(-seconds, seconds));
}

ledger::PointTypeConfig ConsumePointType(FuzzedDataProvider& data, const char* code,
                                         const LedgerState& state) {
  ledger::PointTypeConfig type;
  type.code = code;
  type.redeemable = data.ConsumeIntegralInRange<int>(0, 3) != 0;
  type.counts_toward_tier = data.ConsumeBool();
  if (data.ConsumeBool()) type.expiry = state.expiry;
  return type;
}

ledger::Badge ConsumeBadge(FuzzedDataProvider& data, int index, absl::Time now) {
  ledger::Badge badge;
  badge.badge_id = "b" + std::to_string(index);
  badge.name = badge.badge_id;
  badge.criterion = data.PickValueInArray(
      {ledger::BadgeCriterion::kSpendAmount, ledger::BadgeCriterion::kSpendPoints,
       ledger::BadgeCriterion::kTenure, ledger::BadgeCriterion::kAdvocacy});
  if (badge.IsSpend()) {
    badge.window_days = data.ConsumeBool()
                            ? data.PickValueInArray(kWindows)
                            : data.ConsumeIntegralInRange<int32_t>(0, ledger::kMaxBadgeWindowDays);
  }
  if (badge.criterion == ledger::BadgeCriterion::kAdvocacy) {
    badge.action_code = data.PickValueInArray(kActionCodes);
  }
  badge.active_from =
      data.ConsumeBool() ? now - absl::Hours(24 * 365) : Around(data, now, 2 * kDay);
  if (data.ConsumeBool()) {
    badge.active_to =
        badge.active_from + absl::Seconds(data.ConsumeIntegralInRange<int64_t>(1, 4 * kDay));
  }
  badge.version = data.ConsumeIntegralInRange<int32_t>(1, 5);
  badge.updated_at = badge.active_from;
  // Thresholds: cumulative positive increments, so strictly ascending and > 0 (tenure: at most
  // kMaxTenureMonths over five levels).
  const int64_t step = badge.criterion == ledger::BadgeCriterion::kTenure ? 240
                       : badge.criterion == ledger::BadgeCriterion::kAdvocacy
                           ? data.PickValueInArray({int64_t{3}, int64_t{20}, int64_t{1000}})
                           : data.PickValueInArray(kScales) / 5;
  const int levels = data.ConsumeIntegralInRange<int>(1, 5);
  int64_t threshold = 0;
  for (int i = 0; i < levels; ++i) {
    ledger::BadgeLevel level;
    level.code = "l" + std::to_string(i + 1);
    level.name = level.code;
    threshold += data.ConsumeIntegralInRange<int64_t>(1, step);
    level.threshold = threshold;
    level.bonus_points =
        data.ConsumeIntegralInRange<int>(0, 3) == 0
            ? 0
            : data.ConsumeIntegralInRange<ledger::Points>(1, ledger::kMaxBadgeBonusPoints);
    // "gone": a type the program lacks (INVALID_ARGUMENT when its bonus is credited).
    level.bonus_point_type = data.ConsumeIntegralInRange<int>(0, 15) == 0
                                 ? "gone"
                                 : data.PickValueInArray({"", "base", "bonus"});
    level.benefit_code = data.ConsumeBool() ? "" : "BENEFIT_" + level.code;
    level.claw_back = data.ConsumeBool();
    badge.levels.push_back(level);
  }
  return badge;
}

ledger::ProgramConfig ConsumeProgram(FuzzedDataProvider& data, const LedgerState& state) {
  ledger::ProgramConfig program;
  program.org_id = "acme";
  program.program_id = kPrograms[0];
  program.name = "shop";
  program.currency = "USD";
  program.status = "active";
  program.earn_rate = state.earn_rate;
  program.ratio = state.ratio;
  program.rules = state.rules;
  program.overdraft_allowed = state.overdraft_allowed;
  program.overdraft_limit = state.overdraft_limit;
  program.hold_days = state.hold_days;
  program.period_kind = "calendar_year";
  program.default_point_type = kPointTypes[0];
  program.default_subtype = "standard";
  program.subtypes = {"standard"};
  program.point_types.push_back(ConsumePointType(data, kPointTypes[0], state));
  if (data.ConsumeBool())
    program.point_types.push_back(ConsumePointType(data, kPointTypes[1], state));
  program.tiers = state.tiers;
  const int badges = data.ConsumeIntegralInRange<int>(1, 4);
  for (int i = 0; i < badges; ++i) program.badges.push_back(ConsumeBadge(data, i, state.now));
  return program;
}

ledger::Enrolment ConsumeEnrolment(FuzzedDataProvider& data, const LedgerState& state,
                                   const std::string& program_id) {
  ledger::Enrolment enrolment;
  enrolment.program_id = program_id;
  enrolment.debt = state.DebtOf(program_id);
  enrolment.period_start =
      state.now - absl::Seconds(data.ConsumeIntegralInRange<int64_t>(0, 365 * kDay));
  enrolment.period_end = enrolment.period_start + absl::Hours(24 * 366);
  if (program_id == kPrograms[0]) enrolment.tier = state.current_tier;
  if (!enrolment.tier.empty() && data.ConsumeBool()) {
    enrolment.tier_reached_at = Around(data, enrolment.period_start, 30 * kDay);
  }
  return enrolment;
}

ledger::MemberState MemberOf(FuzzedDataProvider& data, const LedgerState& state) {
  ledger::MemberState member;
  member.member_id = "m";
  member.kind = "individual";
  member.status = data.ConsumeIntegralInRange<int>(0, 7) != 0
                      ? "active"
                      : data.PickValueInArray({"suspended", "closed"});
  member.state_version = 1;
  member.enrolments.push_back(ConsumeEnrolment(data, state, kPrograms[0]));
  if (data.ConsumeBool()) member.enrolments.push_back(ConsumeEnrolment(data, state, kPrograms[1]));
  member.lots = state.lots;
  member.totals = state.totals;
  return member;
}

ledger::HeldBadgeLevel ConsumeHeld(FuzzedDataProvider& data, const ledger::Badge& badge,
                                   const ledger::BadgeLevel* level, const std::string& code,
                                   const std::vector<ledger::Lot>& lots) {
  ledger::HeldBadgeLevel held;
  held.badge_id = badge.badge_id;
  held.level_code = code;
  // As awarded: the level's threshold and bonus, or those of an earlier version.
  held.threshold = level != nullptr && data.ConsumeBool()
                       ? level->threshold
                       : data.ConsumeIntegralInRange<int64_t>(1, data.PickValueInArray(kScales));
  held.bonus_points =
      level != nullptr && data.ConsumeBool()
          ? level->bonus_points
          : data.ConsumeIntegralInRange<ledger::Points>(0, ledger::kMaxBadgeBonusPoints);
  held.bonus_point_type = data.PickValueInArray(kPointTypes);
  if (!lots.empty() && data.ConsumeIntegralInRange<int>(0, 3) != 0) {
    held.bonus_lot_id = lots[data.ConsumeIntegralInRange<size_t>(0, lots.size() - 1)].lot_id;
  }
  held.claw_back = data.ConsumeIntegralInRange<int>(0, 3) != 0;
  held.clawed_back = data.ConsumeIntegralInRange<int>(0, 3) == 0;
  return held;
}

ledger::BadgeFacts ConsumeFacts(FuzzedDataProvider& data, const ledger::ProgramConfig& program,
                                const std::vector<ledger::Lot>& lots) {
  ledger::BadgeFacts facts;
  const int64_t scale = data.PickValueInArray(kScales);
  std::vector<int32_t> windows(std::begin(kWindows), std::end(kWindows));
  for (const ledger::Badge& badge : program.badges) {
    if (badge.IsSpend()) windows.push_back(badge.window_days);
  }
  for (const int32_t window : windows) {
    if (facts.spend.count(window) == 1 || data.ConsumeIntegralInRange<int>(0, 7) == 0) continue;
    facts.spend[window] = {data.ConsumeIntegralInRange<int64_t>(0, scale),
                           data.ConsumeIntegralInRange<ledger::Points>(0, scale)};
  }
  for (const char* code : kActionCodes) {
    if (data.ConsumeIntegralInRange<int>(0, 7) == 0) continue;
    facts.actions[code] = data.ConsumeIntegralInRange<int64_t>(0, data.ConsumeBool() ? 30 : 5000);
  }
  for (const ledger::Badge& badge : program.badges) {
    for (const ledger::BadgeLevel& level : badge.levels) {
      if (data.ConsumeIntegralInRange<int>(0, 2) != 0) continue;
      facts.held.push_back(ConsumeHeld(data, badge, &level, level.code, lots));
    }
    if (data.ConsumeIntegralInRange<int>(0, 7) == 0) {  // a level a later version dropped
      facts.held.push_back(ConsumeHeld(data, badge, nullptr, "dropped", lots));
    }
  }
  if (data.ConsumeIntegralInRange<int>(0, 7) == 0) {  // a badge no longer defined
    ledger::Badge gone;
    gone.badge_id = "gone";
    facts.held.push_back(ConsumeHeld(data, gone, nullptr, "l1", lots));
  }
  return facts;
}

ledger::BadgeTrigger ConsumeTrigger(FuzzedDataProvider& data, absl::Time now) {
  ledger::BadgeTrigger trigger;
  trigger.kind = data.PickValueInArray(
      {ledger::BadgeTrigger::Kind::kPurchase, ledger::BadgeTrigger::Kind::kAction,
       ledger::BadgeTrigger::Kind::kTenure, ledger::BadgeTrigger::Kind::kReturn});
  trigger.order_ref = "o1";
  trigger.action_code = data.PickValueInArray(kActionCodes);
  trigger.enrolled_at =
      data.ConsumeBool()
          ? now - absl::Seconds(data.ConsumeIntegralInRange<int64_t>(0, 101LL * 366 * kDay))
          : ConsumeTime(data);
  return trigger;
}

bool Concerns(const ledger::Badge& badge, const ledger::BadgeTrigger& trigger) {
  switch (trigger.kind) {
    case ledger::BadgeTrigger::Kind::kPurchase:
    case ledger::BadgeTrigger::Kind::kReturn:
      return badge.IsSpend();
    case ledger::BadgeTrigger::Kind::kAction:
      return badge.criterion == ledger::BadgeCriterion::kAdvocacy &&
             badge.action_code == trigger.action_code;
    case ledger::BadgeTrigger::Kind::kTenure:
      return badge.criterion == ledger::BadgeCriterion::kTenure;
  }
  return false;
}

// The measure, read plainly from the facts (tenure: WholeMonthsBetween, checked on its own).
int64_t Measure(const ledger::Badge& badge, const ledger::BadgeFacts& facts, absl::Time enrolled_at,
                absl::Time now) {
  if (badge.IsSpend()) {
    const auto sum = facts.spend.find(badge.window_days);
    if (sum == facts.spend.end()) return 0;
    return badge.criterion == ledger::BadgeCriterion::kSpendAmount ? sum->second.amount_minor
                                                                   : sum->second.points;
  }
  if (badge.criterion == ledger::BadgeCriterion::kTenure) {
    return ledger::WholeMonthsBetween(enrolled_at, now);
  }
  const auto times = facts.actions.find(badge.action_code);
  return times == facts.actions.end() ? 0 : times->second;
}

const ledger::Badge* FindBadge(const ledger::ProgramConfig& program, const std::string& id) {
  for (const ledger::Badge& badge : program.badges) {
    if (badge.badge_id == id) return &badge;
  }
  return nullptr;
}

void CheckTimes(FuzzedDataProvider& data) {
  const absl::Time at = ConsumeTime(data);
  const absl::Time day = ledger::DayStart(at);
  LOYALTY_CHECK(day <= at && day > at - absl::Hours(24));
  LOYALTY_CHECK(absl::ToUnixSeconds(day) % kDay == 0);

  const absl::Time from = ConsumeTime(data);
  const absl::Time to = data.ConsumeBool() ? ConsumeTime(data) : Around(data, from, 400 * kDay);
  const int32_t months = ledger::WholeMonthsBetween(from, to);
  LOYALTY_CHECK(months >= 0);
  if (to < from) {
    LOYALTY_CHECK(months == 0);
  } else {
    LOYALTY_CHECK(ledger::AddMonths(from, months) <= to);
    LOYALTY_CHECK(ledger::AddMonths(from, months + 1) > to);  // the largest such n
  }
}

// LevelsReached for a fuzzed measure: ascending indices of levels not held, each threshold met,
// every level before the last one reached held or reached, and the next level not held (if any)
// above the measure.
void CheckLevelsReached(FuzzedDataProvider& data, const ledger::ProgramConfig& program,
                        const ledger::BadgeFacts& facts) {
  for (const ledger::Badge& badge : program.badges) {
    const int64_t measure = data.ConsumeBool() ? data.ConsumeIntegralInRange<int64_t>(
                                                     -1, badge.levels.back().threshold + 1)
                                               : data.ConsumeIntegral<int64_t>();
    const std::vector<int32_t> reached = ledger::LevelsReached(badge, facts, measure);
    size_t next = 0;  // the level after the last one reached
    for (const int32_t index : reached) {
      LOYALTY_CHECK(index >= 0 && static_cast<size_t>(index) < badge.levels.size());
      const auto i = static_cast<size_t>(index);
      LOYALTY_CHECK(i >= next);
      for (size_t j = next; j < i; ++j) {
        LOYALTY_CHECK(facts.FindHeld(badge.badge_id, badge.levels[j].code) != nullptr);
      }
      LOYALTY_CHECK(facts.FindHeld(badge.badge_id, badge.levels[i].code) == nullptr);
      LOYALTY_CHECK(badge.levels[i].threshold <= measure);
      next = i + 1;
    }
    for (size_t j = next; j < badge.levels.size(); ++j) {
      if (facts.FindHeld(badge.badge_id, badge.levels[j].code) != nullptr) continue;
      LOYALTY_CHECK(badge.levels[j].threshold > measure);
      break;
    }
  }
}

// BadgeReadsFor: some read exactly when a badge concerns the trigger (active at `now`, unless a
// return), the windows and codes of those badges, sorted and unique.
void CheckReads(const ledger::ProgramConfig& program, const ledger::BadgeTrigger& trigger,
                absl::Time now) {
  const ledger::BadgeReads reads = ledger::BadgeReadsFor(program.badges, trigger, now);
  bool any = false;
  for (const ledger::Badge& badge : program.badges) {
    if (!Concerns(badge, trigger)) continue;
    if (trigger.kind != ledger::BadgeTrigger::Kind::kReturn && !badge.ActiveAt(now)) continue;
    any = true;
    if (badge.IsSpend()) {
      LOYALTY_CHECK(std::count(reads.windows.begin(), reads.windows.end(), badge.window_days) == 1);
    } else if (badge.criterion == ledger::BadgeCriterion::kAdvocacy) {
      LOYALTY_CHECK(
          std::count(reads.action_codes.begin(), reads.action_codes.end(), badge.action_code) == 1);
    }
  }
  LOYALTY_CHECK(reads.any == any);
  LOYALTY_CHECK(std::is_sorted(reads.windows.begin(), reads.windows.end()));
  LOYALTY_CHECK(std::adjacent_find(reads.windows.begin(), reads.windows.end()) ==
                reads.windows.end());
}

void CheckAwards(const ledger::ProgramConfig& program, const ledger::MemberState& member,
                 const ledger::BadgeFacts& facts, const ledger::BadgeTrigger& trigger,
                 absl::Time now) {
  // The levels a plain walk awards, and whether one of their bonuses has a type the program lacks.
  struct Expected {
    const ledger::Badge* badge;
    size_t index;
  };
  std::vector<Expected> expected;
  bool unknown_type = false;
  if (member.status == "active") {
    for (const ledger::Badge& badge : program.badges) {
      if (!badge.ActiveAt(now) || !Concerns(badge, trigger)) continue;
      const int64_t measure = Measure(badge, facts, trigger.enrolled_at, now);
      LOYALTY_CHECK(ledger::MeasureOf(badge, facts, trigger.enrolled_at, now) == measure);
      for (size_t i = 0; i < badge.levels.size(); ++i) {
        const ledger::BadgeLevel& level = badge.levels[i];
        if (facts.FindHeld(badge.badge_id, level.code) != nullptr) continue;
        if (level.threshold > measure) break;
        expected.push_back({&badge, i});
        const std::string type =
            level.bonus_point_type.empty() ? program.default_point_type : level.bonus_point_type;
        if (level.bonus_points > 0 && program.FindPointType(type) == nullptr) unknown_type = true;
      }
    }
  }
  const absl::StatusOr<ledger::BadgeDecision> decision =
      ledger::DecideBadgeAwards(program, member, facts, trigger, now);
  if (!decision.ok()) {
    LOYALTY_CHECK(unknown_type && absl::IsInvalidArgument(decision.status()));
    return;
  }
  LOYALTY_CHECK(!unknown_type);
  LOYALTY_CHECK(decision->clawed_back.empty());
  if (member.status != "active") {
    LOYALTY_CHECK(decision->awarded.empty() && decision->changes.changes.empty());
  }

  // Each award: of a badge active now that concerns the trigger, a level not held whose threshold
  // the measure meets, every level before it held or awarded before it in this decision.
  LOYALTY_CHECK(decision->awarded.size() == expected.size());
  ledger::Points bonuses = 0;
  for (size_t k = 0; k < decision->awarded.size(); ++k) {
    const ledger::BadgeAwarded& award = decision->awarded[k];
    const ledger::Badge* badge = FindBadge(program, award.badge_id);
    LOYALTY_CHECK(badge != nullptr && badge == expected[k].badge);
    LOYALTY_CHECK(badge->ActiveAt(now) && Concerns(*badge, trigger));
    LOYALTY_CHECK(member.status == "active");
    LOYALTY_CHECK(award.level_number >= 1 &&
                  static_cast<size_t>(award.level_number) <= badge->levels.size());
    const auto index = static_cast<size_t>(award.level_number - 1);
    LOYALTY_CHECK(index == expected[k].index);
    const ledger::BadgeLevel& level = badge->levels[index];
    LOYALTY_CHECK(award.level_code == level.code);
    LOYALTY_CHECK(facts.FindHeld(badge->badge_id, level.code) == nullptr);
    LOYALTY_CHECK(award.threshold == level.threshold);
    LOYALTY_CHECK(level.threshold <= ledger::MeasureOf(*badge, facts, trigger.enrolled_at, now));
    for (size_t j = 0; j < index; ++j) {  // no level skipped
      bool before = facts.FindHeld(badge->badge_id, badge->levels[j].code) != nullptr;
      for (size_t p = 0; p < k && !before; ++p) {
        before = decision->awarded[p].badge_id == badge->badge_id &&
                 decision->awarded[p].level_number == static_cast<int32_t>(j) + 1;
      }
      LOYALTY_CHECK(before);
    }
    if (k > 0 && decision->awarded[k - 1].badge_id == award.badge_id) {
      LOYALTY_CHECK(decision->awarded[k - 1].level_number < award.level_number);
    }
    LOYALTY_CHECK(award.member_id == member.member_id && award.program_id == program.program_id);
    LOYALTY_CHECK(award.badge_version == badge->version);
    LOYALTY_CHECK(award.bonus_points == level.bonus_points);
    LOYALTY_CHECK(award.benefit_code == level.benefit_code);
    LOYALTY_CHECK(award.claw_back == (badge->IsSpend() && level.claw_back));
    LOYALTY_CHECK(award.order_ref ==
                  (trigger.kind == ledger::BadgeTrigger::Kind::kPurchase ? trigger.order_ref : ""));
    bonuses += award.bonus_points;
  }
  // The awards' maximality: after each badge's last award, the next level not held is not met.
  for (const ledger::Badge& badge : program.badges) {
    if (member.status != "active" || !badge.ActiveAt(now) || !Concerns(badge, trigger)) continue;
    const int64_t measure = ledger::MeasureOf(badge, facts, trigger.enrolled_at, now);
    for (size_t i = 0; i < badge.levels.size(); ++i) {
      const bool awarded = std::any_of(
          decision->awarded.begin(), decision->awarded.end(), [&](const ledger::BadgeAwarded& a) {
            return a.badge_id == badge.badge_id && a.level_number == static_cast<int32_t>(i) + 1;
          });
      if (awarded || facts.FindHeld(badge.badge_id, badge.levels[i].code) != nullptr) continue;
      LOYALTY_CHECK(badge.levels[i].threshold > measure);
      break;
    }
  }

  // The changes: each award preceded by its bonus's credit (accrual or repayment entries adding
  // up to its bonus, a lot when some was credited), in the order of `awarded`.
  size_t next_award = 0;
  ledger::Points credited = 0;       // all the decision's credits
  ledger::Points award_credits = 0;  // since the previous award
  bool lot_created = false;
  size_t lots_created = 0;
  ledger::Points repaid = 0;
  for (const ledger::Change& change : decision->changes.changes) {
    if (const auto* entry = std::get_if<ledger::EntryChange>(&change)) {
      LOYALTY_CHECK(entry->kind == ledger::EntryKind::kAccrual ||
                    entry->kind == ledger::EntryKind::kOverdraftRepayment);
      LOYALTY_CHECK(entry->points > 0);
      LOYALTY_CHECK(entry->member_id == member.member_id &&
                    entry->program_id == program.program_id);
      credited += entry->points;
      award_credits += entry->points;
      if (entry->kind == ledger::EntryKind::kOverdraftRepayment) repaid += entry->points;
    } else if (const auto* lot = std::get_if<ledger::LotCreation>(&change)) {
      LOYALTY_CHECK(lot->amount > 0 && !lot_created);
      lot_created = true;
      ++lots_created;
    } else if (const auto* award = std::get_if<ledger::BadgeAwarded>(&change)) {
      LOYALTY_CHECK(next_award < decision->awarded.size());
      const ledger::BadgeAwarded& listed = decision->awarded[next_award++];
      LOYALTY_CHECK(award->badge_id == listed.badge_id &&
                    award->level_number == listed.level_number);
      LOYALTY_CHECK(award_credits == award->bonus_points);
      LOYALTY_CHECK(award->bonus_lot == lot_created);
      if (award->bonus_points > 0) {
        const ledger::BadgeLevel& level =
            FindBadge(program, award->badge_id)
                ->levels[static_cast<size_t>(award->level_number - 1)];
        LOYALTY_CHECK(
            award->bonus_point_type ==
            (level.bonus_point_type.empty() ? program.default_point_type : level.bonus_point_type));
      }
      award_credits = 0;
      lot_created = false;
    } else {
      LOYALTY_CHECK(std::holds_alternative<ledger::TotalsChange>(change) ||
                    std::holds_alternative<ledger::EnrolmentChange>(change));
    }
  }
  LOYALTY_CHECK(next_award == decision->awarded.size());
  LOYALTY_CHECK(award_credits == 0 && !lot_created);
  LOYALTY_CHECK(credited == bonuses);

  const absl::StatusOr<ledger::MemberState> after = ledger::Apply(decision->changes, member, now);
  LOYALTY_CHECK(after.ok());
  LOYALTY_CHECK(after->lots.size() == member.lots.size() + lots_created);
  const ledger::Enrolment* before_enrolment = member.FindEnrolment(program.program_id);
  const ledger::Enrolment* after_enrolment = after->FindEnrolment(program.program_id);
  LOYALTY_CHECK(after_enrolment != nullptr);
  LOYALTY_CHECK(after_enrolment->debt == before_enrolment->debt - repaid);
  LOYALTY_CHECK(after_enrolment->debt >= 0);
}

void CheckClawbacks(FuzzedDataProvider& data, const ledger::ProgramConfig& program,
                    const ledger::MemberState& member, const ledger::BadgeFacts& before,
                    absl::Time now) {
  const absl::Time purchase_day =
      now - absl::Seconds(data.ConsumeIntegralInRange<int64_t>(0, 400 * kDay));
  const int64_t scale = data.PickValueInArray(kScales);
  const int64_t returned_minor = data.ConsumeIntegralInRange<int64_t>(0, scale);
  const ledger::Points reversed_points = data.ConsumeIntegralInRange<ledger::Points>(0, scale);
  const ledger::BadgeFacts after =
      ledger::AfterReturn(before, purchase_day, now, returned_minor, reversed_points);
  // The return lowers the windows that still hold its purchase's day (today included).
  const int64_t days_ago =
      (ledger::DayStart(now) - ledger::DayStart(purchase_day)) / absl::Hours(24);
  LOYALTY_CHECK(after.spend.size() == before.spend.size());
  for (const auto& [window, sum] : before.spend) {
    const ledger::SpendSum& now_sum = after.spend.at(window);
    const bool lowered = window == 0 || days_ago < window;
    LOYALTY_CHECK(now_sum.amount_minor == sum.amount_minor - (lowered ? returned_minor : 0));
    LOYALTY_CHECK(now_sum.points == sum.points - (lowered ? reversed_points : 0));
  }

  std::vector<const ledger::HeldBadgeLevel*> expected;
  for (const ledger::HeldBadgeLevel& held : before.held) {
    if (!held.claw_back || held.clawed_back || held.bonus_points <= 0) continue;
    const ledger::Badge* badge = FindBadge(program, held.badge_id);
    if (badge == nullptr || !badge->IsSpend()) continue;
    if (Measure(*badge, before, now, now) >= held.threshold &&
        Measure(*badge, after, now, now) < held.threshold) {
      expected.push_back(&held);
    }
  }
  const absl::StatusOr<ledger::BadgeDecision> decision =
      ledger::DecideBonusClawbacks(program, member, before, after, now);
  LOYALTY_CHECK(decision.ok());  // enrolled: nothing to refuse; INTERNAL would be a bug
  LOYALTY_CHECK(decision->awarded.empty());
  LOYALTY_CHECK(decision->clawed_back.size() == expected.size());
  for (size_t k = 0; k < expected.size(); ++k) {
    const ledger::BadgeBonusClawedBack& clawed = decision->clawed_back[k];
    LOYALTY_CHECK(clawed.badge_id == expected[k]->badge_id &&
                  clawed.level_code == expected[k]->level_code);
    LOYALTY_CHECK(clawed.member_id == member.member_id && clawed.program_id == program.program_id);
    const ledger::HeldBadgeLevel* held = before.FindHeld(clawed.badge_id, clawed.level_code);
    LOYALTY_CHECK(held != nullptr && held->claw_back && !held->clawed_back &&
                  held->bonus_points > 0);
  }

  // Each clawback's changes: its lot take, the reversal, totals, enrolment, the record.
  size_t next = 0;
  ledger::Points taken = 0;
  std::optional<ledger::Points> reversal;
  std::optional<ledger::TotalsChange> totals;
  std::optional<ledger::Points> debt;
  for (const ledger::Change& change : decision->changes.changes) {
    if (const auto* lot = std::get_if<ledger::LotChange>(&change)) {
      LOYALTY_CHECK(lot->kind == ledger::LotChange::Kind::kConsume && lot->points > 0);
      taken += lot->points;
    } else if (const auto* entry = std::get_if<ledger::EntryChange>(&change)) {
      LOYALTY_CHECK(entry->kind == ledger::EntryKind::kReversal && !reversal.has_value());
      reversal = entry->points;
    } else if (const auto* total = std::get_if<ledger::TotalsChange>(&change)) {
      totals = *total;
    } else if (const auto* enrolment = std::get_if<ledger::EnrolmentChange>(&change)) {
      LOYALTY_CHECK(enrolment->debt >= 0);
      debt = enrolment->debt;
    } else if (const auto* clawed = std::get_if<ledger::BadgeBonusClawedBack>(&change)) {
      LOYALTY_CHECK(next < expected.size());
      const ledger::HeldBadgeLevel& held = *expected[next++];
      LOYALTY_CHECK(clawed->badge_id == held.badge_id && clawed->level_code == held.level_code);
      LOYALTY_CHECK(reversal.has_value() && totals.has_value() && debt.has_value());
      const ledger::PointTypeConfig* type = program.FindPointType(held.bonus_point_type);
      const bool redeemable = type == nullptr || type->redeemable;
      LOYALTY_CHECK(taken <= held.bonus_points);
      LOYALTY_CHECK(*reversal == -(taken + *debt));
      if (redeemable) {
        LOYALTY_CHECK(*reversal == -held.bonus_points);  // the whole bonus: lot, then debt
      } else {
        LOYALTY_CHECK(*debt == 0);  // no debt of a type that cannot be redeemed
      }
      LOYALTY_CHECK(totals->lifetime == -held.bonus_points);
      LOYALTY_CHECK(totals->point_type == held.bonus_point_type);
      taken = 0;
      reversal.reset();
      totals.reset();
      debt.reset();
    } else {
      LOYALTY_CHECK(false);
    }
  }
  LOYALTY_CHECK(next == expected.size() && taken == 0 && !reversal.has_value());
  const absl::StatusOr<ledger::MemberState> applied = ledger::Apply(decision->changes, member, now);
  LOYALTY_CHECK(applied.ok());
}

}  // namespace
}  // namespace loyalty::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace loyalty;
  FuzzedDataProvider provider(data, size);
  const fuzz::LedgerState state = fuzz::ConsumeState(provider);
  const ledger::ProgramConfig program = fuzz::ConsumeProgram(provider, state);
  const ledger::MemberState member = fuzz::MemberOf(provider, state);
  const ledger::BadgeFacts facts = fuzz::ConsumeFacts(provider, program, member.lots);
  const ledger::BadgeTrigger trigger = fuzz::ConsumeTrigger(provider, state.now);
  fuzz::CheckReads(program, trigger, state.now);
  fuzz::CheckAwards(program, member, facts, trigger, state.now);
  fuzz::CheckClawbacks(provider, program, member, facts, state.now);
  fuzz::CheckLevelsReached(provider, program, facts);
  fuzz::CheckTimes(provider);
  return 0;
}
