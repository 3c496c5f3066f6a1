// AdminService's badge RPCs (docs/badges.md, "Definitions"): DefineBadge, GetBadge.
#include "libs/store/badges.h"

#include <algorithm>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/badge_config.h"
#include "libs/rpc/validate.h"
#include "libs/store/catalog.h"
#include "libs/wire/badges.h"
#include "libs/wire/time.h"
#include "services/command/admin/rpcs.h"
#include "services/command/admin/shared.h"

namespace loyalty::command {
namespace {

absl::Status ValidateCriterion(const v1::BadgeCriterion& criterion) {
  switch (criterion.kind_case()) {
    case v1::BadgeCriterion::kSpend:
      if (criterion.spend().measure() != v1::SPEND_MEASURE_AMOUNT &&
          criterion.spend().measure() != v1::SPEND_MEASURE_POINTS) {
        return InvalidField("badge.criterion.spend.measure", "must be AMOUNT or POINTS");
      }
      return rpc::ValidateRange("badge.criterion.spend.window_days",
                                criterion.spend().window_days(), 0, ledger::kMaxBadgeWindowDays);
    case v1::BadgeCriterion::kAdvocacy:
      return rpc::ValidateId("badge.criterion.advocacy.action_code",
                             criterion.advocacy().action_code());
    case v1::BadgeCriterion::kTenure:
      return absl::OkStatus();
    case v1::BadgeCriterion::KIND_NOT_SET:
      break;
  }
  return InvalidField("badge.criterion", "must be one of spend, tenure, advocacy");
}

absl::Status ValidateLevels(const v1::BadgeDefinition& badge) {
  if (badge.levels().empty() || badge.levels_size() > ledger::kMaxBadgeLevels) {
    return InvalidField("badge.levels",
                        absl::StrCat("must hold 1..", ledger::kMaxBadgeLevels, " levels"));
  }
  std::set<std::string> codes;
  int64_t previous = 0;
  for (int i = 0; i < badge.levels_size(); ++i) {
    const v1::BadgeLevel& level = badge.levels(i);
    const std::string field = absl::StrCat("badge.levels[", i, "]");
    LOYALTY_RETURN_IF_ERROR(rpc::ValidateId(field + ".code", level.code()));
    if (!codes.insert(level.code()).second) {
      return InvalidField(field + ".code", absl::StrCat("'", level.code(), "' is repeated"));
    }
    LOYALTY_RETURN_IF_ERROR(rpc::ValidateText(field + ".name", level.name(), false));
    if (level.threshold() <= previous) {
      return InvalidField(
          field + ".threshold",
          absl::StrCat("must be above ", previous, " (thresholds are > 0 and strictly ascending)"));
    }
    previous = level.threshold();
    if (badge.criterion().has_tenure() && level.threshold() > ledger::kMaxTenureMonths) {
      return InvalidField(field + ".threshold", absl::StrCat("is in months for tenure: at most ",
                                                             ledger::kMaxTenureMonths));
    }
    const v1::BadgeBenefit& benefit = level.benefit();
    LOYALTY_RETURN_IF_ERROR(rpc::ValidateRange(
        field + ".benefit.bonus_points", benefit.bonus_points(), 0, ledger::kMaxBadgeBonusPoints));
    LOYALTY_RETURN_IF_ERROR(
        rpc::ValidateOptionalId(field + ".benefit.bonus_point_type", benefit.bonus_point_type()));
    LOYALTY_RETURN_IF_ERROR(
        rpc::ValidateOptionalId(field + ".benefit.benefit_code", benefit.benefit_code()));
    if (benefit.claw_back_on_reversal() && !badge.criterion().has_spend()) {
      return InvalidField(field + ".benefit.claw_back_on_reversal", "applies to spend badges only");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateBadge(const v1::DefineBadgeRequest& request) {
  if (!request.has_badge()) return InvalidField("badge", "is required");
  const v1::BadgeDefinition& badge = request.badge();
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("badge.badge_id", badge.badge_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateText("badge.name", badge.name(), /*required=*/true));
  LOYALTY_RETURN_IF_ERROR(ValidateCriterion(badge.criterion()));
  LOYALTY_RETURN_IF_ERROR(ValidateLevels(badge));
  if (badge.has_active_from()) {
    LOYALTY_RETURN_IF_ERROR(rpc::ValidateTimestamp("badge.active_from", badge.active_from()));
  }
  if (badge.has_active_to()) {
    LOYALTY_RETURN_IF_ERROR(rpc::ValidateTimestamp("badge.active_to", badge.active_to()));
  }
  return rpc::ValidateRange("expected_version", request.expected_version(), 0,
                            std::numeric_limits<int32_t>::max());
}

const ledger::Badge* FindBadge(const ledger::ProgramConfig& program, const std::string& badge_id) {
  for (const ledger::Badge& badge : program.badges) {
    if (badge.badge_id == badge_id) return &badge;
  }
  return nullptr;
}

// The definition fits the program (its action and point types exist, room for one more badge)
// and, as a change, keeps the criterion and is of the version the caller expected.
absl::Status CheckAgainst(const ledger::ProgramConfig& program, const ledger::Badge& badge,
                          int32_t expected_version) {
  if (badge.criterion == ledger::BadgeCriterion::kAdvocacy &&
      program.FindAction(badge.action_code) == nullptr) {
    return InvalidField(
        "badge.criterion.advocacy.action_code",
        absl::StrCat("no action '", badge.action_code, "' in program '", program.program_id, "'"));
  }
  for (size_t i = 0; i < badge.levels.size(); ++i) {
    const std::string& type = badge.levels[i].bonus_point_type;
    if (!type.empty() && program.FindPointType(type) == nullptr) {
      return InvalidField(
          absl::StrCat("badge.levels[", i, "].benefit.bonus_point_type"),
          absl::StrCat("no point type '", type, "' in program '", program.program_id, "'"));
    }
  }
  if (badge.active_to.has_value() && *badge.active_to <= badge.active_from) {
    return InvalidField("badge.active_to", "must be after active_from");
  }
  const ledger::Badge* current = FindBadge(program, badge.badge_id);
  const int32_t version = current != nullptr ? current->version : 0;
  if (expected_version != 0 && expected_version != version) {
    return WithReason(absl::AbortedError(absl::StrCat("badge '", badge.badge_id, "' is at version ",
                                                      version, ", not ", expected_version,
                                                      "; read it again and redo the change")),
                      kBadgeChanged);
  }
  if (current == nullptr) {
    if (program.badges.size() >= static_cast<size_t>(ledger::kMaxBadgesPerProgram)) {
      return Refused(kBadgeLimitReached,
                     absl::StrCat("program '", program.program_id, "' has ",
                                  ledger::kMaxBadgesPerProgram, " badges already"));
    }
    return absl::OkStatus();
  }
  if (current->criterion != badge.criterion || current->window_days != badge.window_days ||
      current->action_code != badge.action_code) {
    return Refused(kBadgeCriterionChanged,
                   absl::StrCat("badge '", badge.badge_id,
                                "' measures something else; define a new badge instead"));
  }
  return absl::OkStatus();
}

absl::Status LoadBadgeInto(pg::Transaction& tx, const std::string& org_id,
                           const std::string& program_id, const std::string& badge_id,
                           v1::BadgeDefinition* response) {
  LOYALTY_ASSIGN_OR_RETURN(const ledger::ProgramConfig program,
                           store::LoadProgram(tx, org_id, program_id));
  const ledger::Badge* badge = FindBadge(program, badge_id);
  if (badge == nullptr) return NotFound("badge", badge_id);
  wire::ToBadgeDefinition(org_id, program.program_id, *badge, response);
  return absl::OkStatus();
}

}  // namespace

absl::Status DefineBadge(const store::Context& context, const v1::DefineBadgeRequest& request,
                         v1::BadgeDefinition* response) {
  LOYALTY_RETURN_IF_ERROR(ValidateProgramTarget(request));
  LOYALTY_RETURN_IF_ERROR(ValidateBadge(request));
  return store::RunCommand(
      context, "AdminService/DefineBadge", request.org_id(), request.idempotency_key(), request,
      response, [&](pg::Transaction& tx) -> absl::Status {
        LOYALTY_ASSIGN_OR_RETURN(std::string status,
                                 LockProgram(tx, request.org_id(), request.program_id()));
        LOYALTY_RETURN_IF_ERROR(RequireNotClosed(status, request.program_id()));
        const absl::Time now = context.clock->Now();
        LOYALTY_ASSIGN_OR_RETURN(const ledger::ProgramConfig program,
                                 store::LoadProgram(tx, request.org_id(), request.program_id()));
        const ledger::Badge badge = wire::BadgeOf(request.badge(), now);
        LOYALTY_RETURN_IF_ERROR(CheckAgainst(program, badge, request.expected_version()));
        LOYALTY_RETURN_IF_ERROR(
            store::WriteBadge(tx, request.org_id(), request.program_id(), badge, now).status());
        return LoadBadgeInto(tx, request.org_id(), request.program_id(), badge.badge_id, response);
      });
}

absl::Status GetBadge(const store::Context& context, const v1::GetBadgeRequest& request,
                      v1::BadgeDefinition* response) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("program_id", request.program_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("badge_id", request.badge_id()));
  return RunRead(context, [&](pg::Transaction& tx) {
    response->Clear();
    return LoadBadgeInto(tx, request.org_id(), request.program_id(), request.badge_id(), response);
  });
}

}  // namespace loyalty::command
