#include "services/command/redeem.h"

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/program.h"
#include "libs/store/idempotency.h"
#include "libs/wire/burn.h"
#include "libs/wire/time.h"
#include "services/command/burn.h"
#include "services/command/request_checks.h"

namespace loyalty::command {
namespace {

constexpr pg::Statement kInsertRedemption{
    "redeem_insert_redemption",
    "INSERT INTO redemptions (org_id, member_id, redemption_id, program_id, is_group, points,"
    " value_minor, currency, order_ref, reward, overdraft_points, created_at, reservation_id)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULLIF($9, ''), NULLIF($10, ''), $11, $12,"
    " NULLIF($13, 0))"};

constexpr pg::Statement kInsertRedemptionLot{
    "redeem_insert_redemption_lot",
    "INSERT INTO redemption_lots (org_id, member_id, redemption_id, lot_id, program_id,"
    " point_type, points) VALUES ($1, $2, $3, $4, $5, $6, $7)"};

constexpr pg::Statement kInsertRedemptionProgram{
    "redeem_insert_redemption_program",
    "INSERT INTO redemption_programs (org_id, member_id, redemption_id, program_id, points)"
    " VALUES ($1, $2, $3, $4, $5)"};

absl::Status RunRedemption(const store::Context& context, absl::string_view method,
                           const std::string& key, const google::protobuf::Message& wire,
                           const BurnRequest& request, v1::RedeemResponse* response) {
  store::MemberCommandCache cached(context.member_cache, request.org_id, request.member_id);
  absl::Time now;  // one per attempt, for the prefetched statements and the body alike
  const store::MemberRead* read = nullptr;
  return store::RunMemberCommand(
      context, cached, method, key, wire, response,
      [&](pg::Transaction& tx) {
        now = context.clock->Now();
        read = &cached.Attempt(std::nullopt);  // a burn reads every lot
        PrefetchRedemption(tx, request, now, context.config_cache, *read);
      },
      [&](pg::Transaction& tx) -> absl::Status {
        LOYALTY_ASSIGN_OR_RETURN(
            DecidedBurn decided,
            DecideRedemption(tx, request, &now, {.lock = true, .allow_overdraft = true},
                             context.config_cache, *read));
        LOYALTY_ASSIGN_OR_RETURN(
            store::Operation operation,
            store::Operation::Begin(tx, request.org_id, std::string(method), context.caller, now));
        operation.Track(decided.member);
        LOYALTY_RETURN_IF_ERROR(WriteRedemption(tx, operation, request, decided, 0,
                                        response->mutable_redemption()));
        LOYALTY_ASSIGN_OR_RETURN(int64_t position, operation.Commit());
        cached.Leave(operation);
        response->set_ledger_position(position);
        return store::FillBalancesAfter(tx, request.org_id,
                                        *operation.StateAfter(decided.member.member_id), now,
                                        context.config_cache, response->mutable_balances());
      });
}

}  // namespace

absl::Status WriteRedemption(pg::Transaction& tx, store::Operation& operation,
                             const BurnRequest& request, const DecidedBurn& decided,
                             int64_t reservation_id, v1::Redemption* redemption) {
  const ledger::ProgramConfig& pricing = decided.scope.pricing;
  const int64_t id = operation.id();
  pg::Params row;
  row.Add(request.org_id).Add(request.member_id).Add(id).Add(pricing.program_id)
      .Add(request.group).Add(request.points).Add(decided.plan.value_minor).Add(pricing.currency)
      .Add(request.order_ref).Add(request.reward).Add(decided.plan.consumption.shortfall)
      .Add(operation.now()).Add(reservation_id);
  tx.Defer(kInsertRedemption, std::move(row));
  LOYALTY_RETURN_IF_ERROR(ApplyBurn(operation, decided.scope, request.member_id, decided.plan,
                            ledger::EntryKind::kRedemption, request.order_ref, request.reward));
  for (const ledger::LotTake& take : decided.plan.consumption.takes) {
    pg::Params lot;
    lot.Add(request.org_id).Add(request.member_id).Add(id).Add(take.lot_id).Add(take.program_id)
        .Add(take.point_type).Add(take.points);
    tx.Defer(kInsertRedemptionLot, std::move(lot));
  }
  for (const ledger::ProgramPoints& program : decided.plan.breakup) {
    pg::Params part;
    part.Add(request.org_id)
        .Add(request.member_id)
        .Add(id)
        .Add(program.program_id)
        .Add(program.points);
    tx.Defer(kInsertRedemptionProgram, std::move(part));
  }
  redemption->set_redemption_id(id);
  redemption->set_member_id(request.member_id);
  redemption->set_program_id(pricing.program_id);
  redemption->set_group(request.group);
  redemption->set_points(request.points);
  redemption->mutable_value()->set_minor_units(decided.plan.value_minor);
  redemption->mutable_value()->set_currency(pricing.currency);
  redemption->set_order_ref(request.order_ref);
  redemption->set_reward(request.reward);
  wire::ToLotConsumptions(decided.plan.consumption, redemption->mutable_lots());
  wire::ToProgramBreakups(decided.plan.breakup, redemption->mutable_breakup_by_program());
  redemption->set_overdraft_points(decided.plan.consumption.shortfall);
  redemption->set_reservation_id(reservation_id);
  wire::ToTimestamp(operation.now(), redemption->mutable_created_at());
  redemption->set_caller(operation.event().caller());
  *operation.event().mutable_redemption() = *redemption;
  return absl::OkStatus();
}

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
        absl::StatusOr<DecidedBurn> decided = DecideRedemption(
            tx, burn, &now, {.lock = false, .allow_overdraft = true}, context.config_cache);
        if (!decided.ok()) {
          if (!IsRefusal(decided.status())) return decided.status();
          response->set_redeemable(false);
          response->set_reason(*ReasonOf(decided.status()));
          response->set_message(std::string(decided.status().message()));
          return absl::OkStatus();
        }
        response->set_redeemable(true);
        response->mutable_value()->set_minor_units(decided->plan.value_minor);
        response->mutable_value()->set_currency(decided->scope.pricing.currency);
        wire::ToProgramBreakups(decided->plan.breakup, response->mutable_breakup_by_program());
        return absl::OkStatus();
      },
      context.deadline);
}

}  // namespace loyalty::command
