#include "services/command/redeem.h"

#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/redemption.h"
#include "libs/store/idempotency.h"
#include "libs/store/member_repository.h"
#include "libs/store/operation.h"
#include "libs/wire/burn.h"
#include "services/command/burn.h"
#include "services/command/lot_command.h"
#include "services/command/request_checks.h"

namespace loyalty::command {
namespace {

constexpr ledger::BurnRules kRedemptionRules{.validate_redemption = true, .allow_overdraft = true};

absl::Status RunRedemption(const store::Context& context, absl::string_view method,
                           const std::string& key, const google::protobuf::Message& wire,
                           const BurnRequest& request, v1::RedeemResponse* response) {
  return RunLotCommand(
      context, method, request.org_id, request.member_id, key, wire, response,
      [&](pg::Transaction& tx, const LotAttempt& attempt) {
        PrefetchRedemption(context, tx, request, attempt.now, *attempt.read);
      },
      [&](pg::Transaction& tx, const LotAttempt& attempt) -> absl::Status {
        absl::Time now = attempt.now;
        LOYALTY_ASSIGN_OR_RETURN(
            const LoadedBurn loaded,
            LoadBurn(tx, request, &now, {.lock = true}, context.config_cache, *attempt.read));
        LOYALTY_ASSIGN_OR_RETURN(
            const ledger::Burn burn,
            ledger::DecideBurn(loaded.scope, loaded.member, BurnCommandOf(request), loaded.facts,
                               now, kRedemptionRules));
        LOYALTY_ASSIGN_OR_RETURN(store::Operation operation,
                                 store::Operation::Begin(tx, request.org_id, std::string(method),
                                                         context.caller, context.trace_id, now));
        operation.Track(loaded.member);
        LOYALTY_RETURN_IF_ERROR(operation.Write(burn.changes).status());
        *response->mutable_redemption() = operation.event().redemption();
        LOYALTY_ASSIGN_OR_RETURN(int64_t position, operation.Commit());
        attempt.cached->Leave(operation);
        response->set_ledger_position(position);
        return store::FillBalancesAfter(tx, request.org_id,
                                        *operation.StateAfter(loaded.member.member_id), now,
                                        context.config_cache, response->mutable_balances());
      });
}

}  // namespace

absl::Status Redeem(const store::Context& context, const v1::RedeemRequest& request,
                    v1::RedeemResponse* response) {
  LOYALTY_RETURN_IF_ERROR(CheckRequest(request));
  return RunRedemption(context, "Redeem", request.idempotency_key(), request,
                       {.org_id = request.org_id(),
                        .member_id = request.member_id(),
                        .program_id = request.program_id(),
                        .group = false,
                        .points = request.points(),
                        .order_ref = request.order_ref(),
                        .reward = request.reward()},
                       response);
}

absl::Status GroupRedeem(const store::Context& context, const v1::GroupRedeemRequest& request,
                         v1::RedeemResponse* response) {
  LOYALTY_RETURN_IF_ERROR(CheckRequest(request));
  static const std::string kNoProgram;
  return RunRedemption(context, "GroupRedeem", request.idempotency_key(), request,
                       {.org_id = request.org_id(),
                        .member_id = request.member_id(),
                        .program_id = kNoProgram,
                        .group = true,
                        .points = request.points(),
                        .order_ref = request.order_ref(),
                        .reward = request.reward()},
                       response);
}

absl::Status IsRedeemable(const store::Context& context, const v1::IsRedeemableRequest& request,
                          v1::IsRedeemableResponse* response) {
  static const std::string kNoReward;
  const BurnRequest burn{request.org_id(), request.member_id(), request.program_id(),
                         request.group(),  request.points(),    request.order_ref(), kNoReward};
  LOYALTY_RETURN_IF_ERROR(CheckRequest(request));
  return pg::RunInTransaction(
      *context.pool, pg::Isolation::kRepeatableRead, context.retry,
      [&](pg::Transaction& tx) -> absl::Status {
        response->Clear();
        absl::Time now = context.clock->Now();
        absl::StatusOr<LoadedBurn> loaded =
            LoadBurn(tx, burn, &now, {.lock = false}, context.config_cache);
        absl::StatusOr<ledger::BurnPlan> plan =
            loaded.ok() ? ledger::PlanRedemption(loaded->scope, loaded->member, BurnCommandOf(burn),
                                                 loaded->facts, now, kRedemptionRules)
                        : loaded.status();
        if (!plan.ok()) {
          if (!IsRefusal(plan.status())) return plan.status();
          response->set_redeemable(false);
          response->set_reason(*ReasonOf(plan.status()));
          response->set_message(std::string(plan.status().message()));
          return absl::OkStatus();
        }
        response->set_redeemable(true);
        response->mutable_value()->set_minor_units(plan->value_minor);
        response->mutable_value()->set_currency(loaded->scope.pricing.currency);
        wire::ToProgramBreakups(plan->breakup, response->mutable_breakup_by_program());
        return absl::OkStatus();
      },
      context.deadline);
}

}  // namespace loyalty::command
