#pragma once

#include "absl/status/status.h"
#include "loyalty/v1/command.pb.h"
#include "services/command/context.h"

namespace loyalty::command {

absl::Status Transfer(const Context& context, const v1::TransferRequest& request,
                      v1::TransferResponse* response);
absl::Status IsTransferable(const Context& context, const v1::IsTransferableRequest& request,
                            v1::IsTransferableResponse* response);

}  // namespace loyalty::command
