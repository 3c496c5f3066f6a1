#pragma once

#include "absl/status/status.h"
#include "loyalty/v1/command.pb.h"
#include "services/command/context.h"

namespace loyalty::command {

absl::Status Redeem(const Context& context, const v1::RedeemRequest& request,
                    v1::RedeemResponse* response);
absl::Status GroupRedeem(const Context& context, const v1::GroupRedeemRequest& request,
                         v1::RedeemResponse* response);
absl::Status IsRedeemable(const Context& context, const v1::IsRedeemableRequest& request,
                          v1::IsRedeemableResponse* response);

}  // namespace loyalty::command
