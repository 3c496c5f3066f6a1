#include "libs/store/lots.h"

#include "libs/base/status_macros.h"

namespace loyalty::store {
namespace {

// A lot expires when its date passed, or when its type expires on inactivity and the member's
// last earn or burn in the program (enrolment when none) is that many days ago.
#define LOYALTY_LOT_PAST_DATE " l.expires_at <= $1"
#define LOYALTY_ENROLMENT_INACTIVE                                                           \
  " pt.expiry_kind = 'inactivity_days' AND coalesce(e.last_activity_at, e.enrolled_at)"     \
  " + make_interval(days => pt.expiry_days) <= $1"
#define LOYALTY_EXPIRED_LOT_CONDITION \
  " l.remaining > l.held AND (" LOYALTY_LOT_PAST_DATE " OR (" LOYALTY_ENROLMENT_INACTIVE "))"
#define LOYALTY_EXPIRED_LOT_JOINS                                                         \
  " FROM lots l JOIN point_types pt ON pt.org_id = l.org_id AND pt.program_id = l.program_id" \
  " AND pt.code = l.point_type JOIN enrolments e ON e.org_id = l.org_id"                  \
  " AND e.member_id = l.member_id AND e.program_id = l.program_id"

// The members LOYALTY_EXPIRED_LOT_CONDITION finds a lot of, in two parts that each read only
// what can be due, since the worker asks every round: lots past their date through the partial
// index lots_expiring, and the enrolments of programs with an inactivity type (none in most orgs)
// with a free lot of that type. One condition over every open lot read all of them: 640 ms a
// round on 96,000 lots, by hand.
constexpr pg::Statement kExpiryCandidates{
    "worker_expiry_candidates",
    "SELECT l.org_id, l.member_id FROM lots l"
    " WHERE l.remaining > 0 AND l.expires_at IS NOT NULL AND" LOYALTY_LOT_PAST_DATE
    " AND l.remaining > l.held"
    " UNION"
    " SELECT e.org_id, e.member_id FROM point_types pt JOIN enrolments e"
    " ON e.org_id = pt.org_id AND e.program_id = pt.program_id"
    " WHERE" LOYALTY_ENROLMENT_INACTIVE " AND EXISTS (SELECT 1 FROM lots l"
    " WHERE l.org_id = e.org_id AND l.member_id = e.member_id AND l.program_id = e.program_id"
    " AND l.point_type = pt.code AND l.remaining > l.held)"
    " LIMIT $2"};

constexpr pg::Statement kExpiredLots{
    "worker_expired_lots",
    "SELECT l.lot_id, l.program_id, l.point_type, l.subtype, l.amount, l.remaining, l.held,"
    " l.redeemable, l.awarded_at, l.available_at, l.expires_at" LOYALTY_EXPIRED_LOT_JOINS
    " WHERE l.org_id = $2 AND l.member_id = $3 AND" LOYALTY_EXPIRED_LOT_CONDITION
    " ORDER BY l.lot_id"};

}  // namespace

absl::StatusOr<std::vector<MemberKey>> MembersWithExpiredLots(pg::Transaction& tx,
                                                              absl::Time now, int32_t limit) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result rows,
                           tx.Execute(kExpiryCandidates, pg::Params().Add(now).Add(limit)));
  return MemberKeysOf(rows);
}

absl::StatusOr<std::vector<ledger::Lot>> LoadExpiredLots(pg::Transaction& tx,
                                                         const std::string& org_id,
                                                         const std::string& member_id,
                                                         absl::Time now) {
  LOYALTY_ASSIGN_OR_RETURN(
      pg::Result rows, tx.Execute(kExpiredLots, pg::Params().Add(now).Add(org_id).Add(member_id)));
  std::vector<ledger::Lot> lots;
  lots.reserve(static_cast<size_t>(rows.Rows()));
  for (int i = 0; i < rows.Rows(); ++i) lots.push_back(LotFromRow(rows, i));
  return lots;
}

}  // namespace loyalty::store
