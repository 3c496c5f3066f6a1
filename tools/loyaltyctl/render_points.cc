#include "tools/loyaltyctl/render_points.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "tools/loyaltyctl/format.h"
#include "tools/loyaltyctl/render_badges.h"
#include "tools/loyaltyctl/render_balances.h"

namespace loyalty::ctl {
namespace {

// "(ledger position 12)" or "(ledger position 12, replayed: no new effect)".
void RedemptionSummary(const v1::Redemption& redemption, std::ostream& out) {
  out << "redemption " << redemption.redemption_id() << ": " << redemption.points() << " points ("
      << FormatMoney(redemption.value()) << ") from "
      << (redemption.group() ? "all programs" : redemption.program_id());
  if (!redemption.order_ref().empty()) out << ", order " << redemption.order_ref();
  if (!redemption.reward().empty()) out << ", reward " << redemption.reward();
  if (redemption.overdraft_points() > 0) {
    out << ", " << redemption.overdraft_points() << " on overdraft";
  }
  out << "\n";
  RenderBreakup(redemption.breakup_by_program(), out);
}

}  // namespace

void RenderAccrue(const v1::AccrueResponse& response, std::ostream& out) {
  out << "accrued " << response.points() << " points (accrual " << response.accrual_id();
  if (response.debt_repaid() > 0) out << ", " << response.debt_repaid() << " repaid debt";
  if (!response.tier().empty()) out << ", tier " << response.tier();
  out << ") " << FormatPosition(response.ledger_position(), response.replayed()) << "\n";
  for (const v1::BadgeAward& award : response.badges_awarded()) {
    out << BadgeAwardText(award) << "\n";
  }
  RenderBalances(response.balances(), out);
}

void RenderReverse(const v1::ReverseResponse& response, std::ostream& out) {
  out << "reversed " << response.points_reversed() << " points";
  if (response.debt_created() > 0) out << ", " << response.debt_created() << " became debt";
  out << "; returned so far " << FormatMoney(response.cumulative_returned()) << " "
      << FormatPosition(response.ledger_position(), response.replayed()) << "\n";
  for (const v1::BadgeAward& award : response.badge_bonuses_clawed_back()) {
    out << BadgeClawBackText(award) << "\n";
  }
  RenderBalances(response.balances(), out);
}

void RenderRedeem(const v1::RedeemResponse& response, std::ostream& out) {
  out << "redeemed " << FormatPosition(response.ledger_position(), response.replayed()) << "\n";
  RedemptionSummary(response.redemption(), out);
  out << "\n";
  RenderBalances(response.balances(), out);
}

void RenderTransfer(const v1::TransferResponse& response, std::ostream& out) {
  out << "transferred " << response.points() << " points (transfer " << response.transfer_id()
      << ", received in " << response.to_program_id() << ") "
      << FormatPosition(response.ledger_position(), response.replayed()) << "\n";
  RenderBreakup(response.breakup_by_program(), out);
  out << "\n";
  RenderBalances(response.from_balances(), out);
  out << "\n";
  RenderBalances(response.to_balances(), out);
}

void RenderReserve(const v1::ReservePointsResponse& response, std::ostream& out) {
  out << "reservation " << response.reservation_id() << ": " << response.points()
      << " points held until " << FormatTimestamp(response.expires_at(), response.has_expires_at())
      << " " << FormatPosition(response.ledger_position(), response.replayed()) << "\n";
  RenderBreakup(response.breakup_by_program(), out);
  out << "\n";
  RenderBalances(response.balances(), out);
}

void RenderCapture(const v1::CapturePointsResponse& response, std::ostream& out) {
  out << "captured; " << response.points_released() << " points released "
      << FormatPosition(response.ledger_position(), response.replayed()) << "\n";
  RedemptionSummary(response.redemption(), out);
  out << "\n";
  RenderBalances(response.balances(), out);
}

void RenderVoid(const v1::VoidReservationResponse& response, std::ostream& out) {
  out << "voided; " << response.points_released() << " points released "
      << FormatPosition(response.ledger_position(), response.replayed()) << "\n";
  RenderBalances(response.balances(), out);
}

void RenderCancel(const v1::CancelRedemptionResponse& response, std::ostream& out) {
  out << "cancelled; " << response.points_restored() << " points restored";
  if (response.points_expired() > 0) out << ", " << response.points_expired() << " expired";
  out << " " << FormatPosition(response.ledger_position(), response.replayed()) << "\n";
  RenderBalances(response.balances(), out);
}

}  // namespace loyalty::ctl
