#pragma once

#include <ostream>

#include "google/protobuf/repeated_ptr_field.h"
#include "loyalty/v1/command.pb.h"
#include "loyalty/v1/common.pb.h"

namespace loyalty::ctl {

// A line with the member and group totals, then one row per program: available, held, pending,
// lifetime, qualifying, debt, tier, next expiry.
void RenderBalances(const v1::Balances& balances, std::ostream& out);

// "PROGRAM POINTS" rows of a redemption, transfer or reservation.
void RenderBreakup(const google::protobuf::RepeatedPtrField<v1::ProgramBreakup>& breakup,
                   std::ostream& out);

// One row per redemption, with its breakup by program as "shop:100 travel:20".
void RenderRedemptionTable(const google::protobuf::RepeatedPtrField<v1::Redemption>& redemptions,
                           std::ostream& out);

}  // namespace loyalty::ctl
