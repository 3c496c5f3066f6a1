#pragma once

#include "absl/status/status.h"
#include "libs/store/context.h"
#include "loyalty/v1/command.pb.h"

namespace loyalty::command {

absl::Status Redeem(const store::Context& context, const v1::RedeemRequest& request,
                    v1::RedeemResponse* response);
absl::Status GroupRedeem(const store::Context& context, const v1::GroupRedeemRequest& request,
                         v1::RedeemResponse* response);

absl::Status IsRedeemable(const store::Context& context, const v1::IsRedeemableRequest& request,
                          v1::IsRedeemableResponse* response);

}  // namespace loyalty::command
