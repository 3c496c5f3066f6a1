#include "services/query/request_checks.h"

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/rpc/validate.h"
#include "services/query/page_token.h"

namespace loyalty::query {
namespace {

absl::Status CheckMinPosition(int64_t min_position) {
  if (min_position < 0) return InvalidField("min_position", "must be >= 0");
  return absl::OkStatus();
}

absl::Status CheckMemberRead(const std::string& org_id, const std::string& member_id,
                             int64_t min_position) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", org_id));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("member_id", member_id));
  return CheckMinPosition(min_position);
}

absl::Status CheckPage(int32_t page_size, const std::string& page_token, absl::string_view list) {
  LOYALTY_RETURN_IF_ERROR(PageSize("page_size", page_size).status());
  return DecodePageToken("page_token", list, page_token).status();
}

}  // namespace

absl::Status CheckRequest(const v1::GetBalancesRequest& request) {
  return CheckMemberRead(request.org_id(), request.member_id(), request.min_position());
}

absl::Status CheckRequest(const v1::ListRedemptionsRequest& request) {
  LOYALTY_RETURN_IF_ERROR(
      CheckMemberRead(request.org_id(), request.member_id(), request.min_position()));
  return CheckPage(request.page_size(), request.page_token(), "redemptions");
}

absl::Status CheckRequest(const v1::ListLedgerEntriesRequest& request) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("member_id", request.member_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateOptionalId("program_id", request.program_id()));
  LOYALTY_RETURN_IF_ERROR(CheckMinPosition(request.min_position()));
  if (request.kinds_size() > kMaxKindFilters) return InvalidField("kinds", "at most 16 kinds");
  for (int i = 0; i < request.kinds_size(); ++i) {
    const auto kind = static_cast<v1::LedgerEntryKind>(request.kinds(i));
    if (kind == v1::LEDGER_ENTRY_KIND_UNSPECIFIED || !v1::LedgerEntryKind_IsValid(kind)) {
      return InvalidField(absl::StrCat("kinds[", i, "]"), "is not a ledger entry kind");
    }
  }
  return CheckPage(request.page_size(), request.page_token(), "entries");
}

absl::Status CheckRequest(const v1::GetTierProgressRequest& request) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("member_id", request.member_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateOptionalId("program_id", request.program_id()));
  return CheckMinPosition(request.min_position());
}

absl::Status CheckRequest(const v1::GetHouseholdRequest& request) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("household_id", request.household_id()));
  return CheckMinPosition(request.min_position());
}

absl::Status CheckRequest(const v1::GetPartnerSummaryRequest& request) {
  return CheckMemberRead(request.org_id(), request.member_id(), request.min_position());
}

absl::Status CheckRequest(const v1::ListConversionsRequest& request) {
  LOYALTY_RETURN_IF_ERROR(
      CheckMemberRead(request.org_id(), request.member_id(), request.min_position()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateOptionalId("partner_code", request.partner_code()));
  return CheckPage(request.page_size(), request.page_token(), "conversions");
}

absl::Status CheckRequest(const v1::ListVouchersRequest& request) {
  LOYALTY_RETURN_IF_ERROR(
      CheckMemberRead(request.org_id(), request.member_id(), request.min_position()));
  return CheckPage(request.page_size(), request.page_token(), "vouchers");
}

absl::Status CheckRequest(const v1::GetMemberBadgesRequest& request) {
  LOYALTY_RETURN_IF_ERROR(
      CheckMemberRead(request.org_id(), request.member_id(), request.min_position()));
  return rpc::ValidateOptionalId("program_id", request.program_id());
}

absl::Status CheckRequest(const v1::ListBadgesRequest& request) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  return rpc::ValidateOptionalId("program_id", request.program_id());
}

}  // namespace loyalty::query
