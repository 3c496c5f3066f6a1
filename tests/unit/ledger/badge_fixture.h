// Programs, members, badges and facts for the badge decisions' tests (badges_test.cc,
// badge_decisions_test.cc), and a change set as short texts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "libs/ledger/badges.h"
#include "libs/ledger/change_set.h"
#include "tests/unit/ledger/change_text.h"

namespace loyalty::ledger::badge_fixture {

inline absl::Time At(int64_t year, int month, int day, int hour = 0, int minute = 0,
                     int second = 0) {
  return absl::FromCivil(absl::CivilSecond(year, month, day, hour, minute, second),
                         absl::UTCTimeZone());
}

inline const absl::Time kNow = At(2026, 3, 1, 12);
inline const absl::Time kPeriodStart = At(2026, 1, 1);

inline BadgeLevel Level(std::string code, int64_t threshold, Points bonus = 0,
                        bool claw_back = false, std::string bonus_type = "",
                        std::string benefit = "") {
  BadgeLevel level;
  level.code = std::move(code);
  level.name = level.code;
  level.threshold = threshold;
  level.bonus_points = bonus;
  level.bonus_point_type = std::move(bonus_type);
  level.benefit_code = std::move(benefit);
  level.claw_back = claw_back;
  return level;
}

// A badge active since a year before kNow, with no end.
inline Badge MakeBadge(std::string id, BadgeCriterion criterion, std::vector<BadgeLevel> levels,
                       int32_t window_days = 0, std::string action_code = "") {
  Badge badge;
  badge.badge_id = std::move(id);
  badge.name = badge.badge_id;
  badge.criterion = criterion;
  badge.window_days = window_days;
  badge.action_code = std::move(action_code);
  badge.active_from = kNow - absl::Hours(24 * 365);
  badge.updated_at = badge.active_from;
  badge.levels = std::move(levels);
  return badge;
}

inline Badge BigSpender() {
  Badge badge = MakeBadge(
      "big-spender", BadgeCriterion::kSpendAmount,
      {Level("bronze", 10000, 100, true), Level("silver", 50000, 500, true, "", "free-shipping"),
       Level("gold", 100000, 1000, false)});
  badge.version = 3;
  return badge;
}

// "shop": base (redeemable, counts toward tiers, expires after a year), bonus (redeemable, not
// counted), status (counted, not redeemable); gold at 1000 qualifying points. Its badges by id.
inline ProgramConfig Program() {
  ProgramConfig program;
  program.program_id = "shop";
  program.status = "active";
  program.currency = "USD";
  program.earn_rate = {1, 100};
  program.hold_days = 14;
  program.default_point_type = "base";
  program.default_subtype = "purchase";
  program.subtypes = {"purchase", "promo"};
  program.point_types = {{"base", true, true, {ExpiryKind::kFixedDays, 365}},
                         {"bonus", true, false, {}},
                         {"status", false, true, {}}};
  program.tiers = {{"gold", 1000, 1500, true}};
  program.badges = {
      BigSpender(),
      MakeBadge("monthly", BadgeCriterion::kSpendPoints, {Level("p100", 100)}, 30),
      MakeBadge("referrer", BadgeCriterion::kAdvocacy, {Level("one", 1)}, 0, "refer"),
      // claw_back on an advocacy level is meaningless: awarded as kept.
      MakeBadge("reviewer", BadgeCriterion::kAdvocacy, {Level("r1", 1), Level("r5", 5, 50, true)},
                0, "review"),
      MakeBadge("veteran", BadgeCriterion::kTenure, {Level("y1", 12), Level("y2", 24)}),
  };
  return program;
}

inline MemberState Member(Points debt = 0, Points qualifying = 0, std::string tier = "",
                          std::optional<absl::Time> tier_reached_at = std::nullopt) {
  MemberState member;
  member.member_id = "m1";
  member.kind = "individual";
  member.status = "active";
  member.enrolments = {{"shop", std::move(tier), tier_reached_at, debt, kPeriodStart,
                        kPeriodStart + absl::Hours(24 * 365)}};
  if (qualifying != 0) member.totals = {{"shop", "base", qualifying, qualifying}};
  return member;
}

inline Lot MakeLot(int64_t lot_id, std::string point_type, Points remaining, Points held = 0,
                   Points amount = 0) {
  Lot lot;
  lot.lot_id = lot_id;
  lot.program_id = "shop";
  lot.point_type = std::move(point_type);
  lot.subtype = "purchase";
  lot.amount = amount == 0 ? remaining : amount;
  lot.remaining = remaining;
  lot.held = held;
  lot.awarded_at = kNow - absl::Hours(48);
  lot.available_at = kNow - absl::Hours(48);
  return lot;
}

inline HeldBadgeLevel HeldLevel(std::string badge_id, std::string level_code) {
  HeldBadgeLevel held;
  held.badge_id = std::move(badge_id);
  held.level_code = std::move(level_code);
  return held;
}

// The changes as texts: the badge changes here, the others as ChangeTexts writes them.
inline std::vector<std::string> Texts(const ChangeSet& changes) {
  std::vector<std::string> texts;
  for (const Change& change : changes.changes) {
    if (const auto* a = std::get_if<BadgeAwarded>(&change)) {
      texts.push_back(absl::StrCat("award ", a->member_id, " ", a->program_id, "/", a->badge_id,
                                   " v", a->badge_version, " ", a->level_code, " #",
                                   a->level_number, " at ", a->threshold, " order='", a->order_ref,
                                   "' bonus ", a->bonus_points, " '", a->bonus_point_type, "' ",
                                   a->bonus_lot ? "lot" : "no-lot", " benefit='", a->benefit_code,
                                   "' ", a->claw_back ? "claw-back" : "kept"));
    } else if (const auto* c = std::get_if<BadgeBonusClawedBack>(&change)) {
      texts.push_back(absl::StrCat("clawed back ", c->member_id, " ", c->program_id, "/",
                                   c->badge_id, " ", c->level_code));
    } else {
      texts.push_back(ChangeTexts(ChangeSet{{change}})[0]);
    }
  }
  return texts;
}

inline std::string SpendText(const BadgeFacts& facts) {
  return absl::StrJoin(facts.spend, " ", [](std::string* out, const auto& window_sum) {
    absl::StrAppend(out, window_sum.first, ":", window_sum.second.amount_minor, "/",
                    window_sum.second.points);
  });
}
inline BadgeTrigger Trigger(BadgeTrigger::Kind kind, std::string action_code = "") {
  BadgeTrigger trigger;
  trigger.kind = kind;
  trigger.action_code = std::move(action_code);
  return trigger;
}

}  // namespace loyalty::ledger::badge_fixture
