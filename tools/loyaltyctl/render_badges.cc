#include "tools/loyaltyctl/render_badges.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/loyaltyctl/format.h"
#include "tools/loyaltyctl/table.h"

namespace loyalty::ctl {
namespace {

using Align = Table::Align;

std::string OrDash(const std::string& text) { return text.empty() ? "-" : text; }

// " shop" (after "badges of program"), or "" when the response names none.
std::string ProgramSuffix(const std::string& program_id) {
  return program_id.empty() ? "" : " " + program_id;
}

// "500", "500 vip" (its point type), or "-" for none.
std::string BonusText(int64_t points, const std::string& point_type) {
  if (points == 0) return "-";
  return point_type.empty() ? absl::StrCat(points) : absl::StrCat(points, " ", point_type);
}

// "bronze:1000 silver:5000".
std::string LevelsText(const v1::BadgeDefinition& badge) {
  std::vector<std::string> levels;
  for (const v1::BadgeLevel& level : badge.levels()) {
    levels.push_back(absl::StrCat(level.code(), ":", level.threshold()));
  }
  return levels.empty() ? "-" : absl::StrJoin(levels, " ");
}

// "bronze, silver" in the order awarded, or "-".
std::string HeldText(const v1::MemberBadge& badge) {
  std::vector<std::string> held;
  for (const v1::BadgeAward& award : badge.levels()) held.push_back(award.level_code());
  return held.empty() ? "-" : absl::StrJoin(held, ", ");
}

// "3000 / 5000 (silver, 2000 to go)", "5000 / 5000 (silver, reached: awarded next)",
// "7000 (every level held)".
std::string ProgressText(const v1::MemberBadge& badge) {
  if (badge.next_level().empty()) return absl::StrCat(badge.current(), " (every level held)");
  return absl::StrCat(badge.current(), " / ", badge.next_threshold(), " (", badge.next_level(),
                      ", ",
                      badge.to_next_level() > 0 ? absl::StrCat(badge.to_next_level(), " to go")
                                                : std::string("reached: awarded next"),
                      ")");
}

}  // namespace

std::string BadgeCriterionText(const v1::BadgeCriterion& criterion) {
  switch (criterion.kind_case()) {
    case v1::BadgeCriterion::kSpend: {
      const v1::SpendCriterion& spend = criterion.spend();
      std::string text = absl::StrCat(
          "spend ", EnumLabel(v1::SpendMeasure_Name(spend.measure()), "SPEND_MEASURE_"));
      if (spend.measure() == v1::SPEND_MEASURE_AMOUNT) text += " (minor units)";
      return absl::StrCat(text, ", ",
                          spend.window_days() == 0
                              ? std::string("lifetime")
                              : absl::StrCat("last ", spend.window_days(), " days"));
    }
    case v1::BadgeCriterion::kTenure:
      return "tenure (months enrolled)";
    case v1::BadgeCriterion::kAdvocacy:
      return absl::StrCat("advocacy: action ", criterion.advocacy().action_code());
    case v1::BadgeCriterion::KIND_NOT_SET:
      break;
  }
  return "-";
}

void RenderBadge(const v1::BadgeDefinition& badge, std::ostream& out) {
  Table fields({});
  fields.AddRow({"badge", badge.badge_id()});
  fields.AddRow({"org", badge.org_id()});
  fields.AddRow({"program", badge.program_id()});
  fields.AddRow({"name", badge.name()});
  fields.AddRow({"criterion", BadgeCriterionText(badge.criterion())});
  fields.AddRow({"active from", badge.has_active_from() ? FormatTimestamp(badge.active_from())
                                                        : std::string("- (its definition)")});
  fields.AddRow({"active to", badge.has_active_to() ? FormatTimestamp(badge.active_to())
                                                    : std::string("- (no end)")});
  fields.AddRow({"version", absl::StrCat(badge.version())});
  fields.AddRow({"updated", FormatTimestamp(badge.updated_at(), badge.has_updated_at())});
  fields.Print(out);
  if (badge.levels().empty()) return;
  Table levels({"LEVEL", "NAME", "THRESHOLD", "BONUS POINTS", "BENEFIT", "CLAW BACK"},
               {Align::kLeft, Align::kLeft, Align::kRight, Align::kRight});
  for (const v1::BadgeLevel& level : badge.levels()) {
    const v1::BadgeBenefit& benefit = level.benefit();
    levels.AddRow({level.code(), OrDash(level.name()), absl::StrCat(level.threshold()),
                   BonusText(benefit.bonus_points(), benefit.bonus_point_type()),
                   OrDash(benefit.benefit_code()), YesNo(benefit.claw_back_on_reversal())});
  }
  out << "\n";
  levels.Print(out);
}

void RenderBadges(const v1::ListBadgesResponse& response, std::ostream& out) {
  if (response.badges().empty()) {
    out << "no badges in program" << ProgramSuffix(response.program_id()) << "\n";
    return;
  }
  out << "badges of program" << ProgramSuffix(response.program_id()) << "\n";
  Table table({"BADGE", "NAME", "CRITERION", "LEVELS", "ACTIVE FROM", "ACTIVE TO", "VERSION"},
              {Align::kLeft, Align::kLeft, Align::kLeft, Align::kLeft, Align::kLeft, Align::kLeft,
               Align::kRight});
  for (const v1::BadgeDefinition& badge : response.badges()) {
    table.AddRow({badge.badge_id(), badge.name(), BadgeCriterionText(badge.criterion()),
                  LevelsText(badge), FormatTimestamp(badge.active_from(), badge.has_active_from()),
                  FormatTimestamp(badge.active_to(), badge.has_active_to()),
                  absl::StrCat(badge.version())});
  }
  table.Print(out);
}

void RenderMemberBadges(const v1::GetMemberBadgesResponse& response, std::ostream& out) {
  const std::string position =
      absl::StrCat("(as of ledger position ", response.ledger_position(), ")");
  if (response.badges().empty()) {
    out << "no badges in program" << ProgramSuffix(response.program_id()) << " " << position
        << "\n";
    return;
  }
  out << "badges in program" << ProgramSuffix(response.program_id()) << " " << position << "\n";
  Table badges({"BADGE", "NAME", "HELD", "PROGRESS", "ACTIVE"});
  Table awards({"BADGE", "LEVEL", "AWARDED", "BONUS POINTS", "BENEFIT", "ORDER"});
  for (const v1::MemberBadge& badge : response.badges()) {
    badges.AddRow({badge.badge_id(), badge.name(), HeldText(badge), ProgressText(badge),
                   YesNo(badge.active())});
    for (const v1::BadgeAward& award : badge.levels()) {
      std::string bonus = BonusText(award.bonus_points(), award.bonus_point_type());
      if (award.has_bonus_clawed_back_at()) {
        absl::StrAppend(&bonus, " (taken back ", FormatTimestamp(award.bonus_clawed_back_at()),
                        ")");
      }
      awards.AddRow({badge.badge_id(), award.level_code(),
                     FormatTimestamp(award.awarded_at(), award.has_awarded_at()), bonus,
                     OrDash(award.benefit_code()), OrDash(award.order_ref())});
    }
  }
  badges.Print(out);
  if (awards.empty()) return;
  out << "\n";
  awards.Print(out);
}

std::string BadgeAwardText(const v1::BadgeAward& award) {
  std::string text = absl::StrCat("badge ", award.badge_id(), ": level ", award.level_code(),
                                  " reached (threshold ", award.threshold(), ")");
  if (award.bonus_points() != 0) {
    absl::StrAppend(&text, ", +", award.bonus_points(), " bonus points");
    if (!award.bonus_point_type().empty())
      absl::StrAppend(&text, " (", award.bonus_point_type(), ")");
  }
  if (!award.benefit_code().empty()) absl::StrAppend(&text, ", benefit ", award.benefit_code());
  return text;
}

std::string BadgeClawBackText(const v1::BadgeAward& award) {
  return absl::StrCat("badge ", award.badge_id(), ": level ", award.level_code(), "'s ",
                      award.bonus_points(), " bonus points taken back (the level stays held)");
}

}  // namespace loyalty::ctl
