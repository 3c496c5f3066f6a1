// AdminService's partner RPCs (docs/partners.md, "Partners"): CreatePartner, GetPartner,
// ListPartners, SetPartnerStatus.
#include "libs/store/partners.h"

#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/rpc/validate.h"
#include "libs/store/catalog.h"
#include "libs/store/idempotency.h"
#include "services/command/admin/rpcs.h"
#include "services/command/admin/shared.h"

namespace loyalty::command {
namespace {

constexpr int64_t kMaxRatio = 1'000'000;
constexpr size_t kMaxAddressLength = 255;

absl::StatusOr<std::string> IdentityFieldText(v1::IdentityField field) {
  switch (field) {
    case v1::IDENTITY_FIELD_LAST_NAME:
      return std::string("last_name");
    case v1::IDENTITY_FIELD_EMAIL:
      return std::string("email");
    default:
      return InvalidField("partner.identity_field", "must be LAST_NAME or EMAIL");
  }
}

absl::Status ValidateAddress(const std::string& address) {
  const std::string field = "partner.gateway_address";
  if (address.empty()) return InvalidField(field, "is required");
  if (address.size() > kMaxAddressLength) {
    return InvalidField(field, absl::StrCat("is longer than ", kMaxAddressLength, " characters"));
  }
  for (const char c : address) {
    if (c <= ' ' || c > '~') return InvalidField(field, "must be host:port in printable ASCII");
  }
  if (address.find(':') == std::string::npos) return InvalidField(field, "must be host:port");
  return absl::OkStatus();
}

// The partner the request describes, validated field by field.
absl::StatusOr<store::PartnerRow> PartnerOf(const std::string& org_id, const v1::Partner& partner,
                                            absl::Time now) {
  if (!partner.org_id().empty() && partner.org_id() != org_id) {
    return InvalidField("partner.org_id", "is not the request's org_id");
  }
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("partner.partner_code", partner.partner_code()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateText("partner.name", partner.name(), /*required=*/true));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("partner.program_id", partner.program_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("partner.point_type", partner.point_type()));
  LOYALTY_RETURN_IF_ERROR(
      rpc::ValidateRange("partner.local_points", partner.local_points(), 1, kMaxRatio));
  LOYALTY_RETURN_IF_ERROR(
      rpc::ValidateRange("partner.partner_points", partner.partner_points(), 1, kMaxRatio));
  LOYALTY_RETURN_IF_ERROR(
      rpc::ValidateRange("partner.return_window_days", partner.return_window_days(), 0, 3650));
  LOYALTY_ASSIGN_OR_RETURN(std::string identity_field, IdentityFieldText(partner.identity_field()));
  LOYALTY_RETURN_IF_ERROR(
      rpc::ValidateRange("partner.voucher_points", partner.voucher_points(), 1, kMaxRatio));
  if (!partner.has_voucher_value()) return InvalidField("partner.voucher_value", "is required");
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateRange("partner.voucher_value.minor_units",
                                             partner.voucher_value().minor_units(), 0,
                                             1'000'000'000));
  LOYALTY_RETURN_IF_ERROR(
      rpc::ValidateCurrency("partner.voucher_value.currency", partner.voucher_value().currency()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateRange("partner.voucher_validity_days",
                                             partner.voucher_validity_days(), 1, 3650));
  LOYALTY_RETURN_IF_ERROR(ValidateAddress(partner.gateway_address()));
  store::PartnerRow row;
  row.terms = {partner.partner_code(),
               partner.program_id(),
               partner.point_type(),
               partner.local_points(),
               partner.partner_points(),
               partner.return_window_days(),
               partner.voucher_points(),
               partner.voucher_value().minor_units(),
               partner.voucher_value().currency(),
               partner.voucher_validity_days(),
               /*active=*/true};
  row.name = partner.name();
  row.identity_field = std::move(identity_field);
  row.gateway_address = partner.gateway_address();
  row.created_at = now;
  return row;
}

// The partner's program and point type must exist.
absl::Status RequirePointType(pg::Transaction& tx, const std::string& org_id,
                              const ledger::PartnerTerms& terms) {
  LOYALTY_ASSIGN_OR_RETURN(const ledger::ProgramConfig program,
                           store::LoadProgram(tx, org_id, terms.program_id));
  if (program.FindPointType(terms.point_type) == nullptr) {
    return NotFound("point type", terms.point_type);
  }
  return absl::OkStatus();
}

absl::Status LoadPartnerInto(pg::Transaction& tx, const std::string& org_id,
                             const std::string& partner_code, v1::Partner* response) {
  LOYALTY_ASSIGN_OR_RETURN(std::optional<store::PartnerRow> partner,
                           store::LoadPartner(tx, org_id, partner_code));
  if (!partner.has_value()) return NotFound("partner", partner_code);
  store::ToPartner(org_id, *partner, response);
  return absl::OkStatus();
}

}  // namespace

absl::Status CreatePartner(const store::Context& context, const v1::CreatePartnerRequest& request,
                           v1::Partner* response) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateKey("idempotency_key", request.idempotency_key()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  if (!request.has_partner()) return InvalidField("partner", "is required");
  const std::string& org_id = request.org_id();
  LOYALTY_ASSIGN_OR_RETURN(const store::PartnerRow partner,
                           PartnerOf(org_id, request.partner(), context.clock->Now()));
  return store::RunCommand(
      context, "AdminService/CreatePartner", org_id, request.idempotency_key(), request, response,
      [&](pg::Transaction& tx) -> absl::Status {
        v1::Organisation org;
        LOYALTY_RETURN_IF_ERROR(LoadOrganisation(tx, org_id, &org));
        LOYALTY_RETURN_IF_ERROR(RequirePointType(tx, org_id, partner.terms));
        LOYALTY_ASSIGN_OR_RETURN(const bool inserted, store::InsertPartner(tx, org_id, partner));
        if (!inserted) return AlreadyExists("partner", partner.terms.partner_code);
        return LoadPartnerInto(tx, org_id, partner.terms.partner_code, response);
      });
}

absl::Status GetPartner(const store::Context& context, const v1::GetPartnerRequest& request,
                        v1::Partner* response) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("partner_code", request.partner_code()));
  return RunRead(context, [&](pg::Transaction& tx) {
    response->Clear();
    return LoadPartnerInto(tx, request.org_id(), request.partner_code(), response);
  });
}

absl::Status ListPartners(const store::Context& context, const v1::ListPartnersRequest& request,
                          v1::ListPartnersResponse* response) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  LOYALTY_RETURN_IF_ERROR(
      rpc::ValidateRange("page_size", request.page_size(), 0, kMaxProgramPageSize));
  const int32_t page_size =
      request.page_size() == 0 ? kDefaultProgramPageSize : request.page_size();
  std::string after;
  if (!request.page_token().empty()) {
    LOYALTY_ASSIGN_OR_RETURN(after, DecodeIdPageToken(request.page_token()));
  }
  return RunRead(context, [&](pg::Transaction& tx) -> absl::Status {
    response->Clear();
    v1::Organisation org;
    LOYALTY_RETURN_IF_ERROR(LoadOrganisation(tx, request.org_id(), &org));
    // One more than the page: whether a next page exists.
    LOYALTY_ASSIGN_OR_RETURN(const std::vector<store::PartnerRow> partners,
                             store::ListPartners(tx, request.org_id(), after, page_size + 1));
    for (const store::PartnerRow& partner : partners) {
      if (response->partners_size() == page_size) {
        response->set_next_page_token(
            EncodeIdPageToken(response->partners(response->partners_size() - 1).partner_code()));
        break;
      }
      store::ToPartner(request.org_id(), partner, response->add_partners());
    }
    return absl::OkStatus();
  });
}

absl::Status SetPartnerStatus(const store::Context& context,
                              const v1::SetPartnerStatusRequest& request, v1::Partner* response) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateKey("idempotency_key", request.idempotency_key()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("partner_code", request.partner_code()));
  if (request.status() != v1::PARTNER_STATUS_ACTIVE &&
      request.status() != v1::PARTNER_STATUS_SUSPENDED) {
    return InvalidField("status", "must be ACTIVE or SUSPENDED");
  }
  const std::string status = request.status() == v1::PARTNER_STATUS_ACTIVE ? "active" : "suspended";
  return store::RunCommand(
      context, "AdminService/SetPartnerStatus", request.org_id(), request.idempotency_key(),
      request, response, [&](pg::Transaction& tx) -> absl::Status {
        LOYALTY_ASSIGN_OR_RETURN(
            const bool updated,
            store::SetPartnerStatus(tx, request.org_id(), request.partner_code(), status));
        if (!updated) return NotFound("partner", request.partner_code());
        return LoadPartnerInto(tx, request.org_id(), request.partner_code(), response);
      });
}

}  // namespace loyalty::command
