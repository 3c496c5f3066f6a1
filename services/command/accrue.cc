#include "services/command/accrue.h"

#include <optional>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/accrual.h"
#include "libs/ledger/badges.h"
#include "libs/ledger/member.h"
#include "libs/ledger/program.h"
#include "libs/store/badges.h"
#include "libs/store/catalog.h"
#include "libs/store/command_plan.h"
#include "libs/store/households.h"
#include "libs/store/idempotency.h"
#include "libs/store/member_repository.h"
#include "libs/store/operation.h"
#include "libs/store/orders.h"
#include "libs/wire/accrual.h"
#include "libs/wire/badges.h"
#include "libs/wire/balances.h"
#include "libs/wire/time.h"
#include "services/command/household.h"
#include "services/command/request_checks.h"

namespace loyalty::command {
namespace {

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

// The badges a purchase or an action may award (docs/badges.md); nullopt for other accruals.
std::optional<ledger::BadgeTrigger> BadgeTriggerOf(const v1::AccrueRequest& request) {
  ledger::BadgeTrigger trigger;
  if (request.has_purchase()) {
    trigger.kind = ledger::BadgeTrigger::Kind::kPurchase;
    trigger.order_ref = request.purchase().order_ref();
    return trigger;
  }
  if (request.has_action()) {
    trigger.kind = ledger::BadgeTrigger::Kind::kAction;
    trigger.action_code = request.action().action_code();
    return trigger;
  }
  return std::nullopt;
}

// What an accrual reads under the member's lock, in order.
auto AccrueReads(const v1::AccrueRequest& request, const std::string& program_id, absl::Time now,
                 const store::MemberRead& read, ledger::BadgeReads badges) {
  const std::string& org_id = request.org_id();
  const std::string& member_id = request.member_id();
  return std::tuple(
      store::HouseholdLock{org_id, member_id, now}, store::MemberLoad{org_id, member_id, read},
      store::AccrualFactsRead{org_id, member_id, program_id, request.purchase().order_ref(),
                              request.action().action_code()},
      store::BadgeFactsRead{org_id, member_id, program_id, std::move(badges), now});
}

// The badge levels the accrual reached, decided on the member's state after it.
absl::StatusOr<ledger::BadgeDecision> DecideAwards(const ledger::ProgramConfig& program,
                                                   const ledger::MemberState& member,
                                                   const ledger::Accrual& accrual,
                                                   const v1::AccrueRequest& request,
                                                   const ledger::BadgeTrigger& trigger,
                                                   ledger::BadgeFacts facts, absl::Time now) {
  LOYALTY_ASSIGN_OR_RETURN(ledger::MemberState after, ledger::Apply(accrual.changes, member, now));
  facts = request.has_purchase()
              ? ledger::AfterPurchase(std::move(facts), request.purchase().amount().minor_units(),
                                      accrual.points)
              : ledger::AfterAction(std::move(facts), trigger.action_code);
  return ledger::DecideBadgeAwards(program, after, facts, trigger, now);
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
  const std::optional<ledger::BadgeTrigger> trigger = BadgeTriggerOf(request);
  ledger::BadgeReads badge_reads;
  if (trigger.has_value()) badge_reads = ledger::BadgeReadsFor(program.badges, *trigger, now);
  const bool badges = badge_reads.any;
  LOYALTY_ASSIGN_OR_RETURN(auto reads, store::Load(tx, AccrueReads(request, program.program_id, now,
                                                                   read, std::move(badge_reads))));
  const auto& [locked, member, facts, badge_facts] = reads;
  const std::optional<ledger::HouseholdRollup>& household = locked.household;
  now = locked.now;
  LOYALTY_ASSIGN_OR_RETURN(
      const ledger::Accrual accrual,
      ledger::DecideAccrual(program, member, wire::AccrualCommandOf(request), facts, now));
  ledger::BadgeDecision awards;
  if (badges) {
    LOYALTY_ASSIGN_OR_RETURN(
        awards, DecideAwards(program, member, accrual, request, *trigger, badge_facts, now));
  }

  LOYALTY_ASSIGN_OR_RETURN(
      store::Operation operation,
      store::Operation::Begin(tx, org_id, "Accrue", context.caller, context.trace_id, now));
  operation.Track(member);
  LOYALTY_ASSIGN_OR_RETURN(const std::vector<ledger::Lot> created,
                           operation.Write(accrual.changes));
  LOYALTY_ASSIGN_OR_RETURN(const std::vector<ledger::Lot> bonus_lots,
                           operation.Write(awards.changes));
  AddAwardedLots(created, response);
  AddAwardedLots(bonus_lots, response);
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
  for (const ledger::BadgeAwarded& award : awards.awarded) {
    wire::ToBadgeAward(award, operation.now(), response->add_badges_awarded());
  }
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
        store::DeclareCommand(
            context, tx, request.org_id(), request.program_id(),
            [&](const std::string& program_id) {
              const std::optional<ledger::BadgeTrigger> trigger = BadgeTriggerOf(request);
              return AccrueReads(request, program_id, now, *read,
                                 trigger.has_value() ? store::CachedBadgeReads(
                                                           context.config_cache, request.org_id(),
                                                           program_id, *trigger, now)
                                                     : ledger::BadgeReads{});
            });
      },
      [&](pg::Transaction& tx) {
        return AccrueInTransaction(context, tx, request, now, cached, *read, response);
      });
}

}  // namespace loyalty::command
