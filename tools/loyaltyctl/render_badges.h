#pragma once

#include <ostream>
#include <string>

#include "loyalty/v1/badge.pb.h"
#include "loyalty/v1/query.pb.h"

namespace loyalty::ctl {

// Badges (docs/badges.md) as text.

// "spend amount (minor units), last 30 days", "spend points, lifetime", "tenure (months
// enrolled)", "advocacy: action referral"; "-" when unset.
std::string BadgeCriterionText(const v1::BadgeCriterion& criterion);

// A badge definition: its fields, then one row per level.
void RenderBadge(const v1::BadgeDefinition& badge, std::ostream& out);

// `badge list`: one row per badge, its levels as "bronze:1000 silver:5000".
void RenderBadges(const v1::ListBadgesResponse& response, std::ostream& out);

// A member's badges in one program: one row per badge with the levels held and the progress to
// the next level, then one row per level held with its award date, bonus and benefit code.
void RenderMemberBadges(const v1::GetMemberBadgesResponse& response, std::ostream& out);

// "badge big-spender: level silver reached (threshold 50000), +500 bonus points, benefit LOUNGE"
// (an accrual's badges_awarded).
std::string BadgeAwardText(const v1::BadgeAward& award);

// "badge big-spender: level silver's 500 bonus points taken back (the level stays held)" (a
// return's badge_bonuses_clawed_back).
std::string BadgeClawBackText(const v1::BadgeAward& award);

}  // namespace loyalty::ctl
