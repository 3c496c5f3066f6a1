#include "services/command/operation.h"

#include "absl/strings/str_cat.h"
#include "libs/base/status_macros.h"
#include "libs/rpc/convert.h"

namespace loyalty::command {
namespace {

constexpr pg::Statement kNextOperationId{"operation_next_id",
                                         "SELECT nextval('operation_ids')"};

constexpr pg::Statement kInsertEntry{
    "operation_insert_entry",
    "INSERT INTO ledger_entries (org_id, member_id, operation_id, program_id, point_type, kind,"
    " points, order_ref, description, actor, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, NULLIF($8, ''), NULLIF($9, ''), NULLIF($10, ''), $11)"
    " RETURNING entry_id"};

constexpr char kLotColumns[] =
    "member_id, lot_id, program_id, point_type, subtype, redeemable, amount, remaining, held,"
    " awarded_at, available_at, expires_at";

const std::string kInsertLotSql = absl::StrCat(
    "INSERT INTO lots (org_id, member_id, program_id, point_type, subtype, redeemable, amount,"
    " remaining, awarded_at, available_at, expires_at, operation_id, order_ref, origin_lot_id)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10, $11, NULLIF($12, ''), $13)"
    " RETURNING ",
    kLotColumns);
const pg::Statement kInsertLot{"operation_insert_lot", kInsertLotSql.c_str()};

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
    " SET lifetime = t.lifetime + EXCLUDED.lifetime, qualifying = t.qualifying + EXCLUDED.qualifying"
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

constexpr pg::Statement kInsertOutbox{
    "operation_insert_outbox",
    "INSERT INTO outbox (org_id, event) VALUES ($1, $2) RETURNING position"};

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

absl::StatusOr<Operation> Operation::Begin(pg::Transaction& tx, const std::string& org_id,
                                           const std::string& name, absl::Time now) {
  ASSIGN_OR_RETURN(pg::Result row, tx.Execute(kNextOperationId));
  Operation operation(tx, now);
  operation.event_.set_org_id(org_id);
  operation.event_.set_operation_id(row.Int64(0, 0));
  operation.event_.set_operation(name);
  rpc::ToTimestamp(now, operation.event_.mutable_occurred_at());
  return operation;
}

absl::Status Operation::AddEntry(const EntrySpec& entry) {
  pg::Params params;
  params.Add(event_.org_id()).Add(entry.member_id).Add(id()).Add(entry.program_id)
      .Add(entry.point_type).Add(EntryKindName(entry.kind)).Add(entry.points)
      .Add(entry.order_ref).Add(entry.description).Add(entry.actor).Add(now_);
  ASSIGN_OR_RETURN(pg::Result row, tx_->Execute(kInsertEntry, params));
  v1::EntryRecord* record = event_.add_entries();
  record->set_entry_id(row.Int64(0, 0));
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

absl::Status Operation::RecordLot(const pg::Result& row) {
  v1::LotState* lot = event_.add_lots();
  lot->set_member_id(std::string(row.Text(0, 0)));
  lot->set_lot_id(row.Int64(0, 1));
  lot->set_program_id(std::string(row.Text(0, 2)));
  lot->set_point_type(std::string(row.Text(0, 3)));
  lot->set_subtype(std::string(row.Text(0, 4)));
  lot->set_redeemable(row.Bool(0, 5));
  lot->set_amount(row.Int64(0, 6));
  lot->set_remaining(row.Int64(0, 7));
  lot->set_held(row.Int64(0, 8));
  rpc::ToTimestamp(row.Time(0, 9), lot->mutable_awarded_at());
  rpc::ToTimestamp(row.Time(0, 10), lot->mutable_available_at());
  rpc::ToOptionalTimestamp(row.OptionalTime(0, 11), [&] { return lot->mutable_expires_at(); });
  return absl::OkStatus();
}

absl::StatusOr<ledger::Lot> Operation::CreateLot(const NewLot& lot) {
  pg::Params params;
  params.Add(event_.org_id()).Add(lot.member_id).Add(lot.program_id).Add(lot.point_type)
      .Add(lot.subtype).Add(lot.redeemable).Add(lot.amount).Add(now_).Add(lot.available_at)
      .Add(lot.expires_at).Add(id()).Add(lot.order_ref).Add(lot.origin_lot_id);
  ASSIGN_OR_RETURN(pg::Result row, tx_->Execute(kInsertLot, params));
  RETURN_IF_ERROR(RecordLot(row));
  ledger::Lot created;
  created.lot_id = row.Int64(0, 1);
  created.program_id = lot.program_id;
  created.point_type = lot.point_type;
  created.subtype = lot.subtype;
  created.amount = lot.amount;
  created.remaining = lot.amount;
  created.redeemable = lot.redeemable;
  created.awarded_at = now_;
  created.available_at = lot.available_at;
  created.expires_at = lot.expires_at;
  return created;
}

absl::Status Operation::ConsumeLot(const std::string& member_id, int64_t lot_id,
                                   ledger::Points points) {
  return ChangeLot(kConsumeLot, member_id, lot_id, points);
}

absl::Status Operation::ChangeLot(const pg::Statement& statement, const std::string& member_id,
                                  int64_t lot_id, ledger::Points points) {
  pg::Params params;
  params.Add(event_.org_id()).Add(member_id).Add(lot_id).Add(points);
  ASSIGN_OR_RETURN(pg::Result row, tx_->Execute(statement, params));
  if (row.Rows() != 1) {
    return absl::InternalError(absl::StrCat(statement.name, ": lot ", lot_id, " of member ",
                                            member_id, " cannot take ", points, " points"));
  }
  return RecordLot(row);
}

absl::Status Operation::RestoreLot(const std::string& member_id, int64_t lot_id,
                                   ledger::Points points) {
  return ChangeLot(kRestoreLot, member_id, lot_id, points);
}

absl::Status Operation::ChangeHold(const std::string& member_id, int64_t lot_id,
                                   ledger::Points points) {
  return ChangeLot(kChangeHold, member_id, lot_id, points);
}

absl::Status Operation::AddTotals(const std::string& member_id, const std::string& program_id,
                                  const std::string& point_type, ledger::Points lifetime_delta,
                                  ledger::Points qualifying_delta) {
  pg::Params params;
  params.Add(event_.org_id()).Add(member_id).Add(program_id).Add(point_type)
      .Add(lifetime_delta).Add(qualifying_delta);
  ASSIGN_OR_RETURN(pg::Result row, tx_->Execute(kAddTotals, params));
  v1::TotalsState* totals = event_.add_totals();
  totals->set_member_id(member_id);
  totals->set_program_id(program_id);
  totals->set_point_type(point_type);
  totals->set_lifetime(row.Int64(0, 0));
  totals->set_qualifying(row.Int64(0, 1));
  return absl::OkStatus();
}

absl::Status Operation::ChangeEnrolment(const std::string& member_id,
                                        const std::string& program_id, ledger::Points debt_delta,
                                        std::optional<std::string> tier, bool mark_activity) {
  pg::Params params;
  params.Add(event_.org_id()).Add(member_id).Add(program_id).Add(debt_delta)
      .Add(tier.has_value()).Add(tier.value_or("")).Add(now_).Add(mark_activity);
  return RecordEnrolment(kChangeEnrolment, params, member_id, program_id);
}

absl::Status Operation::RenewPeriod(const std::string& member_id, const std::string& program_id,
                                    const std::string& tier, absl::Time start, absl::Time end) {
  pg::Params params;
  params.Add(event_.org_id()).Add(member_id).Add(program_id).Add(tier).Add(start).Add(end);
  return RecordEnrolment(kRenewPeriod, params, member_id, program_id);
}

absl::Status Operation::RecordEnrolment(const pg::Statement& statement, const pg::Params& params,
                                        const std::string& member_id,
                                        const std::string& program_id) {
  ASSIGN_OR_RETURN(pg::Result row, tx_->Execute(statement, params));
  if (row.Rows() != 1) {
    return absl::InternalError(absl::StrCat("no enrolment of ", member_id, " in ", program_id));
  }
  v1::EnrolmentState* enrolment = event_.add_enrolments();
  enrolment->set_member_id(member_id);
  enrolment->set_program_id(program_id);
  enrolment->set_tier(std::string(row.Text(0, 0)));
  enrolment->set_debt(row.Int64(0, 1));
  rpc::ToTimestamp(row.Time(0, 2), enrolment->mutable_period_start());
  rpc::ToTimestamp(row.Time(0, 3), enrolment->mutable_period_end());
  return absl::OkStatus();
}

absl::StatusOr<int64_t> Operation::Commit() {
  pg::Params params;
  params.Add(event_.org_id()).AddBytes(event_.SerializeAsString());
  ASSIGN_OR_RETURN(pg::Result row, tx_->Execute(kInsertOutbox, params));
  return row.Int64(0, 0);
}

}  // namespace loyalty::command
