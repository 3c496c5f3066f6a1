#include "services/command/reservation.h"

#include <optional>
#include <tuple>

#include "libs/base/status_macros.h"
#include "libs/ledger/reservation.h"
#include "libs/store/catalog.h"
#include "libs/store/command_plan.h"
#include "libs/store/idempotency.h"
#include "libs/store/member_repository.h"
#include "libs/store/operation.h"
#include "libs/store/redemptions.h"
#include "libs/wire/burn.h"
#include "libs/wire/time.h"
#include "services/command/burn.h"
#include "services/command/lot_command.h"
#include "services/command/request_checks.h"

namespace loyalty::command {
namespace {

// What a capture or a void reads under the member's lock, in order; a capture's scope comes
// after, for the reservation's program.
auto ReservationReads(const std::string& org_id, const std::string& member_id,
                      int64_t reservation_id, const LotAttempt& attempt) {
  return std::tuple(store::MemberLock{org_id, {member_id}, attempt.now},
                    store::ReservationRead{org_id, member_id, reservation_id},
                    store::MemberLoad{org_id, member_id, *attempt.read});
}

}  // namespace

absl::Status ReservePoints(const store::Context& context, const v1::ReservePointsRequest& request,
                           v1::ReservePointsResponse* response) {
  const BurnRequest burn{request.org_id(), request.member_id(), request.program_id(),
                         request.group(),  request.points(),    request.order_ref(),
                         request.reward()};
  LOYALTY_RETURN_IF_ERROR(CheckRequest(request));
  const absl::Duration timeout = ReservationTimeout(request);
  return RunLotCommand(
      context, "ReservePoints", request.org_id(), request.member_id(), request.idempotency_key(),
      request, response,
      [&](pg::Transaction& tx, const LotAttempt& attempt) {
        PrefetchRedemption(context, tx, burn, attempt.now, *attempt.read);
      },
      [&](pg::Transaction& tx, const LotAttempt& attempt) -> absl::Status {
        absl::Time now = attempt.now;
        LOYALTY_ASSIGN_OR_RETURN(
            const LoadedBurn loaded,
            LoadBurn(tx, burn, &now, {.lock = true}, context.config_cache, *attempt.read));
        LOYALTY_ASSIGN_OR_RETURN(
            const ledger::Reserve reserve,
            ledger::DecideReserve(loaded.scope, loaded.member, BurnCommandOf(burn), loaded.facts,
                                  timeout, now));
        LOYALTY_ASSIGN_OR_RETURN(store::Operation operation,
                                 store::Operation::Begin(tx, request.org_id(), "ReservePoints",
                                                         context.caller, context.trace_id, now));
        operation.Track(loaded.member);
        LOYALTY_RETURN_IF_ERROR(operation.Write(reserve.changes).status());
        LOYALTY_ASSIGN_OR_RETURN(int64_t position, operation.Commit());
        attempt.cached->Leave(operation);
        response->set_ledger_position(position);
        response->set_reservation_id(operation.id());
        response->set_points(request.points());
        wire::ToTimestamp(reserve.expires_at, response->mutable_expires_at());
        wire::ToLotConsumptions(reserve.plan.consumption, response->mutable_lots());
        wire::ToProgramBreakups(reserve.plan.breakup, response->mutable_breakup_by_program());
        return store::FillBalancesAfter(tx, request.org_id(),
                                        *operation.StateAfter(loaded.member.member_id), now,
                                        context.config_cache, response->mutable_balances());
      });
}

absl::Status CapturePoints(const store::Context& context, const v1::CapturePointsRequest& request,
                           v1::CapturePointsResponse* response) {
  LOYALTY_RETURN_IF_ERROR(CheckRequest(request));
  const std::string& org_id = request.org_id();
  return RunLotCommand(
      context, "CapturePoints", org_id, request.member_id(), request.idempotency_key(), request,
      response,
      [&](pg::Transaction& tx, const LotAttempt& attempt) {
        store::DeclareCommandThenConfig(
            context, tx, org_id,
            ReservationReads(org_id, request.member_id(), request.reservation_id(), attempt));
      },
      [&](pg::Transaction& tx, const LotAttempt& attempt) -> absl::Status {
        LOYALTY_ASSIGN_OR_RETURN(
            const auto reads, store::Load(tx, ReservationReads(org_id, request.member_id(),
                                                               request.reservation_id(), attempt)));
        const auto& [now, reservation, member] = reads;
        // Refused before its scope is read, as the reservation's own refusals come first.
        LOYALTY_ASSIGN_OR_RETURN(
            const ledger::Points points,
            ledger::CapturedPoints(request.reservation_id(), reservation, request.points()));
        LOYALTY_ASSIGN_OR_RETURN(const ledger::BurnScope scope,
                                 LoadBurnScope(tx, org_id, reservation->program_id,
                                               reservation->group, context.config_cache));
        LOYALTY_ASSIGN_OR_RETURN(const ledger::Capture capture,
                                 ledger::DecideCapture(*reservation, scope, member, points, now));
        LOYALTY_ASSIGN_OR_RETURN(store::Operation operation,
                                 store::Operation::Begin(tx, org_id, "CapturePoints",
                                                         context.caller, context.trace_id, now));
        operation.Track(member);
        LOYALTY_RETURN_IF_ERROR(operation.Write(capture.changes).status());
        *response->mutable_redemption() = operation.event().redemption();
        LOYALTY_ASSIGN_OR_RETURN(int64_t position, operation.Commit());
        attempt.cached->Leave(operation);
        response->set_ledger_position(position);
        response->set_points_released(capture.points_released);
        return store::FillBalancesAfter(tx, org_id, *operation.StateAfter(member.member_id), now,
                                        context.config_cache, response->mutable_balances());
      });
}

absl::Status VoidReservation(const store::Context& context,
                             const v1::VoidReservationRequest& request,
                             v1::VoidReservationResponse* response) {
  LOYALTY_RETURN_IF_ERROR(CheckRequest(request));
  const std::string& org_id = request.org_id();
  return RunLotCommand(
      context, "VoidReservation", org_id, request.member_id(), request.idempotency_key(), request,
      response,
      [&](pg::Transaction& tx, const LotAttempt& attempt) {
        store::Declare(
            tx, ReservationReads(org_id, request.member_id(), request.reservation_id(), attempt));
        store::Operation::Prefetch(tx);
      },
      [&](pg::Transaction& tx, const LotAttempt& attempt) -> absl::Status {
        LOYALTY_ASSIGN_OR_RETURN(
            const auto reads, store::Load(tx, ReservationReads(org_id, request.member_id(),
                                                               request.reservation_id(), attempt)));
        const auto& [now, reservation, member] = reads;
        LOYALTY_ASSIGN_OR_RETURN(
            const ledger::Release release,
            ledger::DecideVoid(request.reservation_id(), reservation, member.member_id));
        LOYALTY_ASSIGN_OR_RETURN(store::Operation operation,
                                 store::Operation::Begin(tx, org_id, "VoidReservation",
                                                         context.caller, context.trace_id, now));
        operation.Track(member);
        LOYALTY_RETURN_IF_ERROR(operation.Write(release.changes).status());
        LOYALTY_ASSIGN_OR_RETURN(int64_t position, operation.Commit());
        attempt.cached->Leave(operation);
        response->set_ledger_position(position);
        response->set_points_released(release.points_released);
        return store::FillBalancesAfter(tx, org_id, *operation.StateAfter(member.member_id), now,
                                        context.config_cache, response->mutable_balances());
      });
}

}  // namespace loyalty::command
