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

// Times the member earned the action before (read under the member lock, as above).
constexpr pg::Statement kSelectActionCount{
    "accrue_select_action_count",
    "SELECT coalesce((SELECT times FROM action_counts WHERE org_id = $1 AND member_id = $2"
    " AND program_id = $3 AND action_code = $4), 0)"};

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

// The lots the accrual created, as the reply shows them.
void AddAwardedLots(const std::vector<ledger::Lot>& lots, v1::AccrueResponse* response) {
  for (const ledger::Lot& lot : lots) {
    v1::AwardedLot* out = response->add_lots();
    out->set_lot_id(lot.lot_id);
    out->set_program_id(lot.program_id);
    out->set_point_type(lot.point_type);
    out->set_subtype(lot.subtype);
    out->set_points(lot.amount);
    wire::ToTimestamp(lot.available_at, out->mutable_available_at());
    wire::ToOptionalTimestamp(lot.expires_at, [&] { return out->mutable_expires_at(); });
  }
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
  LOYALTY_ASSIGN_OR_RETURN(const std::vector<ledger::Lot> created,
                           operation.Write(accrual.changes));
  AddAwardedLots(created, response);
  if (household.has_value() && accrual.points > 0 && accrual.type.counts_toward_tier) {
    LOYALTY_RETURN_IF_ERROR(RollUpQualifying(tx, operation, program, *household, accrual.type.code,
                                             accrual.points, accrual.order_ref));
  }
  LOYALTY_ASSIGN_OR_RETURN(int64_t position, operation.Commit());
  cached.Leave(operation);
  response->set_ledger_position(position);
  response->set_accrual_id(operation.id());
  response->set_points(accrual.points);
  response->set_debt_repaid(accrual.repayment.repaid);
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
