#include "tools/loyaltyctl/render_balances.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/loyaltyctl/format.h"
#include "tools/loyaltyctl/table.h"

namespace loyalty::ctl {
namespace {

using Align = Table::Align;

std::string Expiring(const v1::ExpiringSoon& expiring, bool present) {
  if (!present || expiring.points() == 0) return "-";
  return absl::StrCat(expiring.points(), " on ", FormatTimestamp(expiring.expires_at()));
}

std::string BreakupText(const google::protobuf::RepeatedPtrField<v1::ProgramBreakup>& breakup) {
  std::vector<std::string> parts;
  for (const v1::ProgramBreakup& part : breakup) {
    parts.push_back(absl::StrCat(part.program_id(), ":", part.points()));
  }
  return parts.empty() ? "-" : absl::StrJoin(parts, " ");
}

}  // namespace

void RenderBalances(const v1::Balances& balances, std::ostream& out) {
  out << "member " << balances.member_id() << ": group available " << balances.group_available();
  if (balances.has_group_value()) out << " (" << FormatMoney(balances.group_value()) << ")";
  out << "\n";
  Table table({"PROGRAM", "AVAILABLE", "HELD", "PENDING", "LIFETIME", "QUALIFYING", "DEBT", "TIER",
               "NEXT EXPIRY"},
              {Align::kLeft, Align::kRight, Align::kRight, Align::kRight, Align::kRight,
               Align::kRight, Align::kRight, Align::kLeft, Align::kLeft});
  for (const v1::ProgramBalance& program : balances.programs()) {
    table.AddRow({program.program_id(), absl::StrCat(program.available()),
                  absl::StrCat(program.held()), absl::StrCat(program.pending()),
                  absl::StrCat(program.lifetime()), absl::StrCat(program.qualifying()),
                  absl::StrCat(program.debt()), program.tier().empty() ? "-" : program.tier(),
                  Expiring(program.expiring(), program.has_expiring())});
  }
  table.Print(out);
}

void RenderBreakup(const google::protobuf::RepeatedPtrField<v1::ProgramBreakup>& breakup,
                   std::ostream& out) {
  Table table({"FROM PROGRAM", "POINTS"}, {Align::kLeft, Align::kRight});
  for (const v1::ProgramBreakup& part : breakup) {
    table.AddRow({part.program_id(), absl::StrCat(part.points())});
  }
  table.Print(out);
}

void RenderRedemptionTable(const google::protobuf::RepeatedPtrField<v1::Redemption>& redemptions,
                           std::ostream& out) {
  Table table({"REDEMPTION", "PROGRAM", "GROUP", "POINTS", "VALUE", "ORDER", "REWARD", "CREATED",
               "CANCELLED", "BREAKUP"},
              {Align::kRight, Align::kLeft, Align::kLeft, Align::kRight, Align::kRight});
  for (const v1::Redemption& redemption : redemptions) {
    table.AddRow({absl::StrCat(redemption.redemption_id()), redemption.program_id(),
                  YesNo(redemption.group()), absl::StrCat(redemption.points()),
                  FormatMoney(redemption.value()),
                  redemption.order_ref().empty() ? "-" : redemption.order_ref(),
                  redemption.reward().empty() ? "-" : redemption.reward(),
                  FormatTimestamp(redemption.created_at(), redemption.has_created_at()),
                  YesNo(redemption.cancelled()), BreakupText(redemption.breakup_by_program())});
  }
  table.Print(out);
}

}  // namespace loyalty::ctl
