#pragma once

#include "absl/status/status.h"
#include "libs/store/context.h"
#include "loyalty/v1/command.pb.h"

namespace loyalty::command {

// Gives the points of a redemption back to the lots they came from. See docs/rules.md.
absl::Status CancelRedemption(const store::Context& context,
                              const v1::CancelRedemptionRequest& request,
                              v1::CancelRedemptionResponse* response);

}  // namespace loyalty::command
