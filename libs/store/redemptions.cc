#include "libs/store/redemptions.h"

#include "libs/base/status_macros.h"
#include "libs/store/member_repository.h"

namespace loyalty::store {
namespace {

constexpr pg::Statement kSelectRedemption{
    "redemption_select",
    "SELECT program_id, points, overdraft_points, cancelled_at IS NOT NULL FROM redemptions"
    " WHERE org_id = $1 AND member_id = $2 AND redemption_id = $3"};

// What the redemption took from each lot, with the lot as it is now (LotFromRow's columns
// first).
constexpr pg::Statement kSelectRedemptionLots{
    "redemption_select_lots",
    "SELECT l.lot_id, l.program_id, l.point_type, l.subtype, l.amount, l.remaining, l.held,"
    " l.redeemable, l.awarded_at, l.available_at, l.expires_at, r.program_id, r.point_type,"
    " r.points"
    " FROM redemption_lots r JOIN lots l ON l.org_id = r.org_id AND l.member_id = r.member_id"
    " AND l.lot_id = r.lot_id"
    " WHERE r.org_id = $1 AND r.member_id = $2 AND r.redemption_id = $3 ORDER BY r.lot_id"};

constexpr pg::Statement kSelectReservation{
    "reservation_select",
    "SELECT program_id, is_group, points, coalesce(order_ref, ''), coalesce(reward, ''), status,"
    " expires_at FROM reservations WHERE org_id = $1 AND member_id = $2 AND reservation_id = $3"};

constexpr pg::Statement kSelectReservationLots{
    "reservation_select_lots",
    "SELECT lot_id, points FROM reservation_lots"
    " WHERE org_id = $1 AND member_id = $2 AND reservation_id = $3 ORDER BY lot_id"};

pg::Params KeyOf(const RedemptionRead& read) {
  return pg::Params().Add(read.org_id).Add(read.member_id).Add(read.redemption_id);
}

pg::Params KeyOf(const ReservationRead& read) {
  return pg::Params().Add(read.org_id).Add(read.member_id).Add(read.reservation_id);
}

constexpr pg::Statement kReservationCandidates{
    "worker_reservation_candidates",
    "SELECT DISTINCT org_id, member_id FROM reservations"
    " WHERE status = 'open' AND expires_at <= $1 LIMIT $2"};

constexpr pg::Statement kOpenExpiredReservations{
    "worker_open_expired_reservations",
    "SELECT count(*) FROM reservations WHERE org_id = $1 AND member_id = $2"
    " AND status = 'open' AND expires_at <= $3"};

}  // namespace

void RedemptionRead::Declare(pg::Transaction& tx) const {
  tx.Prefetch(kSelectRedemption, KeyOf(*this));
  tx.Prefetch(kSelectRedemptionLots, KeyOf(*this));
}

absl::StatusOr<RedemptionRead::Value> RedemptionRead::Load(pg::Transaction& tx) const {
  const pg::Params key = KeyOf(*this);
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx.Execute(kSelectRedemption, key));
  if (row.Rows() == 0) return std::nullopt;
  StoredRedemption redemption{
      {std::string(row.Text(0, 0)), row.Int64(0, 1), row.Int64(0, 2), row.Bool(0, 3), {}}, {}};
  LOYALTY_ASSIGN_OR_RETURN(pg::Result lots, tx.Execute(kSelectRedemptionLots, key));
  for (int i = 0; i < lots.Rows(); ++i) {
    redemption.lots.push_back(LotFromRow(lots, i));
    redemption.record.lots.push_back({lots.Int64(i, 0), std::string(lots.Text(i, 11)),
                                      std::string(lots.Text(i, 12)), lots.Int64(i, 13),
                                      lots.OptionalTime(i, 10)});
  }
  return redemption;
}

void ReservationRead::Declare(pg::Transaction& tx) const {
  tx.Prefetch(kSelectReservation, KeyOf(*this));
  tx.Prefetch(kSelectReservationLots, KeyOf(*this));
}

absl::StatusOr<ReservationRead::Value> ReservationRead::Load(pg::Transaction& tx) const {
  const pg::Params key = KeyOf(*this);
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx.Execute(kSelectReservation, key));
  if (row.Rows() == 0) return std::nullopt;
  ledger::Reservation reservation{reservation_id,
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

absl::StatusOr<std::vector<MemberKey>> MembersWithTimedOutReservations(pg::Transaction& tx,
                                                                       absl::Time now,
                                                                       int32_t limit) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result rows,
                           tx.Execute(kReservationCandidates, pg::Params().Add(now).Add(limit)));
  return MemberKeysOf(rows);
}

absl::StatusOr<int64_t> CountTimedOutReservations(pg::Transaction& tx, const std::string& org_id,
                                                  const std::string& member_id, absl::Time now) {
  LOYALTY_ASSIGN_OR_RETURN(
      pg::Result count,
      tx.Execute(kOpenExpiredReservations, pg::Params().Add(org_id).Add(member_id).Add(now)));
  return count.Int64(0, 0);
}

}  // namespace loyalty::store
