#include "libs/store/vouchers.h"

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/wire/time.h"

namespace loyalty::store {
namespace {

constexpr pg::Statement kVoucherByRequest{
    "voucher_by_request",
    "SELECT member_id, voucher_id, external_number, kind, partner_points FROM vouchers"
    " WHERE org_id = $1 AND partner_code = $2 AND partner_request_id = $3"};

constexpr pg::Statement kVoucherRecord{
    "voucher_record",
    "SELECT kind, remaining_minor, currency, status, expires_at FROM vouchers"
    " WHERE org_id = $1 AND member_id = $2 AND voucher_id = $3"};

constexpr pg::Statement kVoucher{
    "voucher_load", "SELECT " LOYALTY_VOUCHER_COLUMNS
                    " FROM vouchers WHERE org_id = $1 AND member_id = $2 AND voucher_id = $3"};

constexpr pg::Statement kExpiredVoucherMembers{
    "voucher_expired_members",
    "SELECT DISTINCT org_id, member_id FROM (SELECT org_id, member_id FROM vouchers"
    " WHERE status = 'active' AND expires_at <= $1 LIMIT $2) due"};

constexpr pg::Statement kExpiredVouchersOf{
    "voucher_expired_of",
    "SELECT voucher_id FROM vouchers WHERE org_id = $1 AND member_id = $2"
    " AND status = 'active' AND expires_at <= $3 ORDER BY voucher_id"};

v1::VoucherStatus ToVoucherStatus(ledger::VoucherStatus status) {
  switch (status) {
    case ledger::VoucherStatus::kActive:
      return v1::VOUCHER_STATUS_ACTIVE;
    case ledger::VoucherStatus::kUsed:
      return v1::VOUCHER_STATUS_USED;
    case ledger::VoucherStatus::kExpired:
      return v1::VOUCHER_STATUS_EXPIRED;
  }
  return v1::VOUCHER_STATUS_UNSPECIFIED;
}

}  // namespace

ledger::VoucherKind VoucherKindFromText(std::string_view text) {
  return text == "credit" ? ledger::VoucherKind::kCredit : ledger::VoucherKind::kReward;
}

ledger::VoucherStatus VoucherStatusFromText(std::string_view text) {
  if (text == "used") return ledger::VoucherStatus::kUsed;
  if (text == "expired") return ledger::VoucherStatus::kExpired;
  return ledger::VoucherStatus::kActive;
}

absl::StatusOr<std::optional<IssuedVoucher>> FindVoucherByRequest(
    pg::Transaction& tx, const std::string& org_id, const std::string& partner_code,
    const std::string& partner_request_id) {
  LOYALTY_ASSIGN_OR_RETURN(
      pg::Result rows,
      tx.Execute(kVoucherByRequest,
                 pg::Params().Add(org_id).Add(partner_code).Add(partner_request_id)));
  if (rows.Rows() == 0) return std::nullopt;
  return IssuedVoucher{std::string(rows.Text(0, 0)), rows.Int64(0, 1), std::string(rows.Text(0, 2)),
                       VoucherKindFromText(rows.Text(0, 3)), rows.Int64(0, 4)};
}

absl::StatusOr<std::optional<ledger::VoucherRecord>> LoadVoucherRecord(pg::Transaction& tx,
                                                                       const std::string& org_id,
                                                                       const std::string& member_id,
                                                                       int64_t voucher_id) {
  LOYALTY_ASSIGN_OR_RETURN(
      pg::Result rows,
      tx.Execute(kVoucherRecord, pg::Params().Add(org_id).Add(member_id).Add(voucher_id)));
  if (rows.Rows() == 0) return std::nullopt;
  return ledger::VoucherRecord{voucher_id,
                               member_id,
                               VoucherKindFromText(rows.Text(0, 0)),
                               rows.Int64(0, 1),
                               std::string(rows.Text(0, 2)),
                               VoucherStatusFromText(rows.Text(0, 3)),
                               rows.Time(0, 4)};
}

absl::Status LoadVoucher(pg::Transaction& tx, const std::string& org_id,
                         const std::string& member_id, int64_t voucher_id, v1::Voucher* out) {
  LOYALTY_ASSIGN_OR_RETURN(
      pg::Result rows,
      tx.Execute(kVoucher, pg::Params().Add(org_id).Add(member_id).Add(voucher_id)));
  if (rows.Rows() == 0) return NotFound("voucher", absl::StrCat(voucher_id));
  VoucherFromRow(rows, 0, out);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<MemberKey>> MembersWithExpiredVouchers(pg::Transaction& tx,
                                                                  absl::Time now, int32_t limit) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result rows,
                           tx.Execute(kExpiredVoucherMembers, pg::Params().Add(now).Add(limit)));
  return MemberKeysOf(rows);
}

absl::StatusOr<std::vector<int64_t>> ExpiredVouchersOf(pg::Transaction& tx,
                                                       const std::string& org_id,
                                                       const std::string& member_id,
                                                       absl::Time now) {
  LOYALTY_ASSIGN_OR_RETURN(
      pg::Result rows,
      tx.Execute(kExpiredVouchersOf, pg::Params().Add(org_id).Add(member_id).Add(now)));
  std::vector<int64_t> ids;
  for (int i = 0; i < rows.Rows(); ++i) ids.push_back(rows.Int64(i, 0));
  return ids;
}

void VoucherFromRow(const pg::Result& rows, int row, v1::Voucher* out) {
  out->set_voucher_id(rows.Int64(row, 0));
  out->set_member_id(std::string(rows.Text(row, 1)));
  out->set_partner_code(std::string(rows.Text(row, 2)));
  out->set_partner_request_id(std::string(rows.Text(row, 3)));
  out->set_kind(VoucherKindFromText(rows.Text(row, 4)) == ledger::VoucherKind::kCredit
                    ? v1::VOUCHER_KIND_CREDIT
                    : v1::VOUCHER_KIND_REWARD);
  out->set_partner_points(rows.Int64(row, 5));
  const std::string currency(rows.Text(row, 8));
  out->mutable_value()->set_minor_units(rows.Int64(row, 6));
  out->mutable_value()->set_currency(currency);
  out->mutable_remaining()->set_minor_units(rows.Int64(row, 7));
  out->mutable_remaining()->set_currency(currency);
  out->set_status(ToVoucherStatus(VoucherStatusFromText(rows.Text(row, 9))));
  wire::ToTimestamp(rows.Time(row, 10), out->mutable_issued_at());
  wire::ToTimestamp(rows.Time(row, 11), out->mutable_expires_at());
}

}  // namespace loyalty::store
