#include "services/command/reverse.h"

#include <tuple>

#include "libs/base/status_macros.h"
#include "libs/ledger/badges.h"
#include "libs/ledger/member.h"
#include "libs/ledger/program.h"
#include "libs/ledger/reversal.h"
#include "libs/store/badges.h"
#include "libs/store/catalog.h"
#include "libs/store/command_plan.h"
#include "libs/store/households.h"
#include "libs/store/idempotency.h"
#include "libs/store/member_repository.h"
#include "libs/store/operation.h"
#include "libs/store/orders.h"
#include "libs/wire/balances.h"
#include "services/command/household.h"
#include "services/command/lot_command.h"
#include "services/command/request_checks.h"

namespace loyalty::command {
namespace {

ledger::ReturnCommand ReturnCommandOf(const v1::ReverseRequest& request) {
  ledger::ReturnCommand command;
  command.order_ref = request.order_ref();
  if (request.has_returned_amount()) {
    command.returned_minor = request.returned_amount().minor_units();
    command.currency = request.returned_amount().currency();
  }
  return command;
}

// What a return reads under the member's lock, in order: the lock, of the household too when
// the order rolled up to one; the member; the order and its lots.
auto ReverseReads(const v1::ReverseRequest& request, const std::string& program_id,
                  const LotAttempt& attempt, ledger::BadgeReads badges) {
  const std::string& org_id = request.org_id();
  const std::string& member_id = request.member_id();
  const std::string& order_ref = request.order_ref();
  return std::tuple(
      store::OrderHouseholdLock{org_id, member_id, program_id, order_ref, attempt.now},
      store::MemberLoad{org_id, member_id, *attempt.read},
      store::PurchaseRead(org_id, member_id, program_id, order_ref),
      store::OrderLotsRead(org_id, member_id, program_id, order_ref),
      store::BadgeFactsRead{org_id, member_id, program_id, std::move(badges), attempt.now});
}

const ledger::BadgeTrigger kReturnTrigger{.kind = ledger::BadgeTrigger::Kind::kReturn,
                                          .order_ref = "",
                                          .action_code = "",
                                          .enrolled_at = absl::InfinitePast()};

// The bonuses of badge levels the return takes back (docs/badges.md), on the member's state
// after the return.
absl::StatusOr<ledger::BadgeDecision> DecideClawbacks(const ledger::ProgramConfig& program,
                                                      const ledger::MemberState& member,
                                                      const ledger::Reversal& reversal,
                                                      const ledger::PurchaseRecord& purchase,
                                                      const ledger::BadgeFacts& before,
                                                      absl::Time now) {
  LOYALTY_ASSIGN_OR_RETURN(ledger::MemberState after, ledger::Apply(reversal.changes, member, now));
  const ledger::BadgeFacts facts_after = ledger::AfterReturn(
      before, purchase.recorded_at, now,
      reversal.cumulative_returned_minor - purchase.returned_minor, reversal.points);
  return ledger::DecideBonusClawbacks(program, after, before, facts_after, now);
}

absl::Status ReverseInTransaction(const store::Context& context, pg::Transaction& tx,
                                  const v1::ReverseRequest& request, const LotAttempt& attempt,
                                  v1::ReverseResponse* response) {
  const std::string& org_id = request.org_id();
  LOYALTY_ASSIGN_OR_RETURN(
      ledger::ProgramConfig program,
      store::LoadProgram(tx, org_id, request.program_id(), context.config_cache));
  ledger::BadgeReads badge_reads =
      ledger::BadgeReadsFor(program.badges, kReturnTrigger, attempt.now);
  const bool badges = badge_reads.any;
  LOYALTY_ASSIGN_OR_RETURN(
      auto reads,
      store::Load(tx, ReverseReads(request, program.program_id, attempt, std::move(badge_reads))));
  const auto& [locked, member, purchase, order_lots, badge_facts] = reads;
  const absl::Time now = locked.now;
  LOYALTY_ASSIGN_OR_RETURN(
      const ledger::Reversal reversal,
      ledger::DecideReversal(program, member, purchase, ReturnCommandOf(request), order_lots));
  ledger::BadgeDecision clawbacks;
  if (badges && reversal.points > 0) {
    LOYALTY_ASSIGN_OR_RETURN(
        clawbacks, DecideClawbacks(program, member, reversal, *purchase, badge_facts, now));
  }

  LOYALTY_ASSIGN_OR_RETURN(
      store::Operation operation,
      store::Operation::Begin(tx, org_id, "Reverse", context.caller, context.trace_id, now));
  operation.Track(member);
  LOYALTY_RETURN_IF_ERROR(operation.Write(reversal.changes).status());
  LOYALTY_RETURN_IF_ERROR(operation.Write(clawbacks.changes).status());
  if (locked.household.has_value() && reversal.points > 0) {
    LOYALTY_RETURN_IF_ERROR(RollUpQualifying(tx, operation, program, *locked.household,
                                             purchase->point_type, reversal.qualifying));
  }

  LOYALTY_ASSIGN_OR_RETURN(int64_t position, operation.Commit());
  attempt.cached->Leave(operation);
  response->set_ledger_position(position);
  response->set_points_reversed(reversal.points);
  response->set_debt_created(reversal.debt);
  for (const internal::v1::BadgeAwardState& state : operation.event().badge_awards()) {
    *response->add_badge_bonuses_clawed_back() = state.award();
  }
  response->mutable_cumulative_returned()->set_minor_units(reversal.cumulative_returned_minor);
  response->mutable_cumulative_returned()->set_currency(purchase->currency);
  LOYALTY_RETURN_IF_ERROR(
      store::FillBalancesAfter(tx, org_id, *operation.StateAfter(member.member_id), operation.now(),
                               context.config_cache, response->mutable_balances()));
  response->set_tier(wire::TierIn(response->balances(), program.program_id));
  return absl::OkStatus();
}

}  // namespace

absl::Status Reverse(const store::Context& context, const v1::ReverseRequest& request,
                     v1::ReverseResponse* response) {
  LOYALTY_RETURN_IF_ERROR(CheckRequest(request));
  return RunLotCommand(
      context, "Reverse", request.org_id(), request.member_id(), request.idempotency_key(), request,
      response,
      [&](pg::Transaction& tx, const LotAttempt& attempt) {
        store::DeclareCommand(
            context, tx, request.org_id(), request.program_id(),
            [&](const std::string& program_id) {
              return ReverseReads(request, program_id, attempt,
                                  store::CachedBadgeReads(context.config_cache, request.org_id(),
                                                          program_id, kReturnTrigger, attempt.now));
            });
      },
      [&](pg::Transaction& tx, const LotAttempt& attempt) {
        return ReverseInTransaction(context, tx, request, attempt, response);
      });
}

}  // namespace loyalty::command
