// Operation's changes of lots, point totals and enrolments: deferred for the members it tracks,
// at once (returning the row) for the others.
#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/base/status_macros.h"
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

absl::Status Operation::ConsumeLot(const std::string& member_id, int64_t lot_id,
                                   ledger::Points points) {
  return ChangeLot(LotChange::kConsume, member_id, lot_id, points);
}

absl::Status Operation::RestoreLot(const std::string& member_id, int64_t lot_id,
                                   ledger::Points points) {
  return ChangeLot(LotChange::kRestore, member_id, lot_id, points);
}

absl::Status Operation::ChangeHold(const std::string& member_id, int64_t lot_id,
                                   ledger::Points points) {
  return ChangeLot(LotChange::kHold, member_id, lot_id, points);
}

absl::Status Operation::ChangeLot(LotChange change, const std::string& member_id, int64_t lot_id,
                                  ledger::Points points) {
  const pg::Statement& untracked = change == LotChange::kConsume   ? kConsumeLot
                                   : change == LotChange::kRestore ? kRestoreLot
                                                                   : kChangeHold;
  ledger::Lot* lot = TrackedLot(member_id, lot_id);
  if (lot == nullptr) {
    pg::Params params;
    params.Add(event_.org_id()).Add(member_id).Add(lot_id).Add(points);
    LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx_->Execute(untracked, params));
    if (row.Rows() != 1) {
      return absl::InternalError(absl::StrCat(untracked.name, ": lot ", lot_id, " of member ",
                                              member_id, " cannot take ", points, " points"));
    }
    RecordLot(member_id, LotFromRow(row, 0));
    return absl::OkStatus();
  }
  const ledger::Points remaining_delta = change == LotChange::kConsume   ? -points
                                         : change == LotChange::kRestore ? points
                                                                         : 0;
  const ledger::Points held_delta = change == LotChange::kHold ? points : 0;
  const ledger::Points remaining = lot->remaining + remaining_delta;
  const ledger::Points held = lot->held + held_delta;
  if (remaining < 0 || remaining > lot->amount || held < 0 || held > remaining) {
    return absl::InternalError(absl::StrCat(untracked.name, ": lot ", lot_id, " of member ",
                                            member_id, " cannot take ", points, " points"));
  }
  lot->remaining = remaining;
  lot->held = held;
  pg::Params params;
  params.Add(event_.org_id()).Add(member_id).Add(lot_id).Add(remaining_delta).Add(held_delta);
  tx_->Defer(kChangeLot, std::move(params));
  RecordLot(member_id, *lot);
  return absl::OkStatus();
}

void Operation::RecordTotals(const std::string& member_id, const ledger::PointTotals& state) {
  v1::TotalsState* totals = event_.add_totals();
  totals->set_member_id(member_id);
  totals->set_program_id(state.program_id);
  totals->set_point_type(state.point_type);
  totals->set_lifetime(state.lifetime);
  totals->set_qualifying(state.qualifying);
}

absl::Status Operation::AddTotals(const std::string& member_id, const std::string& program_id,
                                  const std::string& point_type, ledger::Points lifetime_delta,
                                  ledger::Points qualifying_delta) {
  pg::Params params;
  params.Add(event_.org_id())
      .Add(member_id)
      .Add(program_id)
      .Add(point_type)
      .Add(lifetime_delta)
      .Add(qualifying_delta);
  ledger::MemberState* member = Tracked(member_id);
  if (member == nullptr) {
    LOYALTY_ASSIGN_OR_RETURN(
        pg::Result row, ExecuteUntracked(*tx_, kAddTotals, params, "point totals", program_id));
    const ledger::PointTotals totals{program_id, point_type, row.Int64(0, 0), row.Int64(0, 1)};
    if (!ledger::WithinBalanceLimit(totals.lifetime) ||
        !ledger::WithinBalanceLimit(totals.qualifying)) {
      return ledger::Exceeded("point totals", program_id);
    }
    RecordTotals(member_id, totals);
    return absl::OkStatus();
  }
  tx_->Defer(kAddTotals, std::move(params));
  auto totals =
      std::find_if(member->totals.begin(), member->totals.end(), [&](const ledger::PointTotals& t) {
        return t.program_id == program_id && t.point_type == point_type;
      });
  if (totals == member->totals.end()) {
    member->totals.push_back({program_id, point_type, 0, 0});
    totals = member->totals.end() - 1;
  }
  totals->lifetime += lifetime_delta;
  totals->qualifying += qualifying_delta;
  RecordTotals(member_id, *totals);
  return absl::OkStatus();
}

absl::Status Operation::ChangeEnrolment(const std::string& member_id, const std::string& program_id,
                                        ledger::Points debt_delta, std::optional<std::string> tier,
                                        bool mark_activity) {
  pg::Params params;
  params.Add(event_.org_id())
      .Add(member_id)
      .Add(program_id)
      .Add(debt_delta)
      .Add(tier.has_value())
      .Add(tier.value_or(""))
      .Add(now_)
      .Add(mark_activity);
  ledger::Enrolment changed;
  if (const ledger::Enrolment* before = TrackedEnrolment(member_id, program_id)) {
    changed = *before;
    changed.debt += debt_delta;
    if (tier.has_value()) {
      changed.tier = *tier;
      changed.tier_reached_at = now_;
    }
  }
  return WriteEnrolment(kChangeEnrolment, std::move(params), member_id, program_id, changed);
}

absl::Status Operation::RenewPeriod(const std::string& member_id, const std::string& program_id,
                                    const std::string& tier, absl::Time start, absl::Time end) {
  pg::Params params;
  params.Add(event_.org_id()).Add(member_id).Add(program_id).Add(tier).Add(start).Add(end);
  ledger::Enrolment changed;
  if (const ledger::Enrolment* before = TrackedEnrolment(member_id, program_id)) {
    changed = *before;
    changed.tier = tier;
    changed.tier_reached_at = std::nullopt;
    changed.period_start = start;
    changed.period_end = end;
  }
  return WriteEnrolment(kRenewPeriod, std::move(params), member_id, program_id, changed);
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
                                       const ledger::Enrolment& changed) {
  ledger::Enrolment* tracked = TrackedEnrolment(member_id, program_id);
  ledger::Enrolment state = changed;
  if (tracked != nullptr) {
    tx_->Defer(statement, std::move(params));
    *tracked = changed;
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
  v1::EnrolmentState* enrolment = event_.add_enrolments();
  enrolment->set_member_id(member_id);
  enrolment->set_program_id(program_id);
  enrolment->set_tier(state.tier);
  enrolment->set_debt(state.debt);
  wire::ToTimestamp(state.period_start, enrolment->mutable_period_start());
  wire::ToTimestamp(state.period_end, enrolment->mutable_period_end());
  return absl::OkStatus();
}

}  // namespace loyalty::store
