#include "tools/loyaltyctl/partner_commands.h"

#include "libs/base/status_macros.h"
#include "tools/loyaltyctl/enum_flags.h"
#include "tools/loyaltyctl/format.h"
#include "tools/loyaltyctl/render_partners.h"

namespace loyalty::ctl {
namespace {

using Admin = v1::AdminService::Stub;
using Commands = v1::CommandService::Stub;

}  // namespace

absl::StatusOr<int> PartnerCreate(Session& session) {
  const Flags& flags = session.flags();
  v1::CreatePartnerRequest request;
  request.set_idempotency_key(session.IdempotencyKey());
  request.set_org_id(flags.String("org"));
  v1::Partner* partner = request.mutable_partner();
  partner->set_partner_code(flags.String("partner"));
  partner->set_name(flags.String("name"));
  partner->set_program_id(flags.String("program"));
  partner->set_point_type(flags.String("point_type"));
  partner->set_local_points(flags.Int64("local_points"));
  partner->set_partner_points(flags.Int64("partner_points"));
  partner->set_return_window_days(flags.Int32("return_window_days"));
  LOYALTY_ASSIGN_OR_RETURN(
      const v1::IdentityField identity,
      ParseEnumFlag("identity_field", flags.String("identity_field"), "IDENTITY_FIELD_",
                    &v1::IdentityField_Parse, "last-name, email"));
  partner->set_identity_field(identity);
  partner->set_voucher_points(flags.Int64("voucher_points"));
  partner->mutable_voucher_value()->set_minor_units(flags.Int64("voucher_value"));
  partner->mutable_voucher_value()->set_currency(flags.String("currency"));
  partner->set_voucher_validity_days(flags.Int32("voucher_validity_days"));
  partner->set_gateway_address(flags.String("gateway"));
  return session.Call(session.admin(), &Admin::CreatePartner, request, RenderPartner);
}

absl::StatusOr<int> PartnerShow(Session& session) {
  v1::GetPartnerRequest request;
  request.set_org_id(session.flags().String("org"));
  request.set_partner_code(session.flags().String("partner"));
  return session.Call(session.admin(), &Admin::GetPartner, request, RenderPartner);
}

absl::StatusOr<int> PartnerList(Session& session) {
  v1::ListPartnersRequest request;
  request.set_org_id(session.flags().String("org"));
  request.set_page_size(session.flags().Int32("page_size"));
  request.set_page_token(session.flags().String("page_token"));
  return session.Call(session.admin(), &Admin::ListPartners, request, RenderPartners);
}

absl::StatusOr<int> PartnerStatusSet(Session& session) {
  const Flags& flags = session.flags();
  v1::SetPartnerStatusRequest request;
  request.set_idempotency_key(session.IdempotencyKey());
  request.set_org_id(flags.String("org"));
  request.set_partner_code(flags.String("partner"));
  LOYALTY_ASSIGN_OR_RETURN(const v1::PartnerStatus status,
                           ParseEnumFlag("status", flags.String("status"), "PARTNER_STATUS_",
                                         &v1::PartnerStatus_Parse, "active, suspended"));
  request.set_status(status);
  return session.Call(session.admin(), &Admin::SetPartnerStatus, request, RenderPartner);
}

absl::StatusOr<int> PartnerLink(Session& session) {
  const Flags& flags = session.flags();
  v1::LinkPartnerAccountRequest request;
  request.set_idempotency_key(session.IdempotencyKey());
  request.set_org_id(flags.String("org"));
  request.set_member_id(flags.String("member"));
  request.set_partner_code(flags.String("partner"));
  request.set_external_number(flags.String("account"));
  request.set_identity(flags.String("identity"));
  return session.Call(session.commands(), &Commands::LinkPartnerAccount, request, RenderLink);
}

absl::StatusOr<int> PartnerUnlink(Session& session) {
  const Flags& flags = session.flags();
  v1::UnlinkPartnerAccountRequest request;
  request.set_idempotency_key(session.IdempotencyKey());
  request.set_org_id(flags.String("org"));
  request.set_member_id(flags.String("member"));
  request.set_partner_code(flags.String("partner"));
  return session.Call(session.commands(), &Commands::UnlinkPartnerAccount, request, RenderUnlink);
}

absl::StatusOr<int> PartnerNotify(Session& session) {
  const Flags& flags = session.flags();
  v1::NotifyPartnerRedemptionRequest request;
  request.set_org_id(flags.String("org"));
  request.set_partner_code(flags.String("partner"));
  request.set_partner_request_id(flags.String("request"));
  request.set_external_number(flags.String("account"));
  request.set_partner_points(flags.Int64("partner_points"));
  LOYALTY_ASSIGN_OR_RETURN(const v1::VoucherKind kind,
                           ParseEnumFlag("kind", flags.String("kind"), "VOUCHER_KIND_",
                                         &v1::VoucherKind_Parse, "reward, credit"));
  request.set_kind(kind);
  return session.Call(session.partners(), &v1::PartnerService::Stub::NotifyPartnerRedemption,
                      request, RenderNotify);
}

absl::StatusOr<int> VoucherRedeem(Session& session) {
  const Flags& flags = session.flags();
  v1::RedeemVoucherRequest request;
  request.set_idempotency_key(session.IdempotencyKey());
  request.set_org_id(flags.String("org"));
  request.set_member_id(flags.String("member"));
  request.set_voucher_id(flags.Int64("voucher"));
  request.set_order_ref(flags.String("order"));
  request.mutable_amount()->set_minor_units(flags.Int64("amount"));
  request.mutable_amount()->set_currency(flags.String("currency"));
  return session.Call(session.commands(), &Commands::RedeemVoucher, request, RenderVoucherSpend);
}

}  // namespace loyalty::ctl
