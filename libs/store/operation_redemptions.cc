// Operation's rows of redemptions and reservations.
#include <utility>

#include "libs/ledger/change_set.h"
#include "libs/store/operation.h"
#include "libs/wire/burn.h"

namespace loyalty::store {
namespace {

constexpr pg::Statement kInsertRedemption{
    "operation_insert_redemption",
    "INSERT INTO redemptions (org_id, member_id, redemption_id, program_id, is_group, points,"
    " value_minor, currency, order_ref, reward, overdraft_points, created_at, reservation_id)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULLIF($9, ''), NULLIF($10, ''), $11, $12,"
    " NULLIF($13, 0))"};

constexpr pg::Statement kInsertRedemptionLot{
    "operation_insert_redemption_lot",
    "INSERT INTO redemption_lots (org_id, member_id, redemption_id, lot_id, program_id,"
    " point_type, points) VALUES ($1, $2, $3, $4, $5, $6, $7)"};

constexpr pg::Statement kInsertRedemptionProgram{
    "operation_insert_redemption_program",
    "INSERT INTO redemption_programs (org_id, member_id, redemption_id, program_id, points)"
    " VALUES ($1, $2, $3, $4, $5)"};

constexpr pg::Statement kCancelRedemption{
    "operation_cancel_redemption",
    "UPDATE redemptions SET cancelled_at = $4"
    " WHERE org_id = $1 AND member_id = $2 AND redemption_id = $3"};

constexpr pg::Statement kInsertReservation{
    "operation_insert_reservation",
    "INSERT INTO reservations (org_id, member_id, reservation_id, program_id, is_group, points,"
    " order_ref, reward, expires_at, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7, ''), NULLIF($8, ''), $9, $10)"};

constexpr pg::Statement kInsertReservationLot{
    "operation_insert_reservation_lot",
    "INSERT INTO reservation_lots (org_id, member_id, reservation_id, lot_id, points)"
    " VALUES ($1, $2, $3, $4, $5)"};

// Only an open reservation resolves (the member lock, which every resolution takes, keeps the
// status read before it true).
constexpr pg::Statement kResolveReservation{
    "operation_resolve_reservation",
    "UPDATE reservations SET status = $4, resolved_at = $5"
    " WHERE org_id = $1 AND member_id = $2 AND reservation_id = $3 AND status = 'open'"};
}  // namespace

void Operation::Record(const ledger::RedemptionRecorded& redemption) {
  pg::Params row;
  row.Add(event_.org_id())
      .Add(redemption.member_id)
      .Add(id())
      .Add(redemption.program_id)
      .Add(redemption.group)
      .Add(redemption.points)
      .Add(redemption.value_minor)
      .Add(redemption.currency)
      .Add(redemption.order_ref)
      .Add(redemption.reward)
      .Add(redemption.overdraft_points)
      .Add(now_)
      .Add(redemption.reservation_id);
  tx_->Defer(kInsertRedemption, std::move(row));
  for (const ledger::LotTake& take : redemption.lots) {
    pg::Params lot;
    lot.Add(event_.org_id())
        .Add(redemption.member_id)
        .Add(id())
        .Add(take.lot_id)
        .Add(take.program_id)
        .Add(take.point_type)
        .Add(take.points);
    tx_->Defer(kInsertRedemptionLot, std::move(lot));
  }
  for (const ledger::ProgramPoints& program : redemption.breakup) {
    pg::Params part;
    part.Add(event_.org_id())
        .Add(redemption.member_id)
        .Add(id())
        .Add(program.program_id)
        .Add(program.points);
    tx_->Defer(kInsertRedemptionProgram, std::move(part));
  }
  wire::ToRedemption(redemption, id(), now_, event_.caller(), event_.mutable_redemption());
}

void Operation::Record(const ledger::RedemptionCancelled& cancelled) {
  pg::Params row;
  row.Add(event_.org_id()).Add(cancelled.member_id).Add(cancelled.redemption_id).Add(now_);
  tx_->Defer(kCancelRedemption, std::move(row));
  wire::ToRedemption(cancelled, event_.mutable_redemption());
}

void Operation::Record(const ledger::ReservationCreated& reservation) {
  pg::Params row;
  row.Add(event_.org_id())
      .Add(reservation.member_id)
      .Add(id())
      .Add(reservation.program_id)
      .Add(reservation.group)
      .Add(reservation.points)
      .Add(reservation.order_ref)
      .Add(reservation.reward)
      .Add(reservation.expires_at)
      .Add(now_);
  tx_->Defer(kInsertReservation, std::move(row));
  for (const ledger::LotHold& hold : reservation.lots) {
    pg::Params lot;
    lot.Add(event_.org_id()).Add(reservation.member_id).Add(id()).Add(hold.lot_id).Add(hold.points);
    tx_->Defer(kInsertReservationLot, std::move(lot));
  }
}

void Operation::Record(const ledger::ReservationResolved& resolved) {
  pg::Params row;
  row.Add(event_.org_id())
      .Add(resolved.member_id)
      .Add(resolved.reservation_id)
      .Add(resolved.status)
      .Add(now_);
  tx_->Defer(kResolveReservation, std::move(row));
}

}  // namespace loyalty::store
