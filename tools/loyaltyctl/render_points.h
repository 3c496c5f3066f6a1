#pragma once

#include <ostream>

#include "loyalty/v1/command.pb.h"

namespace loyalty::ctl {

// What a points command did, in one or two lines (and a line per badge level an accrual
// awarded or whose bonus a return took back), then the member's balances after it.
void RenderAccrue(const v1::AccrueResponse& response, std::ostream& out);
void RenderReverse(const v1::ReverseResponse& response, std::ostream& out);
void RenderRedeem(const v1::RedeemResponse& response, std::ostream& out);
void RenderTransfer(const v1::TransferResponse& response, std::ostream& out);
void RenderReserve(const v1::ReservePointsResponse& response, std::ostream& out);
void RenderCapture(const v1::CapturePointsResponse& response, std::ostream& out);
void RenderVoid(const v1::VoidReservationResponse& response, std::ostream& out);
void RenderCancel(const v1::CancelRedemptionResponse& response, std::ostream& out);

}  // namespace loyalty::ctl
