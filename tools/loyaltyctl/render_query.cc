#include "tools/loyaltyctl/render_query.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "tools/loyaltyctl/format.h"
#include "tools/loyaltyctl/render_balances.h"
#include "tools/loyaltyctl/table.h"

namespace loyalty::ctl {
namespace {

using Align = Table::Align;

void PrintNextPage(const std::string& token, std::ostream& out) {
  if (!token.empty()) out << "(more: --page_token=" << token << ")\n";
}

}  // namespace

void RenderGetBalances(const v1::GetBalancesResponse& response, std::ostream& out) {
  RenderBalances(response.balances(), out);
  out << "(as of ledger position " << response.ledger_position() << ")\n";
}

void RenderTierProgress(const v1::GetTierProgressResponse& response, std::ostream& out) {
  Table fields({});
  fields.AddRow({"program", response.program_id()});
  fields.AddRow({"tier", response.tier().empty() ? "-" : response.tier()});
  fields.AddRow({"qualifying", absl::StrCat(response.qualifying())});
  // No next tier: at the top, or (in no tier) the program has none.
  std::string next = response.tier().empty() ? "-" : "- (top tier)";
  if (!response.next_tier().empty()) {
    next = absl::StrCat(response.next_tier(), " in ", response.points_to_next_tier(), " points");
  }
  fields.AddRow({"next tier", next});
  fields.AddRow({"period", absl::StrCat(FormatTimestamp(response.period_start(),
                                                        response.has_period_start()),
                                        " .. ",
                                        FormatTimestamp(response.period_end(),
                                                        response.has_period_end()))});
  fields.AddRow({"ledger position", absl::StrCat(response.ledger_position())});
  fields.Print(out);
}

void RenderRedemptions(const v1::ListRedemptionsResponse& response, std::ostream& out) {
  RenderRedemptionTable(response.redemptions(), out);
  PrintNextPage(response.next_page_token(), out);
}

void RenderHistory(const v1::ListLedgerEntriesResponse& response, std::ostream& out) {
  Table table({"ENTRY", "POSITION", "CREATED", "PROGRAM", "POINT TYPE", "KIND", "POINTS", "ORDER",
               "DESCRIPTION"},
              {Align::kRight, Align::kRight, Align::kLeft, Align::kLeft, Align::kLeft,
               Align::kLeft, Align::kRight});
  for (const v1::LedgerEntry& entry : response.entries()) {
    table.AddRow({absl::StrCat(entry.entry_id()), absl::StrCat(entry.ledger_position()),
                  FormatTimestamp(entry.created_at(), entry.has_created_at()), entry.program_id(),
                  entry.point_type(),
                  EnumLabel(v1::LedgerEntryKind_Name(entry.kind()), "LEDGER_ENTRY_KIND_"),
                  absl::StrCat(entry.points()),
                  entry.order_ref().empty() ? "-" : entry.order_ref(),
                  entry.description().empty() ? "-" : entry.description()});
  }
  table.Print(out);
  PrintNextPage(response.next_page_token(), out);
}

void RenderPartnerSummary(const v1::GetPartnerSummaryResponse& response, std::ostream& out) {
  Table table(
      {"PARTNER", "ACCOUNT", "LINK", "UNCONVERTED", "CONVERTING", "CONVERTED", "PARTNER POINTS"},
      {Align::kLeft, Align::kLeft, Align::kLeft, Align::kRight, Align::kRight, Align::kRight,
       Align::kRight});
  for (const v1::PartnerSummary& partner : response.partners()) {
    table.AddRow(
        {partner.partner_code(), partner.link().external_number(),
         EnumLabel(v1::PartnerLinkState_Name(partner.link().state()), "PARTNER_LINK_STATE_"),
         absl::StrCat(partner.unconverted_points()), absl::StrCat(partner.converting_points()),
         absl::StrCat(partner.converted_points()),
         absl::StrCat(partner.converted_partner_points())});
  }
  table.Print(out);
}

void RenderConversions(const v1::ListConversionsResponse& response, std::ostream& out) {
  Table table({"CONVERSION", "CREATED", "PARTNER", "LOCAL", "PARTNER POINTS", "STATUS", "ATTEMPTS",
               "REFERENCE"},
              {Align::kRight, Align::kLeft, Align::kLeft, Align::kRight, Align::kRight,
               Align::kLeft, Align::kRight});
  for (const v1::Conversion& conversion : response.conversions()) {
    table.AddRow({absl::StrCat(conversion.conversion_id()),
                  FormatTimestamp(conversion.created_at(), conversion.has_created_at()),
                  conversion.partner_code(), absl::StrCat(conversion.local_points()),
                  absl::StrCat(conversion.partner_points()),
                  EnumLabel(v1::ConversionStatus_Name(conversion.status()), "CONVERSION_STATUS_"),
                  absl::StrCat(conversion.attempts()),
                  conversion.partner_reference().empty() ? "-" : conversion.partner_reference()});
  }
  table.Print(out);
  PrintNextPage(response.next_page_token(), out);
}

void RenderVouchers(const v1::ListVouchersResponse& response, std::ostream& out) {
  Table table({"VOUCHER", "PARTNER", "KIND", "VALUE", "REMAINING", "STATUS", "EXPIRES"},
              {Align::kRight, Align::kLeft, Align::kLeft, Align::kRight, Align::kRight});
  for (const v1::Voucher& voucher : response.vouchers()) {
    table.AddRow({absl::StrCat(voucher.voucher_id()), voucher.partner_code(),
                  EnumLabel(v1::VoucherKind_Name(voucher.kind()), "VOUCHER_KIND_"),
                  FormatMoney(voucher.value()), FormatMoney(voucher.remaining()),
                  EnumLabel(v1::VoucherStatus_Name(voucher.status()), "VOUCHER_STATUS_"),
                  FormatTimestamp(voucher.expires_at(), voucher.has_expires_at())});
  }
  table.Print(out);
  PrintNextPage(response.next_page_token(), out);
}

}  // namespace loyalty::ctl
