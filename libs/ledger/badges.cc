#include "libs/ledger/badges.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/accrual.h"
#include "libs/ledger/dates.h"
#include "libs/ledger/limits.h"
#include "libs/ledger/program.h"

namespace loyalty::ledger {
namespace {

constexpr std::pair<BadgeCriterion, const char*> kCriterionNames[] = {
    {BadgeCriterion::kSpendAmount, "spend_amount"},
    {BadgeCriterion::kSpendPoints, "spend_points"},
    {BadgeCriterion::kTenure, "tenure"},
    {BadgeCriterion::kAdvocacy, "advocacy"},
};

bool Concerns(const Badge& badge, const BadgeTrigger& trigger) {
  switch (trigger.kind) {
    case BadgeTrigger::Kind::kPurchase:
      return badge.IsSpend();
    case BadgeTrigger::Kind::kAction:
      return badge.criterion == BadgeCriterion::kAdvocacy &&
             badge.action_code == trigger.action_code;
    case BadgeTrigger::Kind::kTenure:
      return badge.criterion == BadgeCriterion::kTenure;
    case BadgeTrigger::Kind::kReturn:
      return badge.IsSpend();
  }
  return false;
}

std::string BonusDescription(const Badge& badge, const BadgeLevel& level) {
  return absl::StrCat("badge ", badge.badge_id, " ", level.code);
}

// The bonus of one level, credited like an accrual of explicit points on `member`; the member's
// state moves on past it.
absl::Status CreditBonus(const ProgramConfig& program, const Badge& badge, const BadgeLevel& level,
                         absl::Time now, MemberState* member, BadgeDecision* decision,
                         BadgeAwarded* award) {
  AccrualCommand command;
  command.kind = AccrualCommand::Kind::kExplicitPoints;
  command.point_type = level.bonus_point_type;
  command.points = level.bonus_points;
  command.description = BonusDescription(badge, level);
  LOYALTY_ASSIGN_OR_RETURN(const Accrual accrual,
                           DecideAccrual(program, *member, command, AccrualFacts{}, now));
  LOYALTY_ASSIGN_OR_RETURN(*member, Apply(accrual.changes, std::move(*member), now));
  for (const Change& change : accrual.changes.changes) decision->changes.Add(change);
  award->bonus_point_type = accrual.type.code;
  award->bonus_lot = accrual.repayment.credited > 0;
  return absl::OkStatus();
}

// The clawback of one held level's bonus on `member`, whose state moves on past it.
absl::Status ClawBack(const ProgramConfig& program, const HeldBadgeLevel& held, absl::Time now,
                      MemberState* member, BadgeDecision* decision) {
  const std::string& program_id = program.program_id;
  LOYALTY_ASSIGN_OR_RETURN(const Enrolment* enrolment, RequireEnrolment(*member, program_id));
  const PointTypeConfig* type = program.FindPointType(held.bonus_point_type);
  const bool redeemable = type == nullptr || type->redeemable;
  ChangeSet changes;
  Points taken = 0;
  for (const Lot& lot : member->lots) {
    if (!held.bonus_lot_id.has_value() || lot.lot_id != *held.bonus_lot_id) continue;
    taken = std::min(held.bonus_points, lot.remaining - lot.held);
    if (taken > 0) {
      changes.Add(LotChange{LotChange::Kind::kConsume, member->member_id, lot.lot_id, taken});
    }
  }
  const Points debt = redeemable ? held.bonus_points - taken : 0;
  const Points qualifying = type != nullptr && type->counts_toward_tier ? -held.bonus_points : 0;
  const std::optional<std::string> tier =
      qualifying < 0 ? TierMove(program, *member, *enrolment, qualifying) : std::nullopt;
  changes.Add(EntryChange{
      member->member_id, program_id, held.bonus_point_type, EntryKind::kReversal, -(taken + debt),
      "", absl::StrCat("badge ", held.badge_id, " ", held.level_code, " clawed back"), ""});
  changes.Add(TotalsChange{member->member_id, program_id, held.bonus_point_type, -held.bonus_points,
                           qualifying});
  changes.Add(EnrolmentChange{member->member_id, program_id, debt, tier});
  BadgeBonusClawedBack clawed{member->member_id, program_id, held.badge_id, held.level_code};
  changes.Add(clawed);
  LOYALTY_ASSIGN_OR_RETURN(*member, Apply(changes, std::move(*member), now));
  for (const Change& change : changes.changes) decision->changes.Add(change);
  decision->clawed_back.push_back(std::move(clawed));
  return absl::OkStatus();
}

}  // namespace

const char* BadgeCriterionName(BadgeCriterion criterion) {
  for (const auto& [value, name] : kCriterionNames) {
    if (value == criterion) return name;
  }
  return "";
}

std::optional<BadgeCriterion> BadgeCriterionFromName(std::string_view name) {
  for (const auto& [value, text] : kCriterionNames) {
    if (name == text) return value;
  }
  return std::nullopt;
}

bool Badge::ActiveAt(absl::Time at) const {
  return active_from <= at && (!active_to.has_value() || at < *active_to);
}

bool Badge::IsSpend() const {
  return criterion == BadgeCriterion::kSpendAmount || criterion == BadgeCriterion::kSpendPoints;
}

const HeldBadgeLevel* BadgeFacts::FindHeld(const std::string& badge_id,
                                           const std::string& level) const {
  for (const HeldBadgeLevel& h : held) {
    if (h.badge_id == badge_id && h.level_code == level) return &h;
  }
  return nullptr;
}

BadgeReads BadgeReadsFor(const std::vector<Badge>& badges, const BadgeTrigger& trigger,
                         absl::Time at) {
  std::set<int32_t> windows;
  std::set<std::string> actions;
  BadgeReads reads;
  for (const Badge& badge : badges) {
    if (!Concerns(badge, trigger)) continue;
    if (trigger.kind != BadgeTrigger::Kind::kReturn && !badge.ActiveAt(at)) continue;
    reads.any = true;
    if (badge.IsSpend()) windows.insert(badge.window_days);
    if (badge.criterion == BadgeCriterion::kAdvocacy) actions.insert(badge.action_code);
  }
  reads.windows.assign(windows.begin(), windows.end());
  reads.action_codes.assign(actions.begin(), actions.end());
  return reads;
}

absl::Time DayStart(absl::Time at) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  return absl::FromCivil(absl::ToCivilDay(at, utc), utc);
}

int32_t WholeMonthsBetween(absl::Time from, absl::Time to) {
  if (to < from) return 0;
  const absl::TimeZone utc = absl::UTCTimeZone();
  const absl::CivilMonth first(absl::ToCivilSecond(from, utc));
  const absl::CivilMonth last(absl::ToCivilSecond(to, utc));
  int32_t months = static_cast<int32_t>(last - first);
  while (months > 0 && AddMonths(from, months) > to) --months;
  return months;
}

int64_t MeasureOf(const Badge& badge, const BadgeFacts& facts, absl::Time enrolled_at,
                  absl::Time now) {
  switch (badge.criterion) {
    case BadgeCriterion::kSpendAmount:
    case BadgeCriterion::kSpendPoints: {
      const auto sum = facts.spend.find(badge.window_days);
      if (sum == facts.spend.end()) return 0;
      return badge.criterion == BadgeCriterion::kSpendAmount ? sum->second.amount_minor
                                                             : sum->second.points;
    }
    case BadgeCriterion::kTenure:
      return WholeMonthsBetween(enrolled_at, now);
    case BadgeCriterion::kAdvocacy: {
      const auto times = facts.actions.find(badge.action_code);
      return times == facts.actions.end() ? 0 : times->second;
    }
  }
  return 0;
}

std::vector<int32_t> LevelsReached(const Badge& badge, const BadgeFacts& facts, int64_t measure) {
  std::vector<int32_t> reached;
  for (size_t i = 0; i < badge.levels.size(); ++i) {
    const BadgeLevel& level = badge.levels[i];
    if (facts.FindHeld(badge.badge_id, level.code) != nullptr) continue;
    if (level.threshold > measure) break;
    reached.push_back(static_cast<int32_t>(i));
  }
  return reached;
}

BadgeFacts AfterPurchase(BadgeFacts facts, int64_t amount_minor, Points points) {
  for (auto& [window, sum] : facts.spend) {
    sum.amount_minor = SaturatingAdd(sum.amount_minor, amount_minor);
    sum.points = SaturatingAdd(sum.points, points);
  }
  return facts;
}

BadgeFacts AfterReturn(BadgeFacts facts, absl::Time purchase_day, absl::Time now,
                       int64_t returned_minor, Points reversed_points) {
  const absl::Time today = DayStart(now);
  for (auto& [window, sum] : facts.spend) {
    if (window > 0 && DayStart(purchase_day) <= today - absl::Hours(24) * window) continue;
    sum.amount_minor -= returned_minor;
    sum.points -= reversed_points;
  }
  return facts;
}

BadgeFacts AfterAction(BadgeFacts facts, const std::string& action_code) {
  auto times = facts.actions.find(action_code);
  if (times != facts.actions.end()) ++times->second;
  return facts;
}

absl::StatusOr<BadgeDecision> DecideBadgeAwards(const ProgramConfig& program,
                                                const MemberState& member, const BadgeFacts& facts,
                                                const BadgeTrigger& trigger, absl::Time now) {
  BadgeDecision decision;
  if (member.status != "active") return decision;
  MemberState state = member;
  for (const Badge& badge : program.badges) {
    if (!badge.ActiveAt(now) || !Concerns(badge, trigger)) continue;
    const int64_t measure = MeasureOf(badge, facts, trigger.enrolled_at, now);
    for (const int32_t index : LevelsReached(badge, facts, measure)) {
      const BadgeLevel& level = badge.levels[static_cast<size_t>(index)];
      BadgeAwarded award{member.member_id,
                         program.program_id,
                         badge.badge_id,
                         badge.version,
                         level.code,
                         index + 1,
                         level.threshold,
                         trigger.kind == BadgeTrigger::Kind::kPurchase ? trigger.order_ref : "",
                         level.bonus_points,
                         "",
                         false,
                         level.benefit_code,
                         badge.IsSpend() && level.claw_back};
      if (level.bonus_points > 0) {
        LOYALTY_RETURN_IF_ERROR(CreditBonus(program, badge, level, now, &state, &decision, &award));
      }
      decision.changes.Add(award);
      decision.awarded.push_back(std::move(award));
    }
  }
  return decision;
}

absl::StatusOr<BadgeDecision> DecideBonusClawbacks(const ProgramConfig& program,
                                                   const MemberState& member,
                                                   const BadgeFacts& before,
                                                   const BadgeFacts& after, absl::Time now) {
  BadgeDecision decision;
  MemberState state = member;
  for (const HeldBadgeLevel& held : before.held) {
    if (!held.claw_back || held.clawed_back || held.bonus_points <= 0) continue;
    const auto badge = std::find_if(program.badges.begin(), program.badges.end(),
                                    [&](const Badge& b) { return b.badge_id == held.badge_id; });
    if (badge == program.badges.end() || !badge->IsSpend()) continue;
    if (MeasureOf(*badge, before, now, now) >= held.threshold &&
        MeasureOf(*badge, after, now, now) < held.threshold) {
      LOYALTY_RETURN_IF_ERROR(ClawBack(program, held, now, &state, &decision));
    }
  }
  return decision;
}

}  // namespace loyalty::ledger
