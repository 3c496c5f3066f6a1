#include "services/command/reservation.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/consumption.h"
#include "libs/ledger/redemption_rules.h"
#include "libs/store/idempotency.h"
#include "libs/store/member_repository.h"
#include "libs/store/operation.h"
#include "libs/wire/burn.h"
#include "libs/wire/time.h"
#include "services/command/burn.h"
#include "services/command/redeem.h"
#include "services/command/request_checks.h"

namespace loyalty::command {
namespace {

constexpr char kReservationNotOpen[] = "RESERVATION_NOT_OPEN";
constexpr char kReservationExpired[] = "RESERVATION_EXPIRED";

constexpr pg::Statement kInsertReservation{
    "reservation_insert",
    "INSERT INTO reservations (org_id, member_id, reservation_id, program_id, is_group, points,"
    " order_ref, reward, expires_at, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7, ''), NULLIF($8, ''), $9, $10)"};

constexpr pg::Statement kInsertReservationLot{
    "reservation_insert_lot",
    "INSERT INTO reservation_lots (org_id, member_id, reservation_id, lot_id, points)"
    " VALUES ($1, $2, $3, $4, $5)"};

constexpr pg::Statement kSelectReservation{
    "reservation_select",
    "SELECT program_id, is_group, points, coalesce(order_ref, ''), coalesce(reward, ''), status,"
    " expires_at FROM reservations WHERE org_id = $1 AND member_id = $2 AND reservation_id = $3"};

constexpr pg::Statement kSelectReservationLots{
    "reservation_select_lots",
    "SELECT lot_id, points FROM reservation_lots"
    " WHERE org_id = $1 AND member_id = $2 AND reservation_id = $3 ORDER BY lot_id"};

constexpr pg::Statement kResolveReservation{
    "reservation_resolve",
    "UPDATE reservations SET status = $4, resolved_at = $5"
    " WHERE org_id = $1 AND member_id = $2 AND reservation_id = $3 AND status = 'open'"};

struct Reservation {
  int64_t id = 0;
  std::string program_id;
  bool group = false;
  ledger::Points points = 0;
  std::string order_ref;
  std::string reward;
  std::vector<std::pair<int64_t, ledger::Points>> lots;  // lot id, held points
};

// Locks the member and loads an open, unexpired reservation of it.
absl::StatusOr<Reservation> LoadOpenReservation(pg::Transaction& tx, const std::string& org_id,
                                                const std::string& member_id, int64_t id,
                                                absl::Time* now) {
  LOYALTY_RETURN_IF_ERROR(store::LockForCommand(tx, org_id, {member_id}, now));
  pg::Params key;
  key.Add(org_id).Add(member_id).Add(id);
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx.Execute(kSelectReservation, key));
  if (row.Rows() == 0) return NotFound("reservation", absl::StrCat(id));
  const std::string status(row.Text(0, 5));
  if (status == "expired") {
    return Refused(kReservationExpired, absl::StrCat("reservation ", id, " timed out"));
  }
  if (status != "open") {
    return Refused(kReservationNotOpen, absl::StrCat("reservation ", id, " is ", status));
  }
  Reservation reservation{id, std::string(row.Text(0, 0)), row.Bool(0, 1), row.Int64(0, 2),
                          std::string(row.Text(0, 3)), std::string(row.Text(0, 4)), {}};
  LOYALTY_ASSIGN_OR_RETURN(pg::Result lots, tx.Execute(kSelectReservationLots, key));
  for (int i = 0; i < lots.Rows(); ++i) {
    reservation.lots.emplace_back(lots.Int64(i, 0), lots.Int64(i, 1));
  }
  return reservation;
}

// Releases every hold of the reservation and records how it ended.
absl::Status Resolve(pg::Transaction& tx, store::Operation& operation, const std::string& member_id,
                     const Reservation& reservation, absl::string_view status) {
  for (const auto& [lot_id, points] : reservation.lots) {
    LOYALTY_RETURN_IF_ERROR(operation.Write(ledger::LotChange{ledger::LotChange::Kind::kHold, member_id, lot_id, -points}));
  }
  pg::Params params;
  params.Add(operation.event().org_id()).Add(member_id).Add(reservation.id)
      .Add(std::string(status)).Add(operation.now());
  LOYALTY_ASSIGN_OR_RETURN(pg::Result updated, tx.Execute(kResolveReservation, params));
  if (updated.AffectedRows() != 1) return absl::AbortedError("reservation resolved concurrently");
  return absl::OkStatus();
}

}  // namespace

absl::Status ReservePoints(const store::Context& context, const v1::ReservePointsRequest& request,
                           v1::ReservePointsResponse* response) {
  const BurnRequest burn{request.org_id(), request.member_id(), request.program_id(),
                         request.group(),  request.points(),    request.order_ref(),
                         request.reward()};
  LOYALTY_RETURN_IF_ERROR(CheckRequest(request));
  const absl::Duration timeout = ReservationTimeout(request);
  return store::RunCommand(
      context, "ReservePoints", request.org_id(), request.idempotency_key(), request, response,
      [&](pg::Transaction& tx) -> absl::Status {
        absl::Time now = context.clock->Now();
        LOYALTY_ASSIGN_OR_RETURN(
            DecidedBurn decided,
            DecideRedemption(tx, burn, &now, {.lock = true, .allow_overdraft = false},
                             context.config_cache));
        LOYALTY_ASSIGN_OR_RETURN(
            store::Operation operation,
            store::Operation::Begin(tx, request.org_id(), "ReservePoints", context.caller, now));
        operation.Track(decided.member);
        const absl::Time expires_at = now + timeout;
        pg::Params row;
        row.Add(request.org_id()).Add(request.member_id()).Add(operation.id())
            .Add(decided.scope.pricing.program_id).Add(request.group()).Add(request.points())
            .Add(request.order_ref()).Add(request.reward()).Add(expires_at).Add(now);
        tx.Defer(kInsertReservation, std::move(row));
        for (const ledger::LotTake& take : decided.plan.consumption.takes) {
          LOYALTY_RETURN_IF_ERROR(
              operation.Write(
              ledger::LotChange{ledger::LotChange::Kind::kHold, request.member_id(), take.lot_id, take.points}));
          pg::Params lot;
          lot.Add(request.org_id()).Add(request.member_id()).Add(operation.id())
              .Add(take.lot_id).Add(take.points);
          tx.Defer(kInsertReservationLot, std::move(lot));
        }
        LOYALTY_ASSIGN_OR_RETURN(int64_t position, operation.Commit());
        response->set_ledger_position(position);
        response->set_reservation_id(operation.id());
        response->set_points(request.points());
        wire::ToTimestamp(expires_at, response->mutable_expires_at());
        wire::ToLotConsumptions(decided.plan.consumption, response->mutable_lots());
        wire::ToProgramBreakups(decided.plan.breakup, response->mutable_breakup_by_program());
        return store::FillBalancesAfter(tx, request.org_id(),
                                        *operation.StateAfter(decided.member.member_id), now,
                                        context.config_cache, response->mutable_balances());
      });
}

absl::Status CapturePoints(const store::Context& context, const v1::CapturePointsRequest& request,
                           v1::CapturePointsResponse* response) {
  LOYALTY_RETURN_IF_ERROR(CheckRequest(request));
  return store::RunCommand(
      context, "CapturePoints", request.org_id(), request.idempotency_key(), request, response,
      [&](pg::Transaction& tx) -> absl::Status {
        absl::Time now = context.clock->Now();
        LOYALTY_ASSIGN_OR_RETURN(Reservation reservation,
                         LoadOpenReservation(tx, request.org_id(), request.member_id(),
                                             request.reservation_id(), &now));
        const ledger::Points points = request.points() == 0 ? reservation.points : request.points();
        if (points > reservation.points) {
          return InvalidField("points", absl::StrCat("is more than the ", reservation.points,
                                                     " points reserved"));
        }
        LOYALTY_ASSIGN_OR_RETURN(
            store::Operation operation,
            store::Operation::Begin(tx, request.org_id(), "CapturePoints", context.caller, now));
        LOYALTY_RETURN_IF_ERROR(
            Resolve(tx, operation, request.member_id(), reservation, "captured"));
        // The capture spends the reservation's own lots, now released, in burn order.
        const BurnRequest burn{request.org_id(), request.member_id(), reservation.program_id,
                               reservation.group, points, reservation.order_ref,
                               reservation.reward};
        DecidedBurn decided;
        LOYALTY_ASSIGN_OR_RETURN(decided.scope, LoadBurnScope(tx, request.org_id(),
                                                      reservation.program_id, reservation.group,
                                                      context.config_cache));
        LOYALTY_ASSIGN_OR_RETURN(decided.member,
                                 store::LoadMember(tx, request.org_id(), request.member_id()));
        operation.Track(decided.member);  // read after Resolve: its holds are released
        std::vector<ledger::Lot> held_lots;
        for (const ledger::Lot& lot : decided.member.lots) {
          for (const auto& [lot_id, held] : reservation.lots) {
            if (lot.lot_id == lot_id) {
              // Only this reservation's share of the lot; other holds on it stay.
              held_lots.push_back(lot);
              held_lots.back().remaining = std::min(lot.remaining, lot.held + held);
            }
          }
        }
        decided.plan.consumption = ledger::PlanConsumption(held_lots, points, now);
        if (decided.plan.consumption.shortfall > 0) {
          return Refused(ledger::kInsufficientPoints,
                         "part of the reserved points expired before the capture");
        }
        decided.plan.breakup =
            ledger::BreakupByProgram(decided.plan.consumption, decided.scope.pricing.program_id);
        decided.plan.value_minor = ledger::RedemptionValue(points, decided.scope.pricing.ratio);
        LOYALTY_RETURN_IF_ERROR(WriteRedemption(tx, operation, burn, decided, reservation.id,
                                        response->mutable_redemption()));
        LOYALTY_ASSIGN_OR_RETURN(int64_t position, operation.Commit());
        response->set_ledger_position(position);
        response->set_points_released(reservation.points - points);
        return store::FillBalancesAfter(tx, request.org_id(),
                                        *operation.StateAfter(decided.member.member_id), now,
                                        context.config_cache, response->mutable_balances());
      });
}

absl::Status VoidReservation(const store::Context& context,
                             const v1::VoidReservationRequest& request,
                             v1::VoidReservationResponse* response) {
  LOYALTY_RETURN_IF_ERROR(CheckRequest(request));
  return store::RunCommand(
      context, "VoidReservation", request.org_id(), request.idempotency_key(), request, response,
      [&](pg::Transaction& tx) -> absl::Status {
        absl::Time now = context.clock->Now();
        LOYALTY_ASSIGN_OR_RETURN(Reservation reservation,
                         LoadOpenReservation(tx, request.org_id(), request.member_id(),
                                             request.reservation_id(), &now));
        LOYALTY_ASSIGN_OR_RETURN(
            store::Operation operation,
            store::Operation::Begin(tx, request.org_id(), "VoidReservation", context.caller, now));
        LOYALTY_RETURN_IF_ERROR(Resolve(tx, operation, request.member_id(), reservation, "voided"));
        LOYALTY_ASSIGN_OR_RETURN(int64_t position, operation.Commit());
        response->set_ledger_position(position);
        response->set_points_released(reservation.points);
        return store::FillBalances(tx, request.org_id(), request.member_id(), now,
                                   context.config_cache, response->mutable_balances());
      });
}

}  // namespace loyalty::command
