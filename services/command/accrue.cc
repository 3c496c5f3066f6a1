#include "services/command/accrue.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/dates.h"
#include "libs/ledger/earn.h"
#include "libs/ledger/limits.h"
#include "libs/ledger/member.h"
#include "libs/ledger/program.h"
#include "libs/ledger/tiers.h"
#include "libs/store/catalog.h"
#include "libs/store/idempotency.h"
#include "libs/store/member_repository.h"
#include "libs/store/operation.h"
#include "libs/wire/balances.h"
#include "libs/wire/time.h"
#include "services/command/burn.h"
#include "services/command/household.h"
#include "services/command/request_checks.h"

namespace loyalty::command {
namespace {

// Records the purchase unless the order already burned points (column 1) or already earned
// (column 2 false), in one round trip.
// Whether the member's order already burned points, and already earned them in the program.
// Read under the member lock, which every write of either takes, so it stays true to the commit.
constexpr pg::Statement kSelectOrderUse{
    "accrue_select_order_use",
    "SELECT EXISTS (SELECT 1 FROM redemptions WHERE org_id = $1 AND member_id = $2"
    "   AND order_ref = $4 AND cancelled_at IS NULL),"
    " EXISTS (SELECT 1 FROM purchases WHERE org_id = $1 AND member_id = $2 AND program_id = $3"
    "   AND order_ref = $4)"};

constexpr pg::Statement kInsertPurchase{
    "accrue_insert_purchase",
    "INSERT INTO purchases (org_id, member_id, program_id, order_ref, point_type, amount_minor,"
    " currency, points, operation_id, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"};

// Times the member earned the action before (read under the member lock, as above).
constexpr pg::Statement kSelectActionCount{
    "accrue_select_action_count",
    "SELECT coalesce((SELECT times FROM action_counts WHERE org_id = $1 AND member_id = $2"
    " AND program_id = $3 AND action_code = $4), 0)"};

constexpr pg::Statement kCountAction{
    "accrue_count_action",
    "INSERT INTO action_counts AS c (org_id, member_id, program_id, action_code, times)"
    " VALUES ($1, $2, $3, $4, 1) ON CONFLICT (org_id, member_id, program_id, action_code)"
    " DO UPDATE SET times = c.times + 1"};

// The parameters of kSelectOrderUse (`subject`: the order) and kSelectActionCount (the action).
pg::Params AwardCheckParams(const std::string& org_id, const std::string& member_id,
                            const std::string& program_id, const std::string& subject) {
  return pg::Params().Add(org_id).Add(member_id).Add(program_id).Add(subject);
}

// The award check the request will make, if any: its statement and parameters.
std::optional<std::pair<const pg::Statement*, pg::Params>> AwardCheckOf(
    const v1::AccrueRequest& request, const std::string& program_id) {
  if (request.has_purchase()) {
    return std::make_pair(&kSelectOrderUse,
                          AwardCheckParams(request.org_id(), request.member_id(), program_id,
                                           request.purchase().order_ref()));
  }
  if (request.has_action()) {
    return std::make_pair(&kSelectActionCount,
                          AwardCheckParams(request.org_id(), request.member_id(), program_id,
                                           request.action().action_code()));
  }
  return std::nullopt;
}

// What an accrual awards, before it is written.
struct Award {
  ledger::Points points = 0;  // signed for adjustments
  v1::LedgerEntryKind kind = v1::LEDGER_ENTRY_KIND_ACCRUAL;
  std::string order_ref;
  std::string description;
  std::string actor;
  int32_t hold_days = 0;  // the program's hold applies to purchases
};

absl::StatusOr<ledger::Points> PurchasePointsOf(
    pg::Transaction& tx, const store::Operation& operation, const ledger::ProgramConfig& program,
    const ledger::MemberState& member, const ledger::Enrolment& enrolment,
    const ledger::PointTypeConfig& type, const v1::Purchase& purchase) {
  if (purchase.amount().currency() != program.currency) {
    return InvalidField("purchase.amount.currency",
                        absl::StrCat("is ", purchase.amount().currency(), " but program '",
                                     program.program_id, "' uses ", program.currency));
  }
  const ledger::Tier* tier = program.FindTier(enrolment.tier);
  absl::StatusOr<ledger::Points> points = ledger::PurchasePoints(
      purchase.amount().minor_units(), program.earn_rate,
      tier != nullptr ? tier->multiplier_permille : ledger::kPermille);
  if (!points.ok()) return InvalidField("purchase.amount.minor_units", points.status().message());
  if (*points > ledger::kMaxCommandPoints) {
    return Refused(ledger::kPointsLimitExceeded,
                   absl::StrCat("the purchase would earn ", *points, " points, more than the ",
                                ledger::kMaxCommandPoints, " one command may award"));
  }
  LOYALTY_ASSIGN_OR_RETURN(pg::Result used,
                   tx.Execute(kSelectOrderUse, AwardCheckParams(program.org_id, member.member_id,
                                                                program.program_id,
                                                                purchase.order_ref())));
  if (used.Bool(0, 0)) {
    return Refused(ledger::kEarnAndBurnSameOrder,
                   absl::StrCat("order '", purchase.order_ref(), "' already burned points"));
  }
  if (used.Bool(0, 1)) {
    return Refused(ledger::kDuplicateOrder,
                   absl::StrCat("order '", purchase.order_ref(), "' already earned points"));
  }
  pg::Params row;
  row.Add(program.org_id).Add(member.member_id).Add(program.program_id).Add(purchase.order_ref())
      .Add(type.code).Add(purchase.amount().minor_units()).Add(program.currency).Add(*points)
      .Add(operation.id()).Add(operation.now());
  tx.Defer(kInsertPurchase, std::move(row));
  return *points;
}

absl::StatusOr<ledger::Points> ActionPointsOf(pg::Transaction& tx,
                                              const ledger::ProgramConfig& program,
                                              const ledger::MemberState& member,
                                              const v1::ActionAward& action) {
  const ledger::ActionConfig* config = program.FindAction(action.action_code());
  if (config == nullptr) {
    return InvalidField("action.action_code",
                        absl::StrCat("no action '", action.action_code(), "' in program '",
                                     program.program_id, "'"));
  }
  pg::Params params =
      AwardCheckParams(program.org_id, member.member_id, program.program_id, config->code);
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx.Execute(kSelectActionCount, params));
  if (config->per_member_limit > 0 && row.Int32(0, 0) >= config->per_member_limit) {
    return Refused(ledger::kActionLimitReached,
                   absl::StrCat("action '", config->code, "' may be earned ",
                                config->per_member_limit, " time(s) per member"));
  }
  tx.Defer(kCountAction, std::move(params));
  return config->points;
}

absl::StatusOr<Award> AwardOf(pg::Transaction& tx, const store::Operation& operation,
                              const ledger::ProgramConfig& program,
                              const ledger::MemberState& member, const ledger::Enrolment& enrolment,
                              const ledger::PointTypeConfig& type,
                              const v1::AccrueRequest& request) {
  Award award;
  switch (request.kind_case()) {
    case v1::AccrueRequest::kPurchase: {
      LOYALTY_ASSIGN_OR_RETURN(award.points, PurchasePointsOf(tx, operation, program, member,
                                                              enrolment, type, request.purchase()));
      award.order_ref = request.purchase().order_ref();
      award.hold_days = program.hold_days;
      break;
    }
    case v1::AccrueRequest::kAction: {
      LOYALTY_ASSIGN_OR_RETURN(award.points, ActionPointsOf(tx, program, member, request.action()));
      award.description = absl::StrCat(request.action().action_code(),
                                       request.action().reference().empty() ? "" : " ",
                                       request.action().reference());
      break;
    }
    case v1::AccrueRequest::kExplicitPoints:
      award.points = request.explicit_points().points();
      award.description = request.explicit_points().description();
      break;
    default:
      award.points = request.adjustment().points();
      award.kind = v1::LEDGER_ENTRY_KIND_ADJUSTMENT;
      award.description = request.adjustment().reason();
      award.actor = request.adjustment().actor();
      break;
  }
  return award;
}

// Positive award: repays debt first (redeemable types), the rest goes into a new lot.
absl::Status WriteAward(store::Operation& operation, const ledger::ProgramConfig& program,
                        const ledger::PointTypeConfig& type, const std::string& subtype,
                        const ledger::MemberState& member, const ledger::Enrolment& enrolment,
                        const Award& award, const v1::AccrueRequest& request,
                        v1::AccrueResponse* response) {
  const absl::Time now = operation.now();
  const absl::Time occurred =
      request.has_occurred_at() ? wire::FromTimestamp(request.occurred_at()) : now;
  std::optional<absl::Time> requested_available;
  if (request.has_available_at()) requested_available = wire::FromTimestamp(request.available_at());
  const absl::Time available_at =
      type.redeemable ? ledger::AvailableAt(occurred, award.hold_days, now, requested_available)
                      : now;
  std::optional<absl::Time> requested_expiry;
  if (request.has_expires_at()) requested_expiry = wire::FromTimestamp(request.expires_at());
  LOYALTY_ASSIGN_OR_RETURN(std::optional<absl::Time> expires_at,
                   ledger::ExpiresAt(type.expiry, available_at, requested_expiry));

  const ledger::Repayment repayment = type.redeemable
                                          ? ledger::RepayDebt(enrolment.debt, award.points)
                                          : ledger::Repayment{0, award.points};
  if (repayment.repaid > 0) {
    LOYALTY_RETURN_IF_ERROR(operation.AddEntry({member.member_id, program.program_id, type.code,
                                        v1::LEDGER_ENTRY_KIND_OVERDRAFT_REPAYMENT,
                                        repayment.repaid, award.order_ref, award.description,
                                        award.actor}));
  }
  if (repayment.credited > 0) {
    LOYALTY_ASSIGN_OR_RETURN(ledger::Lot lot,
                     operation.CreateLot({member.member_id, program.program_id, type.code,
                                          subtype, type.redeemable, repayment.credited,
                                          available_at, expires_at, award.order_ref,
                                          std::nullopt}));
    LOYALTY_RETURN_IF_ERROR(operation.AddEntry({member.member_id, program.program_id, type.code,
                                        award.kind, repayment.credited, award.order_ref,
                                        award.description, award.actor}));
    v1::AwardedLot* out = response->add_lots();
    out->set_lot_id(lot.lot_id);
    out->set_program_id(lot.program_id);
    out->set_point_type(lot.point_type);
    out->set_subtype(lot.subtype);
    out->set_points(lot.amount);
    wire::ToTimestamp(lot.available_at, out->mutable_available_at());
    wire::ToOptionalTimestamp(lot.expires_at, [&] { return out->mutable_expires_at(); });
  }
  const ledger::Points qualifying = type.counts_toward_tier ? award.points : 0;
  LOYALTY_RETURN_IF_ERROR(operation.AddTotals(member.member_id, program.program_id, type.code,
                                      award.points, qualifying));
  std::optional<std::string> tier;
  if (qualifying > 0) tier = ledger::TierMove(program, member, enrolment, qualifying);
  response->set_debt_repaid(repayment.repaid);
  return operation.ChangeEnrolment(member.member_id, program.program_id, -repayment.repaid, tier);
}

// Negative adjustment: takes points from the type's spendable lots; what they lack becomes debt.
absl::Status WriteRemoval(store::Operation& operation, const ledger::ProgramConfig& program,
                          const ledger::PointTypeConfig& type, const ledger::MemberState& member,
                          const Award& award) {
  const ledger::Points points = -award.points;
  std::vector<ledger::Lot> lots;
  for (const ledger::Lot& lot : member.lots) {
    if (lot.program_id == program.program_id && lot.point_type == type.code) lots.push_back(lot);
  }
  const ledger::ConsumptionPlan plan = ledger::PlanConsumption(lots, points, operation.now());
  for (const ledger::LotTake& take : plan.takes) {
    LOYALTY_RETURN_IF_ERROR(operation.ConsumeLot(member.member_id, take.lot_id, take.points));
  }
  LOYALTY_RETURN_IF_ERROR(operation.AddEntry({member.member_id, program.program_id, type.code,
                                      award.kind, award.points, "", award.description,
                                      award.actor}));
  LOYALTY_RETURN_IF_ERROR(operation.AddTotals(member.member_id, program.program_id, type.code,
                                      award.points, 0));
  return operation.ChangeEnrolment(member.member_id, program.program_id, plan.shortfall,
                                   std::nullopt);
}

// An accrual spends lots only when it is a negative adjustment; otherwise the member's lots
// matter only for the balances it answers with, and their summaries do.
std::optional<absl::Time> LotsSummarisedAt(const v1::AccrueRequest& request, absl::Time now) {
  if (request.has_adjustment() && request.adjustment().points() < 0) return std::nullopt;
  return now;
}

// Declares what AccrueInTransaction reads, in its order, for the first round trip.
void PrefetchAccrue(const store::Context& context, pg::Transaction& tx,
                    const v1::AccrueRequest& request, absl::Time now,
                    const store::MemberRead& read) {
  const std::string& org_id = request.org_id();
  const std::optional<std::string> program_id =
      store::PrefetchConfig(tx, org_id, request.program_id(), context.config_cache);
  if (!program_id.has_value()) return;
  PrefetchLockMemberAndHousehold(tx, org_id, request.member_id(), now);
  store::PrefetchMember(tx, org_id, request.member_id(), read);
  store::Operation::Prefetch(tx);
  if (auto check = AwardCheckOf(request, *program_id)) {
    tx.Prefetch(*check->first, std::move(check->second));
  }
}

absl::Status AccrueInTransaction(const store::Context& context, pg::Transaction& tx,
                                 const v1::AccrueRequest& request, absl::Time now,
                                 store::MemberCommandCache& cached, const store::MemberRead& read,
                                 v1::AccrueResponse* response) {
  const std::string& org_id = request.org_id();
  LOYALTY_ASSIGN_OR_RETURN(
      ledger::ProgramConfig program,
      store::LoadProgram(tx, org_id, request.program_id(), context.config_cache));
  LOYALTY_RETURN_IF_ERROR(ledger::RequireActive(program));
  LOYALTY_ASSIGN_OR_RETURN(std::optional<HouseholdRollup> household,
                   LockMemberAndHousehold(tx, org_id, request.member_id(), &now));
  LOYALTY_ASSIGN_OR_RETURN(ledger::MemberState member,
                           store::LoadMember(tx, org_id, request.member_id(), read));
  LOYALTY_RETURN_IF_ERROR(ledger::RequireActiveMember(member));
  LOYALTY_ASSIGN_OR_RETURN(const ledger::Enrolment* enrolment,
                           ledger::RequireEnrolment(member, program.program_id));

  const std::string type_code =
      request.point_type().empty() ? program.default_point_type : request.point_type();
  const ledger::PointTypeConfig* type = program.FindPointType(type_code);
  if (type == nullptr) {
    return InvalidField("point_type", absl::StrCat("no point type '", type_code,
                                                   "' in program '", program.program_id, "'"));
  }
  const std::string subtype =
      request.subtype().empty() ? program.default_subtype : request.subtype();
  if (!program.HasSubtype(subtype)) {
    return InvalidField("subtype", absl::StrCat("no subtype '", subtype, "' in program '",
                                                program.program_id, "'"));
  }
  LOYALTY_ASSIGN_OR_RETURN(store::Operation operation,
                           store::Operation::Begin(tx, org_id, "Accrue", context.caller, now));
  operation.Track(member);
  LOYALTY_ASSIGN_OR_RETURN(Award award,
                   AwardOf(tx, operation, program, member, *enrolment, *type, request));
  if (award.points > 0) {
    LOYALTY_RETURN_IF_ERROR(WriteAward(operation, program, *type, subtype, member, *enrolment,
                                       award, request, response));
    if (household.has_value() && type->counts_toward_tier) {
      LOYALTY_RETURN_IF_ERROR(
          RollUpQualifying(tx, operation, program, *household, type->code, award.points,
                           award.order_ref));
    }
  } else if (award.points < 0) {
    LOYALTY_RETURN_IF_ERROR(WriteRemoval(operation, program, *type, member, award));
  }
  LOYALTY_ASSIGN_OR_RETURN(int64_t position, operation.Commit());
  cached.Leave(operation);
  response->set_ledger_position(position);
  response->set_accrual_id(operation.id());
  response->set_points(award.points);
  LOYALTY_RETURN_IF_ERROR(
      store::FillBalancesAfter(tx, org_id, *operation.StateAfter(member.member_id), operation.now(),
                               context.config_cache, response->mutable_balances()));
  response->set_tier(wire::TierIn(response->balances(), program.program_id));
  return absl::OkStatus();
}

}  // namespace

absl::Status Accrue(const store::Context& context, const v1::AccrueRequest& request,
                    v1::AccrueResponse* response) {
  LOYALTY_RETURN_IF_ERROR(CheckRequest(request));
  store::MemberCommandCache cached(context.member_cache, request.org_id(), request.member_id());
  absl::Time now;  // one per attempt, for the prefetched statements and the body alike
  const store::MemberRead* read = nullptr;
  return store::RunMemberCommand(
      context, cached, "Accrue", request.idempotency_key(), request, response,
      [&](pg::Transaction& tx) {
        now = context.clock->Now();
        read = &cached.Attempt(LotsSummarisedAt(request, now));
        PrefetchAccrue(context, tx, request, now, *read);
      },
      [&](pg::Transaction& tx) {
        return AccrueInTransaction(context, tx, request, now, cached, *read, response);
      });
}

}  // namespace loyalty::command
