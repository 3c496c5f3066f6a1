#include "services/command/accrue.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/accrual.h"
#include "libs/ledger/member.h"
#include "libs/ledger/program.h"
#include "libs/store/catalog.h"
#include "libs/store/idempotency.h"
#include "libs/store/member_repository.h"
#include "libs/store/operation.h"
#include "libs/wire/accrual.h"
#include "libs/wire/balances.h"
#include "libs/wire/time.h"
#include "services/command/burn.h"
#include "services/command/household.h"
#include "services/command/request_checks.h"

namespace loyalty::command {
namespace {

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

// What the award check of the request read: whether the order burned or earned points, or how
// often the member earned the action.
absl::StatusOr<ledger::AccrualFacts> LoadFacts(pg::Transaction& tx,
                                               const v1::AccrueRequest& request,
                                               const std::string& program_id) {
  ledger::AccrualFacts facts;
  const auto check = AwardCheckOf(request, program_id);
  if (!check.has_value()) return facts;
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx.Execute(*check->first, check->second));
  if (request.has_purchase()) {
    facts.order_burned = row.Bool(0, 0);
    facts.order_earned = row.Bool(0, 1);
  } else {
    facts.action_times = row.Int32(0, 0);
  }
  return facts;
}

// The rows of the award's origin: the purchase (its order may not earn again) or the action's
// count.
void WriteOrigin(pg::Transaction& tx, const store::Operation& operation,
                 const ledger::ProgramConfig& program, const std::string& member_id,
                 const ledger::Accrual& accrual, const v1::AccrueRequest& request) {
  if (request.has_purchase()) {
    pg::Params row;
    row.Add(program.org_id)
        .Add(member_id)
        .Add(program.program_id)
        .Add(accrual.order_ref)
        .Add(accrual.type.code)
        .Add(request.purchase().amount().minor_units())
        .Add(program.currency)
        .Add(accrual.points)
        .Add(operation.id())
        .Add(operation.now());
    tx.Defer(kInsertPurchase, std::move(row));
  } else if (request.has_action()) {
    tx.Defer(kCountAction, AwardCheckParams(program.org_id, member_id, program.program_id,
                                            request.action().action_code()));
  }
}

v1::LedgerEntryKind KindOf(const ledger::Accrual& accrual) {
  return accrual.adjustment ? v1::LEDGER_ENTRY_KIND_ADJUSTMENT : v1::LEDGER_ENTRY_KIND_ACCRUAL;
}

// A positive award: the debt repaid, the new lot, the totals, the tier.
absl::Status WriteCredit(store::Operation& operation, const ledger::ProgramConfig& program,
                         const std::string& member_id, const ledger::Accrual& accrual,
                         v1::AccrueResponse* response) {
  const std::string& type = accrual.type.code;
  const ledger::Repayment& repayment = accrual.repayment;
  if (repayment.repaid > 0) {
    LOYALTY_RETURN_IF_ERROR(operation.AddEntry(
        {member_id, program.program_id, type, v1::LEDGER_ENTRY_KIND_OVERDRAFT_REPAYMENT,
         repayment.repaid, accrual.order_ref, accrual.description, accrual.actor}));
  }
  if (repayment.credited > 0) {
    LOYALTY_ASSIGN_OR_RETURN(
        ledger::Lot lot,
        operation.CreateLot({member_id, program.program_id, type, accrual.subtype,
                             accrual.type.redeemable, repayment.credited, accrual.available_at,
                             accrual.expires_at, accrual.order_ref, std::nullopt}));
    LOYALTY_RETURN_IF_ERROR(operation.AddEntry(
        {member_id, program.program_id, type, KindOf(accrual), repayment.credited,
         accrual.order_ref, accrual.description, accrual.actor}));
    v1::AwardedLot* out = response->add_lots();
    out->set_lot_id(lot.lot_id);
    out->set_program_id(lot.program_id);
    out->set_point_type(lot.point_type);
    out->set_subtype(lot.subtype);
    out->set_points(lot.amount);
    wire::ToTimestamp(lot.available_at, out->mutable_available_at());
    wire::ToOptionalTimestamp(lot.expires_at, [&] { return out->mutable_expires_at(); });
  }
  LOYALTY_RETURN_IF_ERROR(
      operation.AddTotals(member_id, program.program_id, type, accrual.points, accrual.qualifying));
  response->set_debt_repaid(repayment.repaid);
  return operation.ChangeEnrolment(member_id, program.program_id, -repayment.repaid, accrual.tier);
}

// A negative adjustment: the lots taken, the totals, the shortfall as debt.
absl::Status WriteRemoval(store::Operation& operation, const ledger::ProgramConfig& program,
                          const std::string& member_id, const ledger::Accrual& accrual) {
  for (const ledger::LotTake& take : accrual.removal.takes) {
    LOYALTY_RETURN_IF_ERROR(operation.ConsumeLot(member_id, take.lot_id, take.points));
  }
  LOYALTY_RETURN_IF_ERROR(
      operation.AddEntry({member_id, program.program_id, accrual.type.code, KindOf(accrual),
                          accrual.points, "", accrual.description, accrual.actor}));
  LOYALTY_RETURN_IF_ERROR(
      operation.AddTotals(member_id, program.program_id, accrual.type.code, accrual.points, 0));
  return operation.ChangeEnrolment(member_id, program.program_id, accrual.removal.shortfall,
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
  if (auto check = AwardCheckOf(request, *program_id)) {
    tx.Prefetch(*check->first, std::move(check->second));
  }
  store::Operation::Prefetch(tx);
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
  LOYALTY_ASSIGN_OR_RETURN(const ledger::AccrualFacts facts,
                           LoadFacts(tx, request, program.program_id));
  LOYALTY_ASSIGN_OR_RETURN(
      const ledger::Accrual accrual,
      ledger::DecideAccrual(program, member, wire::AccrualCommandOf(request), facts, now));

  LOYALTY_ASSIGN_OR_RETURN(store::Operation operation,
                           store::Operation::Begin(tx, org_id, "Accrue", context.caller, now));
  operation.Track(member);
  WriteOrigin(tx, operation, program, member.member_id, accrual, request);
  if (accrual.points > 0) {
    LOYALTY_RETURN_IF_ERROR(WriteCredit(operation, program, member.member_id, accrual, response));
    if (household.has_value() && accrual.type.counts_toward_tier) {
      LOYALTY_RETURN_IF_ERROR(RollUpQualifying(tx, operation, program, *household,
                                               accrual.type.code, accrual.points,
                                               accrual.order_ref));
    }
  } else if (accrual.points < 0) {
    LOYALTY_RETURN_IF_ERROR(WriteRemoval(operation, program, member.member_id, accrual));
  }
  LOYALTY_ASSIGN_OR_RETURN(int64_t position, operation.Commit());
  cached.Leave(operation);
  response->set_ledger_position(position);
  response->set_accrual_id(operation.id());
  response->set_points(accrual.points);
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
