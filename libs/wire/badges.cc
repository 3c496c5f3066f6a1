#include "libs/wire/badges.h"

#include "libs/wire/time.h"

namespace loyalty::wire {
namespace {

ledger::BadgeCriterion CriterionOf(const v1::BadgeCriterion& criterion) {
  switch (criterion.kind_case()) {
    case v1::BadgeCriterion::kSpend:
      return criterion.spend().measure() == v1::SPEND_MEASURE_POINTS
                 ? ledger::BadgeCriterion::kSpendPoints
                 : ledger::BadgeCriterion::kSpendAmount;
    case v1::BadgeCriterion::kAdvocacy:
      return ledger::BadgeCriterion::kAdvocacy;
    case v1::BadgeCriterion::kTenure:
    case v1::BadgeCriterion::KIND_NOT_SET:
      break;
  }
  return ledger::BadgeCriterion::kTenure;
}

void ToCriterion(const ledger::Badge& badge, v1::BadgeCriterion* out) {
  switch (badge.criterion) {
    case ledger::BadgeCriterion::kSpendAmount:
    case ledger::BadgeCriterion::kSpendPoints:
      out->mutable_spend()->set_measure(badge.criterion == ledger::BadgeCriterion::kSpendPoints
                                            ? v1::SPEND_MEASURE_POINTS
                                            : v1::SPEND_MEASURE_AMOUNT);
      out->mutable_spend()->set_window_days(badge.window_days);
      return;
    case ledger::BadgeCriterion::kTenure:
      out->mutable_tenure();
      return;
    case ledger::BadgeCriterion::kAdvocacy:
      out->mutable_advocacy()->set_action_code(badge.action_code);
      return;
  }
}

}  // namespace

void ToBadgeDefinition(const std::string& org_id, const std::string& program_id,
                       const ledger::Badge& badge, v1::BadgeDefinition* out) {
  out->set_org_id(org_id);
  out->set_program_id(program_id);
  out->set_badge_id(badge.badge_id);
  out->set_name(badge.name);
  ToCriterion(badge, out->mutable_criterion());
  for (const ledger::BadgeLevel& level : badge.levels) {
    v1::BadgeLevel* to = out->add_levels();
    to->set_code(level.code);
    to->set_name(level.name);
    to->set_threshold(level.threshold);
    v1::BadgeBenefit* benefit = to->mutable_benefit();
    benefit->set_bonus_points(level.bonus_points);
    benefit->set_bonus_point_type(level.bonus_point_type);
    benefit->set_benefit_code(level.benefit_code);
    benefit->set_claw_back_on_reversal(level.claw_back);
  }
  ToTimestamp(badge.active_from, out->mutable_active_from());
  ToOptionalTimestamp(badge.active_to, [&] { return out->mutable_active_to(); });
  out->set_version(badge.version);
  ToTimestamp(badge.updated_at, out->mutable_updated_at());
}

ledger::Badge BadgeOf(const v1::BadgeDefinition& definition, absl::Time now) {
  ledger::Badge badge;
  badge.badge_id = definition.badge_id();
  badge.name = definition.name();
  badge.criterion = CriterionOf(definition.criterion());
  badge.window_days = definition.criterion().spend().window_days();
  badge.action_code = definition.criterion().advocacy().action_code();
  badge.active_from = definition.has_active_from() ? FromTimestamp(definition.active_from()) : now;
  if (definition.has_active_to()) badge.active_to = FromTimestamp(definition.active_to());
  for (const v1::BadgeLevel& level : definition.levels()) {
    const v1::BadgeBenefit& benefit = level.benefit();
    badge.levels.push_back({level.code(), level.name(), level.threshold(), benefit.bonus_points(),
                            benefit.bonus_point_type(), benefit.benefit_code(),
                            benefit.claw_back_on_reversal()});
  }
  return badge;
}

void ToBadgeAward(const ledger::BadgeAwarded& award, absl::Time at, v1::BadgeAward* out) {
  out->set_program_id(award.program_id);
  out->set_badge_id(award.badge_id);
  out->set_level_code(award.level_code);
  out->set_level_number(award.level_number);
  out->set_threshold(award.threshold);
  out->set_badge_version(award.badge_version);
  ToTimestamp(at, out->mutable_awarded_at());
  out->set_order_ref(award.order_ref);
  out->set_bonus_points(award.bonus_points);
  out->set_bonus_point_type(award.bonus_point_type);
  out->set_benefit_code(award.benefit_code);
}

}  // namespace loyalty::wire
