#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/ledger/partner.h"
#include "libs/pg/result.h"
#include "libs/pg/transaction.h"
#include "libs/store/member_repository.h"
#include "loyalty/v1/partner.pb.h"

namespace loyalty::store {

// Vouchers that partner-side redemptions load (docs/partners.md, "Vouchers").

// The voucher a partner's request loaded, to answer a replay or refuse another payload.
struct IssuedVoucher {
  std::string member_id;
  int64_t voucher_id = 0;
  std::string external_number;
  ledger::VoucherKind kind = ledger::VoucherKind::kReward;
  int64_t partner_points = 0;
};

// nullopt when the partner's request id loaded nothing yet.
absl::StatusOr<std::optional<IssuedVoucher>> FindVoucherByRequest(
    pg::Transaction& tx, const std::string& org_id, const std::string& partner_code,
    const std::string& partner_request_id);

// The member's voucher as spending reads it (under the member's lock); nullopt when the member
// has no such voucher.
absl::StatusOr<std::optional<ledger::VoucherRecord>> LoadVoucherRecord(pg::Transaction& tx,
                                                                       const std::string& org_id,
                                                                       const std::string& member_id,
                                                                       int64_t voucher_id);

// The member's voucher as loyalty.v1 shows it; NOT_FOUND when unknown.
absl::Status LoadVoucher(pg::Transaction& tx, const std::string& org_id,
                         const std::string& member_id, int64_t voucher_id, v1::Voucher* out);

// Members with an active voucher past its time at `now`, at most `limit`.
absl::StatusOr<std::vector<MemberKey>> MembersWithExpiredVouchers(pg::Transaction& tx,
                                                                  absl::Time now, int32_t limit);

// The member's active vouchers past their time at `now` (under the member's lock).
absl::StatusOr<std::vector<int64_t>> ExpiredVouchersOf(pg::Transaction& tx,
                                                       const std::string& org_id,
                                                       const std::string& member_id,
                                                       absl::Time now);

// The columns VoucherFromRow reads, in its order, of vouchers (or its view).
#define LOYALTY_VOUCHER_COLUMNS                                                                 \
  "voucher_id, member_id, partner_code, partner_request_id, kind, partner_points, value_minor," \
  " remaining_minor, currency, status, issued_at, expires_at"
void VoucherFromRow(const pg::Result& rows, int row, v1::Voucher* out);

ledger::VoucherKind VoucherKindFromText(std::string_view text);
ledger::VoucherStatus VoucherStatusFromText(std::string_view text);

}  // namespace loyalty::store
