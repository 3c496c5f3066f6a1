#pragma once

#include "absl/status/status.h"
#include "libs/store/context.h"
#include "libs/store/operation.h"
#include "loyalty/v1/command.pb.h"
#include "services/command/burn.h"

namespace loyalty::command {

absl::Status Redeem(const store::Context& context, const v1::RedeemRequest& request,
                    v1::RedeemResponse* response);
absl::Status GroupRedeem(const store::Context& context, const v1::GroupRedeemRequest& request,
                         v1::RedeemResponse* response);
// Writes a decided redemption (its row, per-lot and per-program breakup, the lots it takes, its
// ledger entries) into `operation` and fills `redemption`. `reservation_id` is the captured
// reservation, 0 for none.
absl::Status WriteRedemption(pg::Transaction& tx, store::Operation& operation,
                             const BurnRequest& request, const DecidedBurn& decided,
                             int64_t reservation_id, v1::Redemption* redemption);

absl::Status IsRedeemable(const store::Context& context, const v1::IsRedeemableRequest& request,
                          v1::IsRedeemableResponse* response);

}  // namespace loyalty::command
