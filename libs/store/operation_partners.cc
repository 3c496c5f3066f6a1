// Operation's rows of partner programs: links, conversions and vouchers. Each is written at once
// and returns its row, which the event publishes as the state after the operation.
#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/partner.h"
#include "libs/store/conversions.h"
#include "libs/store/operation.h"
#include "libs/store/partners.h"
#include "libs/store/vouchers.h"

namespace loyalty::store {
namespace {

// A link's insert does nothing when the member or the account has an active link already: the
// command checked under the member's lock, so that is another member's link of the same account,
// made concurrently.
constexpr pg::Statement kInsertLink{
    "operation_insert_link",
    "INSERT INTO partner_links (org_id, member_id, link_id, partner_code, external_number, state,"
    " linked_at) VALUES ($1, $2, $3, $4, $5, 'active', $6) ON CONFLICT DO NOTHING"
    " RETURNING " LOYALTY_LINK_COLUMNS};

constexpr pg::Statement kEndLink{
    "operation_end_link",
    "UPDATE partner_links SET state = $4, ended_at = $5"
    " WHERE org_id = $1 AND member_id = $2 AND partner_code = $3 AND state = 'active'"
    " RETURNING " LOYALTY_LINK_COLUMNS};

constexpr pg::Statement kInsertConversion{
    "operation_insert_conversion",
    "INSERT INTO conversions (org_id, member_id, conversion_id, partner_code, link_id,"
    " external_number, local_points, partner_points, status, next_attempt_at, created_at,"
    " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $9, $9)"
    " RETURNING " LOYALTY_CONVERSION_COLUMNS};

constexpr pg::Statement kInsertConversionLot{
    "operation_insert_conversion_lot",
    "INSERT INTO conversion_lots (org_id, member_id, conversion_id, lot_id, points)"
    " VALUES ($1, $2, $3, $4, $5)"};

// An attempt counts one more call; a reference is kept once given.
constexpr pg::Statement kMoveConversion{
    "operation_move_conversion",
    "UPDATE conversions SET status = $4, attempts = attempts + (CASE WHEN $9 THEN 1"
    " ELSE 0 END), partner_reference = CASE WHEN $5 = '' THEN partner_reference ELSE $5 END,"
    " last_error = $6, next_attempt_at = $7, updated_at = $8"
    " WHERE org_id = $1 AND member_id = $2 AND conversion_id = $3"
    " AND status IN ('pending', 'sent') RETURNING " LOYALTY_CONVERSION_COLUMNS};

constexpr pg::Statement kInsertVoucher{
    "operation_insert_voucher",
    "INSERT INTO vouchers (org_id, member_id, voucher_id, partner_code, partner_request_id,"
    " external_number, kind, partner_points, value_minor, remaining_minor, currency, status,"
    " issued_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, 'active',"
    " $11, $12) RETURNING " LOYALTY_VOUCHER_COLUMNS};

constexpr pg::Statement kChangeVoucher{
    "operation_change_voucher",
    "UPDATE vouchers SET remaining_minor = $4, status = $5"
    " WHERE org_id = $1 AND member_id = $2 AND voucher_id = $3 AND status = 'active'"
    " RETURNING " LOYALTY_VOUCHER_COLUMNS};

constexpr pg::Statement kInsertVoucherUse{
    "operation_insert_voucher_use",
    "INSERT INTO voucher_uses (org_id, member_id, voucher_id, operation_id, order_ref,"
    " amount_minor, applied_minor, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"};

// The one row a write returned; INTERNAL when none, as the caller read the row under the
// member's lock before.
absl::Status ExpectOneRow(const pg::Result& rows, absl::string_view what) {
  if (rows.Rows() == 1) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(what, " changed under the member's lock"));
}

}  // namespace

absl::Status Operation::Record(const ledger::LinkMade& link) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result rows, tx_->Execute(kInsertLink, pg::Params()
                                                                          .Add(event_.org_id())
                                                                          .Add(link.member_id)
                                                                          .Add(id())
                                                                          .Add(link.partner_code)
                                                                          .Add(link.external_number)
                                                                          .Add(now_)));
  if (rows.Rows() == 0) {
    return Refused(ledger::kAccountLinkedElsewhere,
                   absl::StrCat("account '", link.external_number, "' of partner '",
                                link.partner_code, "' is linked to another member"));
  }
  LinkFromRow(rows, 0, event_.add_partner_links());
  return absl::OkStatus();
}

absl::Status Operation::Record(const ledger::LinkEnded& link) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result rows,
                           tx_->Execute(kEndLink, pg::Params()
                                                      .Add(event_.org_id())
                                                      .Add(link.member_id)
                                                      .Add(link.partner_code)
                                                      .Add(ledger::LinkStateName(link.state))
                                                      .Add(now_)));
  LOYALTY_RETURN_IF_ERROR(ExpectOneRow(rows, "a partner link"));
  LinkFromRow(rows, 0, event_.add_partner_links());
  return absl::OkStatus();
}

absl::Status Operation::Record(const ledger::ConversionRecorded& conversion) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result rows,
                           tx_->Execute(kInsertConversion, pg::Params()
                                                               .Add(event_.org_id())
                                                               .Add(conversion.member_id)
                                                               .Add(id())
                                                               .Add(conversion.partner_code)
                                                               .Add(conversion.link_id)
                                                               .Add(conversion.external_number)
                                                               .Add(conversion.local_points)
                                                               .Add(conversion.partner_points)
                                                               .Add(now_)));
  LOYALTY_RETURN_IF_ERROR(ExpectOneRow(rows, "a conversion"));
  ConversionFromRow(rows, 0, event_.add_conversions());
  for (const ledger::LotTake& take : conversion.lots) {
    tx_->Defer(kInsertConversionLot, pg::Params()
                                         .Add(event_.org_id())
                                         .Add(conversion.member_id)
                                         .Add(id())
                                         .Add(take.lot_id)
                                         .Add(take.points));
  }
  return absl::OkStatus();
}

absl::Status Operation::Record(const ledger::ConversionMoved& moved) {
  LOYALTY_ASSIGN_OR_RETURN(
      pg::Result rows,
      tx_->Execute(kMoveConversion, pg::Params()
                                        .Add(event_.org_id())
                                        .Add(moved.member_id)
                                        .Add(moved.conversion_id)
                                        .Add(ledger::ConversionStatusName(moved.status))
                                        .Add(moved.partner_reference)
                                        .Add(moved.error)
                                        .Add(moved.next_attempt_at)
                                        .Add(now_)
                                        .Add(moved.attempt)));
  LOYALTY_RETURN_IF_ERROR(ExpectOneRow(rows, "a conversion"));
  ConversionFromRow(rows, 0, event_.add_conversions());
  return absl::OkStatus();
}

absl::Status Operation::Record(const ledger::VoucherIssued& voucher) {
  LOYALTY_ASSIGN_OR_RETURN(
      pg::Result rows, tx_->Execute(kInsertVoucher, pg::Params()
                                                        .Add(event_.org_id())
                                                        .Add(voucher.member_id)
                                                        .Add(id())
                                                        .Add(voucher.partner_code)
                                                        .Add(voucher.partner_request_id)
                                                        .Add(voucher.external_number)
                                                        .Add(ledger::VoucherKindName(voucher.kind))
                                                        .Add(voucher.partner_points)
                                                        .Add(voucher.value_minor)
                                                        .Add(voucher.currency)
                                                        .Add(now_)
                                                        .Add(voucher.expires_at)));
  LOYALTY_RETURN_IF_ERROR(ExpectOneRow(rows, "a voucher"));
  VoucherFromRow(rows, 0, event_.add_vouchers());
  return absl::OkStatus();
}

absl::Status Operation::Record(const ledger::VoucherChanged& changed) {
  LOYALTY_ASSIGN_OR_RETURN(
      pg::Result rows,
      tx_->Execute(kChangeVoucher, pg::Params()
                                       .Add(event_.org_id())
                                       .Add(changed.member_id)
                                       .Add(changed.voucher_id)
                                       .Add(changed.remaining_minor)
                                       .Add(ledger::VoucherStatusName(changed.status))));
  LOYALTY_RETURN_IF_ERROR(ExpectOneRow(rows, "a voucher"));
  VoucherFromRow(rows, 0, event_.add_vouchers());
  if (changed.applied_minor > 0) {
    tx_->Defer(kInsertVoucherUse, pg::Params()
                                      .Add(event_.org_id())
                                      .Add(changed.member_id)
                                      .Add(changed.voucher_id)
                                      .Add(id())
                                      .Add(changed.order_ref)
                                      .Add(changed.amount_minor)
                                      .Add(changed.applied_minor)
                                      .Add(now_));
  }
  return absl::OkStatus();
}

}  // namespace loyalty::store
