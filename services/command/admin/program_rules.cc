#include "services/command/admin/program_rules.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/limits.h"
#include "libs/ledger/program.h"
#include "libs/rpc/validate.h"

namespace loyalty::command {
namespace {

using ledger::kMaxAmountMinor;
using ledger::kMaxBalancePoints;
using ledger::kMaxCommandPoints;
using rpc::ValidateRange;

v1::ProgramStatus ProgramStatusOf(const std::string& status) {
  if (status == kDraft) return v1::PROGRAM_STATUS_DRAFT;
  if (status == kActive) return v1::PROGRAM_STATUS_ACTIVE;
  if (status == kClosed) return v1::PROGRAM_STATUS_CLOSED;
  return v1::PROGRAM_STATUS_UNSPECIFIED;
}

v1::ExpiryKind ExpiryKindOf(ledger::ExpiryKind kind) {
  switch (kind) {
    case ledger::ExpiryKind::kFixedDays:
      return v1::EXPIRY_KIND_FIXED_DAYS;
    case ledger::ExpiryKind::kInactivityDays:
      return v1::EXPIRY_KIND_INACTIVITY_DAYS;
    case ledger::ExpiryKind::kNever:
      break;
  }
  return v1::EXPIRY_KIND_NEVER;
}

}  // namespace

// Checks the rules and copies them into `program`. Points and money are bounded so that no
// configured value can make the arithmetic of a later command overflow (libs/ledger/limits.h):
// an earn rate or a ratio of at most kMaxCommandPoints points per kMaxAmountMinor, redemption
// rules within one command's points, an overdraft limit and tier thresholds within a balance.
absl::Status ValidateRules(const v1::ProgramRules& rules, ledger::ProgramConfig* program) {
  const v1::EarnRate& earn = rules.earn_rate();
  LOYALTY_RETURN_IF_ERROR(
      ValidateRange("rules.earn_rate.points", earn.points(), 0, kMaxCommandPoints));
  LOYALTY_RETURN_IF_ERROR(ValidateRange("rules.earn_rate.per_amount_minor", earn.per_amount_minor(),
                                        1, kMaxAmountMinor));
  const v1::RedemptionRatio& ratio = rules.redemption_ratio();
  LOYALTY_RETURN_IF_ERROR(
      ValidateRange("rules.redemption_ratio.points", ratio.points(), 1, kMaxCommandPoints));
  LOYALTY_RETURN_IF_ERROR(
      ValidateRange("rules.redemption_ratio.value_minor", ratio.value_minor(), 0, kMaxAmountMinor));
  const v1::RedemptionRules& redemption = rules.redemption();
  LOYALTY_RETURN_IF_ERROR(
      ValidateRange("rules.redemption.minimum", redemption.minimum(), 0, kMaxCommandPoints));
  LOYALTY_RETURN_IF_ERROR(
      ValidateRange("rules.redemption.maximum", redemption.maximum(), 0, kMaxCommandPoints));
  LOYALTY_RETURN_IF_ERROR(ValidateRange("rules.redemption.multiple_of", redemption.multiple_of(), 0,
                                        kMaxCommandPoints));
  if (redemption.maximum() > 0 && redemption.maximum() < redemption.minimum()) {
    return InvalidField("rules.redemption.maximum", "must not be below rules.redemption.minimum");
  }
  LOYALTY_RETURN_IF_ERROR(
      ValidateRange("rules.overdraft.limit", rules.overdraft().limit(), 0, kMaxBalancePoints));
  LOYALTY_RETURN_IF_ERROR(ValidateRange("rules.hold_days", rules.hold_days(), 0, 3650));
  const v1::QualificationPeriod& period = rules.qualification_period();
  switch (period.kind()) {
    case v1::QUALIFICATION_PERIOD_KIND_UNSPECIFIED:
    case v1::QUALIFICATION_PERIOD_KIND_CALENDAR_YEAR:
      program->period_kind = "calendar_year";
      program->period_months = 12;
      break;
    case v1::QUALIFICATION_PERIOD_KIND_ROLLING_MONTHS:
      LOYALTY_RETURN_IF_ERROR(
          ValidateRange("rules.qualification_period.months", period.months(), 1, 120));
      program->period_kind = "rolling_months";
      program->period_months = period.months();
      break;
    default:
      return InvalidField("rules.qualification_period.kind", "is not a known kind");
  }
  program->earn_rate = {earn.points(), earn.per_amount_minor()};
  program->ratio = {ratio.points(), ratio.value_minor()};
  program->rules = {redemption.minimum(), redemption.maximum(), redemption.multiple_of()};
  program->overdraft_allowed = rules.overdraft().allowed();
  program->overdraft_limit = rules.overdraft().limit();
  program->hold_days = rules.hold_days();
  return absl::OkStatus();
}

absl::StatusOr<ledger::PointTypeConfig> ValidatePointType(const v1::PointType& type) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("point_type.code", type.code()));
  if (!type.redeemable() && !type.counts_toward_tier()) {
    return InvalidField("point_type.redeemable",
                        "a point type must be redeemable, count toward the tier, or both");
  }
  ledger::PointTypeConfig config{type.code(), type.redeemable(), type.counts_toward_tier(), {}};
  switch (type.expiry()) {
    case v1::EXPIRY_KIND_UNSPECIFIED:
    case v1::EXPIRY_KIND_NEVER:
      if (type.expiry_days() != 0) {
        return InvalidField("point_type.expiry_days", "must be 0 when points never expire");
      }
      return config;
    case v1::EXPIRY_KIND_FIXED_DAYS:
      config.expiry.kind = ledger::ExpiryKind::kFixedDays;
      break;
    case v1::EXPIRY_KIND_INACTIVITY_DAYS:
      config.expiry.kind = ledger::ExpiryKind::kInactivityDays;
      break;
    default:
      return InvalidField("point_type.expiry", "is not a known expiry kind");
  }
  LOYALTY_RETURN_IF_ERROR(ValidateRange("point_type.expiry_days", type.expiry_days(), 1, 36500));
  config.expiry.days = type.expiry_days();
  return config;
}

absl::Status ValidateTier(const v1::Tier& tier) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("tier.code", tier.code()));
  LOYALTY_RETURN_IF_ERROR(ValidateRange("tier.threshold", tier.threshold(), 0, kMaxBalancePoints));
  return ValidateRange("tier.multiplier_permille", tier.multiplier_permille(), 0, 100000);
}

absl::Status ValidateAction(const v1::Action& action) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("action.code", action.code()));
  LOYALTY_RETURN_IF_ERROR(ValidateRange("action.points", action.points(), 1, kMaxCommandPoints));
  return ValidateRange("action.per_member_limit", action.per_member_limit(), 0, INT32_MAX);
}

void ToProto(const ledger::ProgramConfig& program, v1::Program* out) {
  out->set_org_id(program.org_id);
  out->set_program_id(program.program_id);
  out->set_name(program.name);
  out->set_currency(program.currency);
  out->set_status(ProgramStatusOf(program.status));
  v1::ProgramRules* rules = out->mutable_rules();
  rules->mutable_earn_rate()->set_points(program.earn_rate.points);
  rules->mutable_earn_rate()->set_per_amount_minor(program.earn_rate.per_amount_minor);
  rules->mutable_redemption_ratio()->set_points(program.ratio.points);
  rules->mutable_redemption_ratio()->set_value_minor(program.ratio.value_minor);
  rules->mutable_redemption()->set_minimum(program.rules.minimum);
  rules->mutable_redemption()->set_maximum(program.rules.maximum);
  rules->mutable_redemption()->set_multiple_of(program.rules.multiple_of);
  rules->mutable_overdraft()->set_allowed(program.overdraft_allowed);
  rules->mutable_overdraft()->set_limit(program.overdraft_limit);
  rules->set_hold_days(program.hold_days);
  if (program.period_kind == "rolling_months") {
    rules->mutable_qualification_period()->set_kind(v1::QUALIFICATION_PERIOD_KIND_ROLLING_MONTHS);
    rules->mutable_qualification_period()->set_months(program.period_months);
  } else {
    rules->mutable_qualification_period()->set_kind(v1::QUALIFICATION_PERIOD_KIND_CALENDAR_YEAR);
  }
  out->set_rules_etag(RulesEtag(program));
  out->set_default_point_type(program.default_point_type);
  out->set_default_subtype(program.default_subtype);
  out->set_is_default(program.is_default);
  for (const ledger::PointTypeConfig& type : program.point_types) {
    v1::PointType* proto = out->add_point_types();
    proto->set_code(type.code);
    proto->set_redeemable(type.redeemable);
    proto->set_counts_toward_tier(type.counts_toward_tier);
    proto->set_expiry(ExpiryKindOf(type.expiry.kind));
    proto->set_expiry_days(type.expiry.days);
  }
  for (const std::string& subtype : program.subtypes) out->add_subtypes(subtype);
  for (const ledger::Tier& tier : program.tiers) {
    v1::Tier* proto = out->add_tiers();
    proto->set_code(tier.code);
    proto->set_threshold(tier.threshold);
    proto->set_multiplier_permille(tier.multiplier_permille);
    proto->set_overdraft_allowed(tier.overdraft_allowed);
  }
  for (const ledger::ActionConfig& action : program.actions) {
    v1::Action* proto = out->add_actions();
    proto->set_code(action.code);
    proto->set_points(action.points);
    proto->set_per_member_limit(action.per_member_limit);
  }
}

std::string RulesEtag(const ledger::ProgramConfig& program) {
  const std::string rules = absl::StrCat(
      program.earn_rate.points, "/", program.earn_rate.per_amount_minor, ",", program.ratio.points,
      "/", program.ratio.value_minor, ",", program.rules.minimum, ",", program.rules.maximum, ",",
      program.rules.multiple_of, ",", program.overdraft_allowed, ",", program.overdraft_limit, ",",
      program.hold_days, ",", program.period_kind, ",", program.period_months);
  uint64_t hash = 14695981039346656037u;  // FNV-1a, 64 bits
  for (const char c : rules) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211u;
  }
  return absl::StrFormat("%016x", hash);
}

absl::Status ValidateEtag(const std::string& etag) {
  if (etag.empty()) return absl::OkStatus();
  const bool hex =
      etag.size() == 16 && etag.find_first_not_of("0123456789abcdef") == std::string::npos;
  return hex ? absl::OkStatus()
             : InvalidField("etag", "must be a Program.rules_etag: 16 hexadecimal digits");
}

absl::Status CheckRulesEtag(const std::string& etag, const ledger::ProgramConfig& current) {
  if (etag.empty() || etag == RulesEtag(current)) return absl::OkStatus();
  return WithReason(
      absl::AbortedError(absl::StrCat(
          "the rules of program '", current.program_id, "' changed since they were read (etag ",
          etag, ", now ", RulesEtag(current), "); read the program again and redo the change")),
      kRulesChanged);
}

}  // namespace loyalty::command
