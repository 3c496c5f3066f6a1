#include "libs/store/member_repository.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/member.h"
#include "libs/store/catalog.h"
#include "libs/store/operation.h"
#include "libs/wire/balances.h"

namespace loyalty::store {
namespace {

constexpr pg::Statement kLockMember{
    "member_lock", "SELECT member_id FROM members WHERE org_id = $1 AND member_id = $2 FOR UPDATE"};

// The lock of a command, which also tells whether the member has reservations to release.
constexpr pg::Statement kLockMemberForCommand{
    "member_lock_for_command",
    "SELECT EXISTS (SELECT 1 FROM reservations r WHERE r.org_id = m.org_id"
    " AND r.member_id = m.member_id AND r.status = 'open' AND r.expires_at <= $3),"
    " m.last_operation_at FROM members m WHERE m.org_id = $1 AND m.member_id = $2 FOR UPDATE OF m"};

constexpr pg::Statement kSelectMember{
    "member_select",
    "SELECT kind, status, state_version FROM members WHERE org_id = $1 AND member_id = $2"};

// The member's enrolments, lots and totals are read only when the member's state version is not
// $3, the version of a cached state (-1 reads them always). The condition is one sub-select,
// evaluated once: when it fails, nothing is scanned.
constexpr char kUnlessCached[] =
    " AND $3::bigint <> (SELECT state_version FROM members v WHERE v.org_id = $1"
    " AND v.member_id = $2)";

const std::string kSelectEnrolmentsSql = absl::StrCat(
    "SELECT program_id, coalesce(tier, ''), debt, period_start, period_end, tier_reached_at"
    " FROM enrolments WHERE org_id = $1 AND member_id = $2",
    kUnlessCached, " ORDER BY program_id");
const pg::Statement kSelectEnrolments{"member_select_enrolments", kSelectEnrolmentsSql.c_str()};

const std::string kSelectLotsSql = absl::StrCat(
    "SELECT lot_id, program_id, point_type, subtype, amount, remaining, held, redeemable,"
    " awarded_at, available_at, expires_at FROM lots"
    " WHERE org_id = $1 AND member_id = $2 AND remaining > 0",
    kUnlessCached, " ORDER BY lot_id");
const pg::Statement kSelectLots{"member_select_lots", kSelectLotsSql.c_str()};

// Lots still pending at $4 stay apart by their availability, so that the summaries give the
// right balances at any later time too (what is available stays available). MergeLotSummaries
// is the same in C++.
const std::string kSelectLotSummariesSql = absl::StrCat(
    "SELECT min(lot_id), program_id, point_type, min(subtype), sum(amount)::bigint,"
    " sum(remaining)::bigint, sum(held)::bigint, redeemable, min(awarded_at),"
    " CASE WHEN bool_and(available_at > $4) THEN min(available_at) ELSE max(available_at) END,"
    " expires_at FROM lots WHERE org_id = $1 AND member_id = $2 AND remaining > 0",
    kUnlessCached,
    " GROUP BY program_id, point_type, redeemable, expires_at,"
    " CASE WHEN available_at > $4 THEN available_at END ORDER BY 1");
const pg::Statement kSelectLotSummaries{"member_select_lot_summaries",
                                        kSelectLotSummariesSql.c_str()};

const std::string kSelectTotalsSql = absl::StrCat(
    "SELECT program_id, point_type, lifetime, qualifying FROM point_totals"
    " WHERE org_id = $1 AND member_id = $2",
    kUnlessCached, " ORDER BY program_id, point_type");
const pg::Statement kSelectTotals{"member_select_totals", kSelectTotalsSql.c_str()};

constexpr pg::Statement kSelectExpiredHolds{
    "member_select_expired_holds",
    "SELECT rl.lot_id, rl.points FROM reservations r JOIN reservation_lots rl"
    " ON rl.org_id = r.org_id AND rl.member_id = r.member_id"
    " AND rl.reservation_id = r.reservation_id"
    " WHERE r.org_id = $1 AND r.member_id = $2 AND r.status = 'open' AND r.expires_at <= $3"
    " ORDER BY rl.lot_id"};

constexpr pg::Statement kExpireReservations{
    "member_expire_reservations",
    "UPDATE reservations SET status = 'expired', resolved_at = $3"
    " WHERE org_id = $1 AND member_id = $2 AND status = 'open' AND expires_at <= $3"};

// The members, each once, in the one lock order of the platform.
std::vector<std::string> InLockOrder(std::vector<std::string> member_ids) {
  std::sort(member_ids.begin(), member_ids.end());
  member_ids.erase(std::unique(member_ids.begin(), member_ids.end()), member_ids.end());
  return member_ids;
}

absl::Status ReleaseExpiredReservations(pg::Transaction& tx, const std::string& org_id,
                                        const std::string& member_id, absl::Time now) {
  pg::Params params;
  params.Add(org_id).Add(member_id).Add(now);
  LOYALTY_ASSIGN_OR_RETURN(pg::Result holds, tx.Execute(kSelectExpiredHolds, params));
  if (holds.Rows() == 0) return absl::OkStatus();
  LOYALTY_ASSIGN_OR_RETURN(Operation operation,
                           Operation::Begin(tx, org_id, "ReleaseExpiredReservations", kWorkerCaller,
                                            /*trace_id=*/"", now));
  for (int i = 0; i < holds.Rows(); ++i) {
    LOYALTY_RETURN_IF_ERROR(operation.Write(
        ledger::LotChange{ledger::LotChange::Kind::kHold, member_id, holds.Int64(i, 0), -holds.Int64(i, 1)}));
  }
  LOYALTY_RETURN_IF_ERROR(tx.Execute(kExpireReservations, params).status());
  return operation.Commit().status();
}

}  // namespace

absl::Status LockMembers(pg::Transaction& tx, const std::string& org_id,
                         std::vector<std::string> member_ids) {
  for (const std::string& member_id : InLockOrder(std::move(member_ids))) {
    LOYALTY_ASSIGN_OR_RETURN(pg::Result row,
                             tx.Execute(kLockMember, pg::Params().Add(org_id).Add(member_id)));
    if (row.Rows() == 0) return NotFound("member", member_id);
  }
  return absl::OkStatus();
}

absl::Status LockForCommand(pg::Transaction& tx, const std::string& org_id,
                            std::vector<std::string> member_ids, absl::Time* now) {
  const absl::Time asked = *now;  // the time the lock statements were prefetched with
  for (const std::string& member_id : InLockOrder(std::move(member_ids))) {
    const pg::Params params = pg::Params().Add(org_id).Add(member_id).Add(asked);
    LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx.Execute(kLockMemberForCommand, params));
    if (row.Rows() == 0) return NotFound("member", member_id);
    if (row.Bool(0, 0))
      LOYALTY_RETURN_IF_ERROR(ReleaseExpiredReservations(tx, org_id, member_id, asked));
    if (std::optional<absl::Time> last = row.OptionalTime(0, 1)) *now = std::max(*now, *last);
  }
  return absl::OkStatus();
}

void MemberLock::Declare(pg::Transaction& tx) const {
  for (const std::string& member_id : InLockOrder(member_ids)) {
    tx.Prefetch(kLockMemberForCommand, pg::Params().Add(org_id).Add(member_id).Add(now));
  }
}

absl::StatusOr<absl::Time> MemberLock::Load(pg::Transaction& tx) const {
  absl::Time raised = now;
  LOYALTY_RETURN_IF_ERROR(LockForCommand(tx, org_id, member_ids, &raised));
  return raised;
}

namespace {

// The cached state `read` may use instead of reading (null when none).
const ledger::MemberState* UsableCache(const MemberRead& read) {
  const ledger::MemberState* cached = read.cached.get();
  if (cached == nullptr || !cached->lots_summarised_at.has_value()) return cached;
  // Summaries serve a caller that takes summaries, at their time or later.
  if (!read.summarised_at.has_value() || *read.summarised_at < *cached->lots_summarised_at) {
    return nullptr;
  }
  return cached;
}

// The four reads of LoadMember, in order.
std::vector<pg::Query> MemberQueries(const std::string& org_id, const std::string& member_id,
                                     const MemberRead& read) {
  const ledger::MemberState* cached = UsableCache(read);
  const pg::Params key = pg::Params().Add(org_id).Add(member_id);
  pg::Params unless_cached = key;
  unless_cached.Add(cached != nullptr ? cached->state_version : int64_t{-1});
  pg::Params lots = unless_cached;
  if (read.summarised_at.has_value()) lots.Add(*read.summarised_at);
  return {{&kSelectMember, key},
          {&kSelectEnrolments, unless_cached},
          {read.summarised_at.has_value() ? &kSelectLotSummaries : &kSelectLots, lots},
          {&kSelectTotals, unless_cached}};
}

}  // namespace

void MemberLoad::Declare(pg::Transaction& tx) const {
  for (pg::Query& query : MemberQueries(org_id, member_id, read)) {
    tx.Prefetch(*query.statement, std::move(query.params));
  }
}

absl::StatusOr<ledger::MemberState> LoadMember(pg::Transaction& tx, const std::string& org_id,
                                               const std::string& member_id,
                                               const MemberRead& read) {
  const std::vector<pg::Query> queries = MemberQueries(org_id, member_id, read);
  std::vector<pg::Result> rows;
  for (const pg::Query& query : queries) {
    LOYALTY_ASSIGN_OR_RETURN(pg::Result result, tx.Execute(*query.statement, query.params));
    if (rows.empty() && result.Rows() == 0) return NotFound("member", member_id);
    rows.push_back(std::move(result));
  }
  const pg::Result& member_row = rows[0];
  const int64_t version = member_row.Int64(0, 2);
  const ledger::MemberState* cached = UsableCache(read);
  const bool current = cached != nullptr && cached->state_version == version;
  ledger::MemberState member = current ? *cached : ledger::MemberState();
  member.member_id = member_id;
  member.kind = std::string(member_row.Text(0, 0));
  member.status = std::string(member_row.Text(0, 1));
  if (current) {
    // Summaries of an earlier time are summaries now too; stamped now, the next merge
    // (MemberCache::Put) joins the lots that became available since.
    if (member.lots_summarised_at.has_value()) member.lots_summarised_at = read.summarised_at;
    return member;
  }
  member.state_version = version;
  member.lots_summarised_at = read.summarised_at;
  AddMemberRows(rows[1], rows[2], rows[3], &member);
  return member;
}

ledger::Lot LotFromRow(const pg::Result& lots, int row) {
  ledger::Lot lot;
  lot.lot_id = lots.Int64(row, 0);
  lot.program_id = std::string(lots.Text(row, 1));
  lot.point_type = std::string(lots.Text(row, 2));
  lot.subtype = std::string(lots.Text(row, 3));
  lot.amount = lots.Int64(row, 4);
  lot.remaining = lots.Int64(row, 5);
  lot.held = lots.Int64(row, 6);
  lot.redeemable = lots.Bool(row, 7);
  lot.awarded_at = lots.Time(row, 8);
  lot.available_at = lots.Time(row, 9);
  lot.expires_at = lots.OptionalTime(row, 10);
  return lot;
}

void AddMemberRows(const pg::Result& enrolments, const pg::Result& lots, const pg::Result& totals,
                   ledger::MemberState* member) {
  for (int i = 0; i < enrolments.Rows(); ++i) {
    member->enrolments.push_back({std::string(enrolments.Text(i, 0)),
                                  std::string(enrolments.Text(i, 1)), enrolments.OptionalTime(i, 5),
                                  enrolments.Int64(i, 2), enrolments.Time(i, 3),
                                  enrolments.Time(i, 4)});
  }
  for (int i = 0; i < lots.Rows(); ++i) member->lots.push_back(LotFromRow(lots, i));
  for (int i = 0; i < totals.Rows(); ++i) {
    member->totals.push_back({std::string(totals.Text(i, 0)), std::string(totals.Text(i, 1)),
                              totals.Int64(i, 2), totals.Int64(i, 3)});
  }
}

absl::Status FillBalancesAfter(pg::Transaction& tx, const std::string& org_id,
                               const ledger::MemberState& after, absl::Time now, ConfigCache* cache,
                               v1::Balances* balances) {
  // The command checked the configuration version earlier in this transaction.
  std::optional<ledger::GroupValuation> valuation = LatestGroupValuation(org_id, cache);
  if (!valuation.has_value()) {
    LOYALTY_ASSIGN_OR_RETURN(valuation, LoadGroupValuation(tx, org_id, cache));
  }
  wire::ToBalances(after, now, *valuation, balances);
  return absl::OkStatus();
}

absl::Status FillBalances(pg::Transaction& tx, const std::string& org_id,
                          const std::string& member_id, absl::Time now, ConfigCache* cache,
                          v1::Balances* balances) {
  LOYALTY_ASSIGN_OR_RETURN(ledger::GroupValuation valuation, LoadGroupValuation(tx, org_id, cache));
  LOYALTY_ASSIGN_OR_RETURN(ledger::MemberState member, LoadMember(tx, org_id, member_id));
  wire::ToBalances(member, now, valuation, balances);
  return absl::OkStatus();
}

std::vector<MemberKey> MemberKeysOf(const pg::Result& rows) {
  std::vector<MemberKey> members;
  members.reserve(static_cast<size_t>(rows.Rows()));
  for (int i = 0; i < rows.Rows(); ++i) {
    members.push_back({std::string(rows.Text(i, 0)), std::string(rows.Text(i, 1))});
  }
  return members;
}

}  // namespace loyalty::store
