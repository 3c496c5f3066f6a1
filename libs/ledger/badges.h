#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/ledger/badge_changes.h"
#include "libs/ledger/badge_config.h"
#include "libs/ledger/change_set.h"
#include "libs/ledger/member.h"
#include "libs/ledger/program.h"
#include "libs/ledger/types.h"

namespace loyalty::ledger {

// Badges (docs/badges.md): the facts a member's badges are measured from, and the decisions that
// award their levels and take their bonus back.

// What a member's purchases add up to over one window.
struct SpendSum {
  int64_t amount_minor = 0;
  Points points = 0;
};

// A level the member holds, with what a return may take back.
struct HeldBadgeLevel {
  std::string badge_id;
  std::string level_code;
  int64_t threshold = 0;  // when awarded
  Points bonus_points = 0;
  std::string bonus_point_type;
  std::optional<int64_t> bonus_lot_id;
  bool claw_back = false;
  bool clawed_back = false;
};

// What the badges of a program measure for one member, read under its lock.
struct BadgeFacts {
  std::map<int32_t, SpendSum> spend;       // by window (0: lifetime), for the windows read
  std::map<std::string, int64_t> actions;  // times earned, by action code, for the codes read
  std::vector<HeldBadgeLevel> held;

  const HeldBadgeLevel* FindHeld(const std::string& badge_id, const std::string& level) const;
};

// Which badges an evaluation looks at: the spend badges after a purchase (of `order_ref`), the
// advocacy badges of `action_code` after an action, the tenure badges (the worker, with the
// member's enrolment time), the spend badges after a return (whose held levels may have their
// bonus taken back).
struct BadgeTrigger {
  enum class Kind { kPurchase, kAction, kTenure, kReturn };
  Kind kind = Kind::kPurchase;
  std::string order_ref;
  std::string action_code;
  absl::Time enrolled_at;
};

// What to read for the badges `trigger` concerns: the spend windows and action codes they
// measure, and whether there is any (then the levels held are read too). Awards look at the
// badges active at `at`; a return at every spend badge, whatever its dates (a held level's bonus
// was granted under it).
struct BadgeReads {
  std::vector<int32_t> windows;
  std::vector<std::string> action_codes;
  bool any = false;
};
BadgeReads BadgeReadsFor(const std::vector<Badge>& badges, const BadgeTrigger& trigger,
                         absl::Time at);

// The UTC day that starts at or before `at`.
absl::Time DayStart(absl::Time at);
// Whole months from `from` to `to` (0 when `to` is before): the largest n with
// AddMonths(from, n) <= to.
int32_t WholeMonthsBetween(absl::Time from, absl::Time to);

// The badge's measure: the spend of its window, the times of its action, or the whole months
// since `enrolled_at`.
int64_t MeasureOf(const Badge& badge, const BadgeFacts& facts, absl::Time enrolled_at,
                  absl::Time now);

// The levels (indices into badge.levels) `measure` reaches that the member does not hold, in
// order: levels are awarded in the badge's order and never skipped, so this stops at the first
// level not held whose threshold is above the measure.
std::vector<int32_t> LevelsReached(const Badge& badge, const BadgeFacts& facts, int64_t measure);

// The facts after a purchase recorded now (in every window), a return of part of a purchase
// recorded at `purchase_day` (the windows that still hold that day at `now`), or an action.
BadgeFacts AfterPurchase(BadgeFacts facts, int64_t amount_minor, Points points);
BadgeFacts AfterReturn(BadgeFacts facts, absl::Time purchase_day, absl::Time now,
                       int64_t returned_minor, Points reversed_points);
BadgeFacts AfterAction(BadgeFacts facts, const std::string& action_code);

// What awarded badge levels or took bonuses back change, in order.
struct BadgeDecision {
  std::vector<BadgeAwarded> awarded;
  std::vector<BadgeBonusClawedBack> clawed_back;
  ChangeSet changes;
};

// Awards the levels the member reached in the trigger's badges active at `now`. `member` is the
// member's state after the command's own changes, `facts` its badge facts after them. Each level
// gets a BadgeAwarded, preceded by the accrual of its bonus points (DecideAccrual of explicit
// points of the level's point type: debt repaid first, the tier may move up). Nothing for a
// member who is not active. INVALID_ARGUMENT for a bonus point type the program lacks.
absl::StatusOr<BadgeDecision> DecideBadgeAwards(const ProgramConfig& program,
                                                const MemberState& member, const BadgeFacts& facts,
                                                const BadgeTrigger& trigger, absl::Time now);

// Takes back the bonus of each held level of a spend badge marked claw_back (not taken back yet)
// whose threshold (as awarded) the measure met `before` a return and no longer meets `after` it:
// from the bonus lot's free points first, the rest becoming debt (redeemable types), with a
// reversal entry, the totals and qualifying points lowered (the tier may move down as on a return).
// `member` is the state after the return's own changes.
absl::StatusOr<BadgeDecision> DecideBonusClawbacks(const ProgramConfig& program,
                                                   const MemberState& member,
                                                   const BadgeFacts& before,
                                                   const BadgeFacts& after, absl::Time now);

}  // namespace loyalty::ledger
