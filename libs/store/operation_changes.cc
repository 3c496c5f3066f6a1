// Operation's changes of lots, point totals and enrolments: deferred for the members it tracks,
// at once (returning the row) for the others.
#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/change_set.h"
#include "libs/ledger/limits.h"
#include "libs/pg/connection.h"
#include "libs/store/member_repository.h"
#include "libs/store/operation.h"
#include "libs/wire/time.h"

namespace loyalty::store {
namespace {
// A tracked lot's change: the member lock makes the tracked state exact, and the lots' CHECK
// constraints refuse a change that the state did not allow.
constexpr pg::Statement kChangeLot{"operation_change_lot",
                                   "UPDATE lots SET remaining = remaining + $4, held = held + $5"
                                   " WHERE org_id = $1 AND member_id = $2 AND lot_id = $3"};

// Changes of lots the operation does not track, which return the lot.
constexpr char kLotColumns[] =
    "lot_id, program_id, point_type, subtype, amount, remaining, held, redeemable,"
    " awarded_at, available_at, expires_at";

const std::string kConsumeLotSql = absl::StrCat(
    "UPDATE lots SET remaining = remaining - $4"
    " WHERE org_id = $1 AND member_id = $2 AND lot_id = $3 AND remaining - held >= $4"
    " RETURNING ",
    kLotColumns);
const pg::Statement kConsumeLot{"operation_consume_lot", kConsumeLotSql.c_str()};

const std::string kRestoreLotSql = absl::StrCat(
    "UPDATE lots SET remaining = remaining + $4"
    " WHERE org_id = $1 AND member_id = $2 AND lot_id = $3 AND remaining + $4 <= amount"
    " RETURNING ",
    kLotColumns);
const pg::Statement kRestoreLot{"operation_restore_lot", kRestoreLotSql.c_str()};

const std::string kChangeHoldSql = absl::StrCat(
    "UPDATE lots SET held = held + $4"
    " WHERE org_id = $1 AND member_id = $2 AND lot_id = $3 AND held + $4 BETWEEN 0 AND remaining"
    " RETURNING ",
    kLotColumns);
const pg::Statement kChangeHold{"operation_change_hold", kChangeHoldSql.c_str()};

constexpr pg::Statement kAddTotals{
    "operation_add_totals",
    "INSERT INTO point_totals AS t (org_id, member_id, program_id, point_type, lifetime,"
    " qualifying) VALUES ($1, $2, $3, $4, $5, $6)"
    " ON CONFLICT (org_id, member_id, program_id, point_type) DO UPDATE"
    " SET lifetime = t.lifetime + EXCLUDED.lifetime,"
    " qualifying = t.qualifying + EXCLUDED.qualifying"
    " RETURNING lifetime, qualifying"};

constexpr pg::Statement kChangeEnrolment{
    "operation_change_enrolment",
    "UPDATE enrolments SET debt = debt + $4,"
    " tier = CASE WHEN $5 THEN NULLIF($6, '') ELSE tier END,"
    " tier_reached_at = CASE WHEN $5 THEN $7 ELSE tier_reached_at END,"
    " last_activity_at = CASE WHEN $8 THEN $7 ELSE last_activity_at END"
    " WHERE org_id = $1 AND member_id = $2 AND program_id = $3"
    " RETURNING coalesce(tier, ''), debt, period_start, period_end"};

constexpr pg::Statement kRenewPeriod{
    "operation_renew_period",
    "UPDATE enrolments SET tier = NULLIF($4, ''), tier_reached_at = NULL, period_start = $5,"
    " period_end = $6 WHERE org_id = $1 AND member_id = $2 AND program_id = $3"
    " RETURNING coalesce(tier, ''), debt, period_start, period_end"};

// numeric_value_out_of_range: a total written for a member the operation does not track went
// past bigint.
constexpr absl::string_view kNumericOutOfRange = "22003";

// Runs a write of a member the operation does not track: a total it takes past bigint is the
// member's bounds passed (`what` names the total), not a failure of the database.
absl::StatusOr<pg::Result> ExecuteUntracked(pg::Transaction& tx, const pg::Statement& statement,
                                            const pg::Params& params, absl::string_view what,
                                            const std::string& program_id) {
  absl::StatusOr<pg::Result> result = tx.Execute(statement, params);
  if (!result.ok() && pg::SqlStateOf(result.status()) == kNumericOutOfRange) {
    return ledger::Exceeded(what, program_id);
  }
  return result;
}

}  // namespace

absl::Status Operation::ChangeLot(const ledger::LotChange& change) {
  const pg::Statement& untracked = change.kind == ledger::LotChange::Kind::kConsume ? kConsumeLot
                                   : change.kind == ledger::LotChange::Kind::kRestore
                                       ? kRestoreLot
                                       : kChangeHold;
  ledger::Lot* lot = TrackedLot(change.member_id, change.lot_id);
  if (lot == nullptr) {
    pg::Params params;
    params.Add(event_.org_id()).Add(change.member_id).Add(change.lot_id).Add(change.points);
    LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx_->Execute(untracked, params));
    if (row.Rows() != 1) {
      return absl::InternalError(absl::StrCat(untracked.name, ": lot ", change.lot_id,
                                              " of member ", change.member_id, " cannot take ",
                                              change.points, " points"));
    }
    const ledger::Lot changed = LotFromRow(row, 0);
    RecordLot(change.member_id, changed);
    // A tracked member's lot its state left out (consumed to zero): its state after has it now
    // (unless the state holds summaries, which a lot cannot join).
    ledger::MemberState* member = Tracked(change.member_id);
    if (member != nullptr && !member->lots_summarised_at.has_value() && changed.remaining > 0) {
      const auto at = std::lower_bound(
          member->lots.begin(), member->lots.end(), changed,
          [](const ledger::Lot& a, const ledger::Lot& b) { return a.lot_id < b.lot_id; });
      member->lots.insert(at, changed);
    }
    return absl::OkStatus();
  }
  const ledger::Lot before = *lot;
  LOYALTY_RETURN_IF_ERROR(ledger::ChangeLot(change, lot));
  pg::Params params;
  params.Add(event_.org_id())
      .Add(change.member_id)
      .Add(change.lot_id)
      .Add(lot->remaining - before.remaining)
      .Add(lot->held - before.held);
  tx_->Defer(kChangeLot, std::move(params));
  RecordLot(change.member_id, *lot);
  return absl::OkStatus();
}

void Operation::RecordTotals(const std::string& member_id, const ledger::PointTotals& state) {
  internal::v1::TotalsState* totals = event_.add_totals();
  totals->set_member_id(member_id);
  totals->set_program_id(state.program_id);
  totals->set_point_type(state.point_type);
  totals->set_lifetime(state.lifetime);
  totals->set_qualifying(state.qualifying);
}

absl::Status Operation::AddTotals(const ledger::TotalsChange& change) {
  pg::Params params;
  params.Add(event_.org_id())
      .Add(change.member_id)
      .Add(change.program_id)
      .Add(change.point_type)
      .Add(change.lifetime)
      .Add(change.qualifying);
  ledger::MemberState* member = Tracked(change.member_id);
  if (member == nullptr) {
    LOYALTY_ASSIGN_OR_RETURN(pg::Result row, ExecuteUntracked(*tx_, kAddTotals, params,
                                                              "point totals", change.program_id));
    const ledger::PointTotals totals{change.program_id, change.point_type, row.Int64(0, 0),
                                     row.Int64(0, 1)};
    if (!ledger::WithinBalanceLimit(totals.lifetime) ||
        !ledger::WithinBalanceLimit(totals.qualifying)) {
      return ledger::Exceeded("point totals", change.program_id);
    }
    RecordTotals(change.member_id, totals);
    return absl::OkStatus();
  }
  tx_->Defer(kAddTotals, std::move(params));
  ledger::AddTotals(change, member);
  for (const ledger::PointTotals& totals : member->totals) {
    if (totals.program_id == change.program_id && totals.point_type == change.point_type) {
      RecordTotals(change.member_id, totals);
    }
  }
  return absl::OkStatus();
}

absl::Status Operation::ChangeEnrolment(const ledger::EnrolmentChange& change) {
  pg::Params params;
  params.Add(event_.org_id())
      .Add(change.member_id)
      .Add(change.program_id)
      .Add(change.debt)
      .Add(change.tier.has_value())
      .Add(change.tier.value_or(""))
      .Add(now_)
      .Add(change.mark_activity);
  std::optional<ledger::Enrolment> changed;
  if (const ledger::Enrolment* before = TrackedEnrolment(change.member_id, change.program_id)) {
    changed = *before;
    ledger::ChangeEnrolment(change, now_, &*changed);
  }
  return WriteEnrolment(kChangeEnrolment, std::move(params), change.member_id, change.program_id,
                        changed ? &*changed : nullptr);
}

absl::Status Operation::RenewPeriod(const ledger::PeriodRenewal& renewal) {
  pg::Params params;
  params.Add(event_.org_id())
      .Add(renewal.member_id)
      .Add(renewal.program_id)
      .Add(renewal.tier)
      .Add(renewal.start)
      .Add(renewal.end);
  std::optional<ledger::Enrolment> changed;
  if (const ledger::Enrolment* before = TrackedEnrolment(renewal.member_id, renewal.program_id)) {
    changed = *before;
    ledger::RenewPeriod(renewal, &*changed);
  }
  return WriteEnrolment(kRenewPeriod, std::move(params), renewal.member_id, renewal.program_id,
                        changed ? &*changed : nullptr);
}

ledger::Enrolment* Operation::TrackedEnrolment(const std::string& member_id,
                                               const std::string& program_id) {
  ledger::MemberState* member = Tracked(member_id);
  if (member == nullptr) return nullptr;
  for (ledger::Enrolment& enrolment : member->enrolments) {
    if (enrolment.program_id == program_id) return &enrolment;
  }
  return nullptr;
}

absl::Status Operation::WriteEnrolment(const pg::Statement& statement, pg::Params params,
                                       const std::string& member_id, const std::string& program_id,
                                       const ledger::Enrolment* changed) {
  ledger::Enrolment* tracked = TrackedEnrolment(member_id, program_id);
  ledger::Enrolment state;
  if (tracked != nullptr) {
    tx_->Defer(statement, std::move(params));
    *tracked = *changed;
    state = *changed;
  } else {
    LOYALTY_ASSIGN_OR_RETURN(pg::Result row,
                             ExecuteUntracked(*tx_, statement, params, "debt", program_id));
    if (row.Rows() != 1) {
      return absl::InternalError(absl::StrCat("no enrolment of ", member_id, " in ", program_id));
    }
    state.program_id = program_id;
    state.tier = std::string(row.Text(0, 0));
    state.debt = row.Int64(0, 1);
    if (!ledger::WithinBalanceLimit(state.debt)) return ledger::Exceeded("debt", program_id);
    state.period_start = row.Time(0, 2);
    state.period_end = row.Time(0, 3);
  }
  RecordEnrolment(member_id, state);
  return absl::OkStatus();
}

void Operation::RecordEnrolment(const std::string& member_id, const ledger::Enrolment& state) {
  internal::v1::EnrolmentState* enrolment = event_.add_enrolments();
  enrolment->set_member_id(member_id);
  enrolment->set_program_id(state.program_id);
  enrolment->set_tier(state.tier);
  enrolment->set_debt(state.debt);
  wire::ToTimestamp(state.period_start, enrolment->mutable_period_start());
  wire::ToTimestamp(state.period_end, enrolment->mutable_period_end());
}

}  // namespace loyalty::store
