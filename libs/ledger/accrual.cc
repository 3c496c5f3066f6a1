#include "libs/ledger/accrual.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/dates.h"
#include "libs/ledger/limits.h"

namespace loyalty::ledger {
namespace {

absl::StatusOr<Points> PurchasePointsOf(const ProgramConfig& program, const Enrolment& enrolment,
                                        const AccrualCommand& command, const AccrualFacts& facts) {
  if (command.currency != program.currency) {
    return InvalidField("purchase.amount.currency",
                        absl::StrCat("is ", command.currency, " but program '", program.program_id,
                                     "' uses ", program.currency));
  }
  const Tier* tier = program.FindTier(enrolment.tier);
  absl::StatusOr<Points> points =
      PurchasePoints(command.amount_minor, program.earn_rate,
                     tier != nullptr ? tier->multiplier_permille : kPermille);
  if (!points.ok()) return InvalidField("purchase.amount.minor_units", points.status().message());
  if (*points > kMaxCommandPoints) {
    return Refused(kPointsLimitExceeded,
                   absl::StrCat("the purchase would earn ", *points, " points, more than the ",
                                kMaxCommandPoints, " one command may award"));
  }
  if (facts.order_burned) {
    return Refused(kEarnAndBurnSameOrder,
                   absl::StrCat("order '", command.order_ref, "' already burned points"));
  }
  if (facts.order_earned) {
    return Refused(kDuplicateOrder,
                   absl::StrCat("order '", command.order_ref, "' already earned points"));
  }
  return *points;
}

absl::StatusOr<Points> ActionPointsOf(const ProgramConfig& program, const AccrualCommand& command,
                                      const AccrualFacts& facts) {
  const ActionConfig* action = program.FindAction(command.action_code);
  if (action == nullptr) {
    return InvalidField("action.action_code",
                        absl::StrCat("no action '", command.action_code, "' in program '",
                                     program.program_id, "'"));
  }
  if (action->per_member_limit > 0 && facts.action_times >= action->per_member_limit) {
    return Refused(kActionLimitReached,
                   absl::StrCat("action '", action->code, "' may be earned ",
                                action->per_member_limit, " time(s) per member"));
  }
  return action->points;
}

// The points, kind and texts of the award.
absl::Status DecideAward(const ProgramConfig& program, const Enrolment& enrolment,
                         const AccrualCommand& command, const AccrualFacts& facts,
                         Accrual* accrual) {
  switch (command.kind) {
    case AccrualCommand::Kind::kPurchase: {
      LOYALTY_ASSIGN_OR_RETURN(accrual->points,
                               PurchasePointsOf(program, enrolment, command, facts));
      accrual->order_ref = command.order_ref;
      return absl::OkStatus();
    }
    case AccrualCommand::Kind::kAction: {
      LOYALTY_ASSIGN_OR_RETURN(accrual->points, ActionPointsOf(program, command, facts));
      accrual->description =
          absl::StrCat(command.action_code, command.action_reference.empty() ? "" : " ",
                       command.action_reference);
      return absl::OkStatus();
    }
    case AccrualCommand::Kind::kExplicitPoints:
      accrual->points = command.points;
      accrual->description = command.description;
      return absl::OkStatus();
    case AccrualCommand::Kind::kAdjustment:
      accrual->points = command.points;
      accrual->adjustment = true;
      accrual->description = command.description;
      accrual->actor = command.actor;
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

// A positive award: availability and expiry of its lot, debt repaid first (redeemable types),
// qualifying points and the tier they move the member to.
absl::Status DecideCredit(const ProgramConfig& program, const MemberState& member,
                          const Enrolment& enrolment, const AccrualCommand& command, absl::Time now,
                          Accrual* accrual) {
  const PointTypeConfig& type = accrual->type;
  // The program's hold (its return window) applies to purchases.
  const int32_t hold_days = command.kind == AccrualCommand::Kind::kPurchase ? program.hold_days : 0;
  accrual->available_at = type.redeemable ? AvailableAt(command.occurred_at.value_or(now),
                                                        hold_days, now, command.available_at)
                                          : now;
  LOYALTY_ASSIGN_OR_RETURN(accrual->expires_at,
                           ExpiresAt(type.expiry, accrual->available_at, command.expires_at));
  accrual->repayment =
      type.redeemable ? RepayDebt(enrolment.debt, accrual->points) : Repayment{0, accrual->points};
  accrual->qualifying = type.counts_toward_tier ? accrual->points : 0;
  if (accrual->qualifying > 0) {
    accrual->tier = TierMove(program, member, enrolment, accrual->qualifying);
  }
  return absl::OkStatus();
}

EntryKind KindOf(const Accrual& accrual) {
  return accrual.adjustment ? EntryKind::kAdjustment : EntryKind::kAccrual;
}

void AddOrigin(const ProgramConfig& program, const std::string& member_id,
               const AccrualCommand& command, Accrual* accrual) {
  if (command.kind == AccrualCommand::Kind::kPurchase) {
    accrual->changes.Add(PurchaseRecorded{member_id, program.program_id, accrual->order_ref,
                                          accrual->type.code, command.amount_minor,
                                          program.currency, accrual->points});
  } else if (command.kind == AccrualCommand::Kind::kAction) {
    accrual->changes.Add(ActionCounted{member_id, program.program_id, command.action_code});
  }
}

void AddCredit(const ProgramConfig& program, const std::string& member_id, Accrual* accrual) {
  const std::string& type = accrual->type.code;
  const Repayment& repayment = accrual->repayment;
  ChangeSet& changes = accrual->changes;
  if (repayment.repaid > 0) {
    changes.Add(EntryChange{member_id, program.program_id, type, EntryKind::kOverdraftRepayment,
                            repayment.repaid, accrual->order_ref, accrual->description,
                            accrual->actor});
  }
  if (repayment.credited > 0) {
    changes.Add(LotCreation{member_id, program.program_id, type, accrual->subtype,
                            accrual->type.redeemable, repayment.credited, accrual->available_at,
                            accrual->expires_at, accrual->order_ref, std::nullopt});
    changes.Add(EntryChange{member_id, program.program_id, type, KindOf(*accrual),
                            repayment.credited, accrual->order_ref, accrual->description,
                            accrual->actor});
  }
  changes.Add(TotalsChange{member_id, program.program_id, type, accrual->points,
                           accrual->qualifying});
  changes.Add(EnrolmentChange{member_id, program.program_id, -repayment.repaid, accrual->tier});
}

void AddRemoval(const ProgramConfig& program, const std::string& member_id, Accrual* accrual) {
  ChangeSet& changes = accrual->changes;
  for (const LotTake& take : accrual->removal.takes) {
    changes.Add(LotChange{LotChange::Kind::kConsume, member_id, take.lot_id, take.points});
  }
  changes.Add(EntryChange{member_id, program.program_id, accrual->type.code, KindOf(*accrual),
                          accrual->points, "", accrual->description, accrual->actor});
  changes.Add(TotalsChange{member_id, program.program_id, accrual->type.code, accrual->points, 0});
  changes.Add(EnrolmentChange{member_id, program.program_id, accrual->removal.shortfall,
                              std::nullopt});
}

}  // namespace

absl::StatusOr<Accrual> DecideAccrual(const ProgramConfig& program, const MemberState& member,
                                      const AccrualCommand& command, const AccrualFacts& facts,
                                      absl::Time now) {
  LOYALTY_RETURN_IF_ERROR(RequireActiveMember(member));
  LOYALTY_ASSIGN_OR_RETURN(const Enrolment* enrolment,
                           RequireEnrolment(member, program.program_id));
  const std::string type_code =
      command.point_type.empty() ? program.default_point_type : command.point_type;
  const PointTypeConfig* type = program.FindPointType(type_code);
  if (type == nullptr) {
    return InvalidField("point_type", absl::StrCat("no point type '", type_code, "' in program '",
                                                   program.program_id, "'"));
  }
  Accrual accrual;
  accrual.type = *type;
  accrual.subtype = command.subtype.empty() ? program.default_subtype : command.subtype;
  if (!program.HasSubtype(accrual.subtype)) {
    return InvalidField("subtype", absl::StrCat("no subtype '", accrual.subtype, "' in program '",
                                                program.program_id, "'"));
  }
  LOYALTY_RETURN_IF_ERROR(DecideAward(program, *enrolment, command, facts, &accrual));
  AddOrigin(program, member.member_id, command, &accrual);
  if (accrual.points > 0) {
    LOYALTY_RETURN_IF_ERROR(DecideCredit(program, member, *enrolment, command, now, &accrual));
    AddCredit(program, member.member_id, &accrual);
  } else if (accrual.points < 0) {
    std::vector<Lot> lots;
    for (const Lot& lot : member.lots) {
      if (lot.program_id == program.program_id && lot.point_type == type->code) {
        lots.push_back(lot);
      }
    }
    accrual.removal = PlanConsumption(lots, -accrual.points, now);
    AddRemoval(program, member.member_id, &accrual);
  }
  return accrual;
}

}  // namespace loyalty::ledger
