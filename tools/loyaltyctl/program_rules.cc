#include "tools/loyaltyctl/program_rules.h"

#include "libs/base/status_macros.h"
#include "tools/loyaltyctl/enum_flags.h"

namespace loyalty::ctl {
namespace {

constexpr const char* kRuleFlags[] = {
    "earn_points", "earn_per_minor", "ratio_points",    "ratio_value_minor",
    "minimum",     "maximum",        "multiple_of",     "overdraft",
    "overdraft_limit", "hold_days",  "period",          "period_months"};

}  // namespace

bool HasRuleFlags(const Flags& flags) {
  for (const char* name : kRuleFlags) {
    if (flags.Has(name)) return true;
  }
  return false;
}

absl::Status ApplyRuleFlags(const Flags& flags, v1::ProgramRules& rules) {
  if (flags.Has("earn_points")) rules.mutable_earn_rate()->set_points(flags.Int64("earn_points"));
  if (flags.Has("earn_per_minor")) {
    rules.mutable_earn_rate()->set_per_amount_minor(flags.Int64("earn_per_minor"));
  }
  if (flags.Has("ratio_points")) {
    rules.mutable_redemption_ratio()->set_points(flags.Int64("ratio_points"));
  }
  if (flags.Has("ratio_value_minor")) {
    rules.mutable_redemption_ratio()->set_value_minor(flags.Int64("ratio_value_minor"));
  }
  if (flags.Has("minimum")) rules.mutable_redemption()->set_minimum(flags.Int64("minimum"));
  if (flags.Has("maximum")) rules.mutable_redemption()->set_maximum(flags.Int64("maximum"));
  if (flags.Has("multiple_of")) {
    rules.mutable_redemption()->set_multiple_of(flags.Int64("multiple_of"));
  }
  if (flags.Has("overdraft")) rules.mutable_overdraft()->set_allowed(flags.Bool("overdraft"));
  if (flags.Has("overdraft_limit")) {
    rules.mutable_overdraft()->set_limit(flags.Int64("overdraft_limit"));
  }
  if (flags.Has("hold_days")) rules.set_hold_days(flags.Int32("hold_days"));
  if (flags.Has("period")) {
    LOYALTY_ASSIGN_OR_RETURN(const v1::QualificationPeriodKind kind,
                     ParseEnumFlag(
                         "period", flags.String("period"), "QUALIFICATION_PERIOD_KIND_",
                         &v1::QualificationPeriodKind_Parse, "calendar-year, rolling-months"));
    rules.mutable_qualification_period()->set_kind(kind);
  }
  if (flags.Has("period_months")) {
    rules.mutable_qualification_period()->set_months(flags.Int32("period_months"));
  }
  return absl::OkStatus();
}

v1::ProgramRules DefaultRules() {
  v1::ProgramRules rules;
  rules.mutable_earn_rate()->set_points(1);
  rules.mutable_earn_rate()->set_per_amount_minor(100);
  rules.mutable_redemption_ratio()->set_points(1);
  rules.mutable_redemption_ratio()->set_value_minor(1);
  rules.mutable_qualification_period()->set_kind(v1::QUALIFICATION_PERIOD_KIND_CALENDAR_YEAR);
  return rules;
}

}  // namespace loyalty::ctl
