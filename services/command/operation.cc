#include "services/command/operation.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "libs/base/check.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/limits.h"
#include "libs/pg/connection.h"
#include "libs/rpc/convert.h"

namespace loyalty::command {
namespace {

// Ids for one operation. The ledger position is drawn only once the transaction has its
// transaction id (pg_current_xact_id() assigns one), so the projector's horizon covers it.
const std::string kAllocateIdsSql = absl::StrCat(
    "SELECT nextval('operation_ids'),"
    " CASE WHEN pg_current_xact_id() IS NOT NULL THEN nextval('outbox_position_seq') END,"
    " ARRAY(SELECT nextval('lots_lot_id_seq') FROM generate_series(1, ", Operation::kLotIds, ")),"
    " ARRAY(SELECT nextval('ledger_entries_entry_id_seq') FROM generate_series(1, ",
    Operation::kEntryIds, "))");
const pg::Statement kAllocateIds{"operation_allocate_ids", kAllocateIdsSql.c_str()};
constexpr pg::Statement kNextLotId{"operation_next_lot_id", "SELECT nextval('lots_lot_id_seq')"};
constexpr pg::Statement kNextEntryId{"operation_next_entry_id",
                                     "SELECT nextval('ledger_entries_entry_id_seq')"};

constexpr pg::Statement kInsertEntry{
    "operation_insert_entry",
    "INSERT INTO ledger_entries (entry_id, org_id, member_id, operation_id, program_id,"
    " point_type, kind, points, order_ref, description, actor, created_at, caller)"
    " OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULLIF($9, ''),"
    " NULLIF($10, ''), NULLIF($11, ''), $12, $13)"};

constexpr pg::Statement kInsertLot{
    "operation_insert_lot",
    "INSERT INTO lots (lot_id, org_id, member_id, program_id, point_type, subtype, redeemable,"
    " amount, remaining, awarded_at, available_at, expires_at, operation_id, order_ref,"
    " origin_lot_id) OVERRIDING SYSTEM VALUE"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11, $12, NULLIF($13, ''), $14)"};

// A tracked lot's change: the member lock makes the tracked state exact, and the lots' CHECK
// constraints refuse a change that the state did not allow.
constexpr pg::Statement kChangeLot{
    "operation_change_lot",
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

// Every member whose state the operation changed: see MemberState::state_version, and
// LockForCommand for the time of its last operation.
constexpr pg::Statement kBumpStateVersion{
    "operation_bump_state_version",
    "UPDATE members SET state_version = state_version + 1,"
    " last_operation_at = greatest(last_operation_at, $3) WHERE org_id = $1 AND member_id = $2"};

constexpr pg::Statement kInsertOutbox{
    "operation_insert_outbox",
    "INSERT INTO outbox (position, org_id, event) OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3)"};

// "{12,13}" (a bigint[] in text form) -> {12, 13}.
std::vector<int64_t> IdsFromArray(std::string_view text) {
  absl::string_view inner(text.data(), text.size());
  inner = absl::StripPrefix(absl::StripSuffix(inner, "}"), "{");
  std::vector<int64_t> ids;
  for (absl::string_view part : absl::StrSplit(inner, ',', absl::SkipEmpty())) {
    int64_t id = 0;
    LOYALTY_CHECK(absl::SimpleAtoi(part, &id));
    ids.push_back(id);
  }
  return ids;
}

struct KindName {
  v1::LedgerEntryKind kind;
  const char* name;
};
constexpr KindName kKindNames[] = {
    {v1::LEDGER_ENTRY_KIND_ACCRUAL, "accrual"},
    {v1::LEDGER_ENTRY_KIND_REDEMPTION, "redemption"},
    {v1::LEDGER_ENTRY_KIND_TRANSFER_OUT, "transfer_out"},
    {v1::LEDGER_ENTRY_KIND_TRANSFER_IN, "transfer_in"},
    {v1::LEDGER_ENTRY_KIND_REVERSAL, "reversal"},
    {v1::LEDGER_ENTRY_KIND_EXPIRY, "expiry"},
    {v1::LEDGER_ENTRY_KIND_ADJUSTMENT, "adjustment"},
    {v1::LEDGER_ENTRY_KIND_OVERDRAFT_REPAYMENT, "overdraft_repayment"},
    {v1::LEDGER_ENTRY_KIND_REDEMPTION_CANCELLATION, "redemption_cancellation"},
};

// numeric_value_out_of_range: a total written for a member the operation does not track went
// past bigint.
constexpr absl::string_view kNumericOutOfRange = "22003";

// FAILED_PRECONDITION POINTS_LIMIT_EXCEEDED when the member's state is beyond the bounds.
absl::Status CheckLimits(const MemberState& member) {
  std::vector<ledger::ProgramDebt> debts;
  for (const Enrolment& enrolment : member.enrolments) {
    debts.push_back({enrolment.program_id, enrolment.debt});
  }
  return ledger::CheckBalanceLimits(member.lots, member.totals, debts);
}

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

const char* EntryKindName(v1::LedgerEntryKind kind) {
  for (const KindName& entry : kKindNames) {
    if (entry.kind == kind) return entry.name;
  }
  return "unspecified";
}

v1::LedgerEntryKind EntryKindFromName(absl::string_view name) {
  for (const KindName& entry : kKindNames) {
    if (name == entry.name) return entry.kind;
  }
  return v1::LEDGER_ENTRY_KIND_UNSPECIFIED;
}

void Operation::Prefetch(pg::Transaction& tx) { tx.Prefetch(kAllocateIds, {}); }

absl::StatusOr<Operation> Operation::Begin(pg::Transaction& tx, const std::string& org_id,
                                           const std::string& name, const std::string& caller,
                                           absl::Time now) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx.Execute(kAllocateIds));
  Operation operation(tx, now);
  operation.event_.set_org_id(org_id);
  operation.event_.set_operation_id(row.Int64(0, 0));
  operation.event_.set_operation(name);
  operation.event_.set_caller(caller);
  rpc::ToTimestamp(now, operation.event_.mutable_occurred_at());
  operation.position_ = row.Int64(0, 1);
  operation.lot_ids_ = IdsFromArray(row.Text(0, 2));
  operation.entry_ids_ = IdsFromArray(row.Text(0, 3));
  return operation;
}

void Operation::Track(const MemberState& member) {
  if (MemberState* tracked = Tracked(member.member_id)) {
    *tracked = member;
  } else {
    tracked_.push_back(member);
  }
}

MemberState* Operation::Tracked(const std::string& member_id) {
  return const_cast<MemberState*>(std::as_const(*this).StateAfter(member_id));
}

ledger::Lot* Operation::TrackedLot(const std::string& member_id, int64_t lot_id) {
  MemberState* member = Tracked(member_id);
  if (member == nullptr) return nullptr;
  for (ledger::Lot& lot : member->lots) {
    if (lot.lot_id == lot_id) return &lot;
  }
  return nullptr;
}

absl::StatusOr<int64_t> Operation::NextId(std::vector<int64_t>& reserved,
                                          const pg::Statement& fallback) {
  if (!reserved.empty()) {
    const int64_t id = reserved.front();
    reserved.erase(reserved.begin());
    return id;
  }
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx_->Execute(fallback));
  return row.Int64(0, 0);
}

absl::Status Operation::AddEntry(const EntrySpec& entry) {
  LOYALTY_ASSIGN_OR_RETURN(const int64_t entry_id, NextId(entry_ids_, kNextEntryId));
  pg::Params params;
  params.Add(entry_id).Add(event_.org_id()).Add(entry.member_id).Add(id()).Add(entry.program_id)
      .Add(entry.point_type).Add(EntryKindName(entry.kind)).Add(entry.points)
      .Add(entry.order_ref).Add(entry.description).Add(entry.actor).Add(now_)
      .Add(event_.caller());
  tx_->Defer(kInsertEntry, std::move(params));
  v1::EntryRecord* record = event_.add_entries();
  record->set_entry_id(entry_id);
  record->set_member_id(entry.member_id);
  record->set_program_id(entry.program_id);
  record->set_point_type(entry.point_type);
  record->set_kind(entry.kind);
  record->set_points(entry.points);
  record->set_order_ref(entry.order_ref);
  record->set_description(entry.description);
  rpc::ToTimestamp(now_, record->mutable_created_at());
  return absl::OkStatus();
}

void Operation::RecordLot(const std::string& member_id, const ledger::Lot& state) {
  v1::LotState* lot = event_.add_lots();
  lot->set_member_id(member_id);
  lot->set_lot_id(state.lot_id);
  lot->set_program_id(state.program_id);
  lot->set_point_type(state.point_type);
  lot->set_subtype(state.subtype);
  lot->set_redeemable(state.redeemable);
  lot->set_amount(state.amount);
  lot->set_remaining(state.remaining);
  lot->set_held(state.held);
  rpc::ToTimestamp(state.awarded_at, lot->mutable_awarded_at());
  rpc::ToTimestamp(state.available_at, lot->mutable_available_at());
  rpc::ToOptionalTimestamp(state.expires_at, [&] { return lot->mutable_expires_at(); });
}

absl::StatusOr<ledger::Lot> Operation::CreateLot(const NewLot& lot) {
  LOYALTY_ASSIGN_OR_RETURN(const int64_t lot_id, NextId(lot_ids_, kNextLotId));
  pg::Params params;
  params.Add(lot_id).Add(event_.org_id()).Add(lot.member_id).Add(lot.program_id)
      .Add(lot.point_type).Add(lot.subtype).Add(lot.redeemable).Add(lot.amount).Add(now_)
      .Add(lot.available_at).Add(lot.expires_at).Add(id()).Add(lot.order_ref)
      .Add(lot.origin_lot_id);
  tx_->Defer(kInsertLot, std::move(params));
  ledger::Lot created;
  created.lot_id = lot_id;
  created.program_id = lot.program_id;
  created.point_type = lot.point_type;
  created.subtype = lot.subtype;
  created.amount = lot.amount;
  created.remaining = lot.amount;
  created.redeemable = lot.redeemable;
  created.awarded_at = now_;
  created.available_at = lot.available_at;
  created.expires_at = lot.expires_at;
  RecordLot(lot.member_id, created);
  if (MemberState* member = Tracked(lot.member_id)) member->lots.push_back(created);
  return created;
}

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

absl::Status Operation::ChangeLot(LotChange change, const std::string& member_id,
                                  int64_t lot_id, ledger::Points points) {
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
  params.Add(event_.org_id()).Add(member_id).Add(program_id).Add(point_type)
      .Add(lifetime_delta).Add(qualifying_delta);
  MemberState* member = Tracked(member_id);
  if (member == nullptr) {
    LOYALTY_ASSIGN_OR_RETURN(pg::Result row,
                     ExecuteUntracked(*tx_, kAddTotals, params, "point totals", program_id));
    const ledger::PointTotals totals{program_id, point_type, row.Int64(0, 0), row.Int64(0, 1)};
    if (!ledger::WithinBalanceLimit(totals.lifetime) ||
        !ledger::WithinBalanceLimit(totals.qualifying)) {
      return ledger::Exceeded("point totals", program_id);
    }
    RecordTotals(member_id, totals);
    return absl::OkStatus();
  }
  tx_->Defer(kAddTotals, std::move(params));
  auto totals = std::find_if(member->totals.begin(), member->totals.end(),
                             [&](const ledger::PointTotals& t) {
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

absl::Status Operation::ChangeEnrolment(const std::string& member_id,
                                        const std::string& program_id, ledger::Points debt_delta,
                                        std::optional<std::string> tier, bool mark_activity) {
  pg::Params params;
  params.Add(event_.org_id()).Add(member_id).Add(program_id).Add(debt_delta)
      .Add(tier.has_value()).Add(tier.value_or("")).Add(now_).Add(mark_activity);
  Enrolment changed;
  if (const Enrolment* before = TrackedEnrolment(member_id, program_id)) {
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
  Enrolment changed;
  if (const Enrolment* before = TrackedEnrolment(member_id, program_id)) {
    changed = *before;
    changed.tier = tier;
    changed.tier_reached_at = std::nullopt;
    changed.period_start = start;
    changed.period_end = end;
  }
  return WriteEnrolment(kRenewPeriod, std::move(params), member_id, program_id, changed);
}

Enrolment* Operation::TrackedEnrolment(const std::string& member_id,
                                       const std::string& program_id) {
  MemberState* member = Tracked(member_id);
  if (member == nullptr) return nullptr;
  for (Enrolment& enrolment : member->enrolments) {
    if (enrolment.program_id == program_id) return &enrolment;
  }
  return nullptr;
}

absl::Status Operation::WriteEnrolment(const pg::Statement& statement, pg::Params params,
                                       const std::string& member_id,
                                       const std::string& program_id, const Enrolment& changed) {
  Enrolment* tracked = TrackedEnrolment(member_id, program_id);
  Enrolment state = changed;
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
  rpc::ToTimestamp(state.period_start, enrolment->mutable_period_start());
  rpc::ToTimestamp(state.period_end, enrolment->mutable_period_end());
  return absl::OkStatus();
}

std::vector<std::string> Operation::ChangedMembers() const {
  std::vector<std::string> members;
  for (const v1::LotState& lot : event_.lots()) members.push_back(lot.member_id());
  for (const v1::TotalsState& totals : event_.totals()) members.push_back(totals.member_id());
  for (const v1::EnrolmentState& enrolment : event_.enrolments()) {
    members.push_back(enrolment.member_id());
  }
  for (const v1::EntryRecord& entry : event_.entries()) members.push_back(entry.member_id());
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  return members;
}

const MemberState* Operation::StateAfter(const std::string& member_id) const {
  for (const MemberState& member : tracked_) {
    if (member.member_id == member_id) return &member;
  }
  return nullptr;
}

absl::StatusOr<int64_t> Operation::Commit() {
  for (const MemberState& member : tracked_) LOYALTY_RETURN_IF_ERROR(CheckLimits(member));
  for (const std::string& member_id : ChangedMembers()) {
    tx_->Defer(kBumpStateVersion, pg::Params().Add(event_.org_id()).Add(member_id).Add(now_));
    if (MemberState* member = Tracked(member_id)) ++member->state_version;
  }
  pg::Params params;
  params.Add(position_).Add(event_.org_id()).AddBytes(event_.SerializeAsString());
  tx_->Defer(kInsertOutbox, std::move(params));
  return position_;
}

}  // namespace loyalty::command
