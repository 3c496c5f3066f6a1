#include "tools/loyaltyctl/render_partners.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "tools/loyaltyctl/format.h"
#include "tools/loyaltyctl/table.h"

namespace loyalty::ctl {
namespace {

std::string LinkText(const v1::PartnerLink& link) {
  return absl::StrCat("link ", link.link_id(), ": member ", link.member_id(), " - ",
                      link.partner_code(), " account ", link.external_number(), ", ",
                      EnumLabel(v1::PartnerLinkState_Name(link.state()), "PARTNER_LINK_STATE_"));
}

std::string VoucherText(const v1::Voucher& voucher) {
  return absl::StrCat("voucher ", voucher.voucher_id(), ": ",
                      EnumLabel(v1::VoucherKind_Name(voucher.kind()), "VOUCHER_KIND_"), " of ",
                      FormatMoney(voucher.value()), " for member ", voucher.member_id(),
                      ", remaining ", FormatMoney(voucher.remaining()), ", ",
                      EnumLabel(v1::VoucherStatus_Name(voucher.status()), "VOUCHER_STATUS_"),
                      ", expires ",
                      FormatTimestamp(voucher.expires_at(), voucher.has_expires_at()));
}

}  // namespace

void RenderPartner(const v1::Partner& partner, std::ostream& out) {
  Table fields({});
  fields.AddRow({"partner", partner.partner_code()});
  fields.AddRow({"org", partner.org_id()});
  fields.AddRow({"name", partner.name()});
  fields.AddRow({"status", EnumLabel(v1::PartnerStatus_Name(partner.status()), "PARTNER_STATUS_")});
  fields.AddRow({"converts", absl::StrCat(partner.program_id(), "/", partner.point_type())});
  fields.AddRow({"conversion ratio", absl::StrCat(partner.local_points(), " local = ",
                                                  partner.partner_points(), " partner points")});
  fields.AddRow({"return window", absl::StrCat(partner.return_window_days(), " days")});
  fields.AddRow({"identity verified",
                 EnumLabel(v1::IdentityField_Name(partner.identity_field()), "IDENTITY_FIELD_")});
  fields.AddRow({"voucher ratio", absl::StrCat(partner.voucher_points(), " partner points = ",
                                               FormatMoney(partner.voucher_value()))});
  fields.AddRow({"voucher validity", absl::StrCat(partner.voucher_validity_days(), " days")});
  fields.AddRow({"gateway", partner.gateway_address()});
  fields.Print(out);
}

void RenderPartners(const v1::ListPartnersResponse& response, std::ostream& out) {
  Table table({"PARTNER", "NAME", "STATUS", "CONVERTS", "GATEWAY"});
  for (const v1::Partner& partner : response.partners()) {
    table.AddRow({partner.partner_code(), partner.name(),
                  EnumLabel(v1::PartnerStatus_Name(partner.status()), "PARTNER_STATUS_"),
                  absl::StrCat(partner.program_id(), "/", partner.point_type()),
                  partner.gateway_address()});
  }
  table.Print(out);
  if (!response.next_page_token().empty()) {
    out << "next page: --page_token=" << response.next_page_token() << "\n";
  }
}

void RenderLink(const v1::LinkPartnerAccountResponse& response, std::ostream& out) {
  out << LinkText(response.link()) << " "
      << FormatPosition(response.ledger_position(), response.replayed()) << "\n";
}

void RenderUnlink(const v1::UnlinkPartnerAccountResponse& response, std::ostream& out) {
  out << LinkText(response.link()) << " "
      << FormatPosition(response.ledger_position(), response.replayed()) << "\n";
}

void RenderNotify(const v1::NotifyPartnerRedemptionResponse& response, std::ostream& out) {
  out << VoucherText(response.voucher()) << " "
      << FormatPosition(response.ledger_position(), response.replayed()) << "\n";
}

void RenderVoucherSpend(const v1::RedeemVoucherResponse& response, std::ostream& out) {
  out << "applied " << FormatMoney(response.applied()) << "; " << VoucherText(response.voucher())
      << " " << FormatPosition(response.ledger_position(), response.replayed()) << "\n";
}

}  // namespace loyalty::ctl
