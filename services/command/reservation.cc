#include "services/command/reservation.h"

#include <optional>

#include "libs/base/status_macros.h"
#include "libs/ledger/reservation.h"
#include "libs/store/catalog.h"
#include "libs/store/idempotency.h"
#include "libs/store/member_repository.h"
#include "libs/store/operation.h"
#include "libs/wire/burn.h"
#include "libs/wire/time.h"
#include "services/command/burn.h"
#include "services/command/lot_command.h"
#include "services/command/request_checks.h"

namespace loyalty::command {
namespace {

constexpr pg::Statement kSelectReservation{
    "reservation_select",
    "SELECT program_id, is_group, points, coalesce(order_ref, ''), coalesce(reward, ''), status,"
    " expires_at FROM reservations WHERE org_id = $1 AND member_id = $2 AND reservation_id = $3"};

constexpr pg::Statement kSelectReservationLots{
    "reservation_select_lots",
    "SELECT lot_id, points FROM reservation_lots"
    " WHERE org_id = $1 AND member_id = $2 AND reservation_id = $3 ORDER BY lot_id"};

// The key of the member's reservation, for kSelectReservation and kSelectReservationLots.
pg::Params ReservationKey(const std::string& org_id, const std::string& member_id, int64_t id) {
  return pg::Params().Add(org_id).Add(member_id).Add(id);
}

// Locks the member and reads its reservation `id` with its holds (nullopt when it has none).
absl::StatusOr<std::optional<ledger::Reservation>> LockAndLoadReservation(
    pg::Transaction& tx, const std::string& org_id, const std::string& member_id, int64_t id,
    absl::Time* now) {
  LOYALTY_RETURN_IF_ERROR(store::LockForCommand(tx, org_id, {member_id}, now));
  const pg::Params key = ReservationKey(org_id, member_id, id);
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx.Execute(kSelectReservation, key));
  if (row.Rows() == 0) return std::nullopt;
  ledger::Reservation reservation{id,
                                  std::string(row.Text(0, 0)),
                                  row.Bool(0, 1),
                                  row.Int64(0, 2),
                                  std::string(row.Text(0, 3)),
                                  std::string(row.Text(0, 4)),
                                  std::string(row.Text(0, 5)),
                                  {}};
  LOYALTY_ASSIGN_OR_RETURN(pg::Result lots, tx.Execute(kSelectReservationLots, key));
  for (int i = 0; i < lots.Rows(); ++i) {
    reservation.lots.push_back({lots.Int64(i, 0), lots.Int64(i, 1)});
  }
  return reservation;
}

// Declares LockAndLoadReservation's reads, in its order, with the `now` it is called with.
void PrefetchLockAndLoadReservation(pg::Transaction& tx, const std::string& org_id,
                                    const std::string& member_id, int64_t id, absl::Time now) {
  store::PrefetchLockForCommand(tx, org_id, member_id, now);
  tx.Prefetch(kSelectReservation, ReservationKey(org_id, member_id, id));
  tx.Prefetch(kSelectReservationLots, ReservationKey(org_id, member_id, id));
}

// Declares what CapturePoints reads, in its order, for the first round trip: the reservation,
// the configuration version (for its scope, whatever its program), the member, the ids.
void PrefetchCapture(const store::Context& context, pg::Transaction& tx,
                     const v1::CapturePointsRequest& request, const LotAttempt& attempt) {
  const std::string& org_id = request.org_id();
  PrefetchLockAndLoadReservation(tx, org_id, request.member_id(), request.reservation_id(),
                                 attempt.now);
  if (!store::PrefetchConfig(tx, org_id, "", context.config_cache).has_value()) return;
  store::PrefetchMember(tx, org_id, request.member_id(), *attempt.read);
  store::Operation::Prefetch(tx);
}

// Declares what VoidReservation reads, in its order, for the first round trip.
void PrefetchVoid(pg::Transaction& tx, const v1::VoidReservationRequest& request,
                  const LotAttempt& attempt) {
  PrefetchLockAndLoadReservation(tx, request.org_id(), request.member_id(),
                                 request.reservation_id(), attempt.now);
  store::PrefetchMember(tx, request.org_id(), request.member_id(), *attempt.read);
  store::Operation::Prefetch(tx);
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
        PrefetchRedemption(tx, burn, attempt.now, context.config_cache, *attempt.read);
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
        LOYALTY_ASSIGN_OR_RETURN(
            store::Operation operation,
            store::Operation::Begin(tx, request.org_id(), "ReservePoints", context.caller, now));
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
        PrefetchCapture(context, tx, request, attempt);
      },
      [&](pg::Transaction& tx, const LotAttempt& attempt) -> absl::Status {
        absl::Time now = attempt.now;
        LOYALTY_ASSIGN_OR_RETURN(const std::optional<ledger::Reservation> reservation,
                                 LockAndLoadReservation(tx, org_id, request.member_id(),
                                                        request.reservation_id(), &now));
        // Refused before its scope is read, as the reservation's own refusals come first.
        LOYALTY_ASSIGN_OR_RETURN(
            const ledger::Points points,
            ledger::CapturedPoints(request.reservation_id(), reservation, request.points()));
        LOYALTY_ASSIGN_OR_RETURN(const ledger::BurnScope scope,
                                 LoadBurnScope(tx, org_id, reservation->program_id,
                                               reservation->group, context.config_cache));
        LOYALTY_ASSIGN_OR_RETURN(const ledger::MemberState member,
                                 store::LoadMember(tx, org_id, request.member_id(), *attempt.read));
        LOYALTY_ASSIGN_OR_RETURN(const ledger::Capture capture,
                                 ledger::DecideCapture(*reservation, scope, member, points, now));
        LOYALTY_ASSIGN_OR_RETURN(
            store::Operation operation,
            store::Operation::Begin(tx, org_id, "CapturePoints", context.caller, now));
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
      [&](pg::Transaction& tx, const LotAttempt& attempt) { PrefetchVoid(tx, request, attempt); },
      [&](pg::Transaction& tx, const LotAttempt& attempt) -> absl::Status {
        absl::Time now = attempt.now;
        LOYALTY_ASSIGN_OR_RETURN(const std::optional<ledger::Reservation> reservation,
                                 LockAndLoadReservation(tx, org_id, request.member_id(),
                                                        request.reservation_id(), &now));
        LOYALTY_ASSIGN_OR_RETURN(const ledger::MemberState member,
                                 store::LoadMember(tx, org_id, request.member_id(), *attempt.read));
        LOYALTY_ASSIGN_OR_RETURN(
            const ledger::Release release,
            ledger::DecideVoid(request.reservation_id(), reservation, member.member_id));
        LOYALTY_ASSIGN_OR_RETURN(
            store::Operation operation,
            store::Operation::Begin(tx, org_id, "VoidReservation", context.caller, now));
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
