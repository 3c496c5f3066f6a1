#include "services/query/event_apply.h"

#include "absl/strings/str_cat.h"
#include "libs/base/status_macros.h"
#include "libs/rpc/convert.h"
#include "services/command/operation.h"

namespace loyalty::query {
namespace {

constexpr pg::Statement kUpsertLot{
    "projector_upsert_lot",
    "INSERT INTO view_lots (org_id, member_id, lot_id, program_id, point_type, subtype,"
    " redeemable, amount, remaining, held, awarded_at, available_at, expires_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
    " ON CONFLICT (org_id, member_id, lot_id) DO UPDATE SET program_id = EXCLUDED.program_id,"
    " point_type = EXCLUDED.point_type, subtype = EXCLUDED.subtype,"
    " redeemable = EXCLUDED.redeemable, amount = EXCLUDED.amount,"
    " remaining = EXCLUDED.remaining, held = EXCLUDED.held, awarded_at = EXCLUDED.awarded_at,"
    " available_at = EXCLUDED.available_at, expires_at = EXCLUDED.expires_at"};

constexpr pg::Statement kUpsertTotals{
    "projector_upsert_totals",
    "INSERT INTO view_totals (org_id, member_id, program_id, point_type, lifetime, qualifying)"
    " VALUES ($1, $2, $3, $4, $5, $6)"
    " ON CONFLICT (org_id, member_id, program_id, point_type) DO UPDATE"
    " SET lifetime = EXCLUDED.lifetime, qualifying = EXCLUDED.qualifying"};

constexpr pg::Statement kUpsertEnrolment{
    "projector_upsert_enrolment",
    "INSERT INTO view_enrolments (org_id, member_id, program_id, tier, debt, period_start,"
    " period_end) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    " ON CONFLICT (org_id, member_id, program_id) DO UPDATE SET tier = EXCLUDED.tier,"
    " debt = EXCLUDED.debt, period_start = EXCLUDED.period_start,"
    " period_end = EXCLUDED.period_end"};

constexpr pg::Statement kInsertEntry{
    "projector_insert_entry",
    "INSERT INTO view_entries (org_id, member_id, entry_id, position, operation_id, program_id,"
    " point_type, kind, points, order_ref, description, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING"};

constexpr pg::Statement kInsertRedemption{
    "projector_insert_redemption",
    "INSERT INTO view_redemptions (org_id, member_id, redemption_id, position, program_id,"
    " is_group, points, value_minor, currency, order_ref, reward, overdraft_points,"
    " reservation_id, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
    " ON CONFLICT DO NOTHING"};

constexpr pg::Statement kInsertRedemptionProgram{
    "projector_insert_redemption_program",
    "INSERT INTO view_redemption_programs (org_id, member_id, redemption_id, program_id, points)"
    " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING"};

constexpr pg::Statement kInsertRedemptionLot{
    "projector_insert_redemption_lot",
    "INSERT INTO view_redemption_lots (org_id, member_id, redemption_id, ordinal, lot_id,"
    " program_id, point_type, points, expires_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING"};

constexpr pg::Statement kCancelRedemption{
    "projector_cancel_redemption",
    "UPDATE view_redemptions SET cancelled = true"
    " WHERE org_id = $1 AND member_id = $2 AND redemption_id = $3"};

std::optional<absl::Time> OptionalTime(bool present, const google::protobuf::Timestamp& time) {
  if (!present) return std::nullopt;
  return rpc::FromTimestamp(time);
}

void ApplyLots(pg::Transaction& tx, const v1::LedgerEvent& event) {
  for (const v1::LotState& lot : event.lots()) {
    pg::Params params;
    params.Add(event.org_id()).Add(lot.member_id()).Add(lot.lot_id()).Add(lot.program_id())
        .Add(lot.point_type()).Add(lot.subtype()).Add(lot.redeemable()).Add(lot.amount())
        .Add(lot.remaining()).Add(lot.held()).Add(rpc::FromTimestamp(lot.awarded_at()))
        .Add(rpc::FromTimestamp(lot.available_at()))
        .Add(OptionalTime(lot.has_expires_at(), lot.expires_at()));
    tx.Defer(kUpsertLot, std::move(params));
  }
}

void ApplyTotalsAndEnrolments(pg::Transaction& tx, const v1::LedgerEvent& event) {
  for (const v1::TotalsState& totals : event.totals()) {
    pg::Params params;
    params.Add(event.org_id()).Add(totals.member_id()).Add(totals.program_id())
        .Add(totals.point_type()).Add(totals.lifetime()).Add(totals.qualifying());
    tx.Defer(kUpsertTotals, std::move(params));
  }
  for (const v1::EnrolmentState& enrolment : event.enrolments()) {
    pg::Params params;
    params.Add(event.org_id()).Add(enrolment.member_id()).Add(enrolment.program_id())
        .Add(enrolment.tier()).Add(enrolment.debt())
        .Add(rpc::FromTimestamp(enrolment.period_start()))
        .Add(rpc::FromTimestamp(enrolment.period_end()));
    tx.Defer(kUpsertEnrolment, std::move(params));
  }
}

void ApplyEntries(pg::Transaction& tx, int64_t position, const v1::LedgerEvent& event) {
  for (const v1::EntryRecord& entry : event.entries()) {
    pg::Params params;
    params.Add(event.org_id()).Add(entry.member_id()).Add(entry.entry_id()).Add(position)
        .Add(event.operation_id()).Add(entry.program_id()).Add(entry.point_type())
        .Add(command::EntryKindName(entry.kind())).Add(entry.points()).Add(entry.order_ref())
        .Add(entry.description()).Add(rpc::FromTimestamp(entry.created_at()));
    tx.Defer(kInsertEntry, std::move(params));
  }
}

void ApplyRedemption(pg::Transaction& tx, int64_t position, const v1::LedgerEvent& event) {
  const v1::Redemption& redemption = event.redemption();
  pg::Params key;
  key.Add(event.org_id()).Add(redemption.member_id()).Add(redemption.redemption_id());
  if (redemption.cancelled()) {
    tx.Defer(kCancelRedemption, std::move(key));
    return;
  }
  pg::Params params = key;
  params.Add(position).Add(redemption.program_id()).Add(redemption.group())
      .Add(redemption.points()).Add(redemption.value().minor_units())
      .Add(redemption.value().currency()).Add(redemption.order_ref()).Add(redemption.reward())
      .Add(redemption.overdraft_points()).Add(redemption.reservation_id())
      .Add(rpc::FromTimestamp(redemption.created_at()));
  tx.Defer(kInsertRedemption, std::move(params));
  for (const v1::ProgramBreakup& program : redemption.breakup_by_program()) {
    pg::Params row = key;
    row.Add(program.program_id()).Add(program.points());
    tx.Defer(kInsertRedemptionProgram, std::move(row));
  }
  int32_t ordinal = 0;
  for (const v1::LotConsumption& lot : redemption.lots()) {
    pg::Params row = key;
    row.Add(ordinal++).Add(lot.lot_id()).Add(lot.program_id()).Add(lot.point_type())
        .Add(lot.points()).Add(OptionalTime(lot.has_expires_at(), lot.expires_at()));
    tx.Defer(kInsertRedemptionLot, std::move(row));
  }
}

}  // namespace

void ApplyEvent(pg::Transaction& tx, int64_t position, const v1::LedgerEvent& event) {
  ApplyLots(tx, event);
  ApplyTotalsAndEnrolments(tx, event);
  ApplyEntries(tx, position, event);
  if (event.has_redemption()) ApplyRedemption(tx, position, event);
}

}  // namespace loyalty::query
