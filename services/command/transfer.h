#pragma once

#include "absl/status/status.h"
#include "libs/store/context.h"
#include "loyalty/v1/command.pb.h"

namespace loyalty::command {

absl::Status Transfer(const store::Context& context, const v1::TransferRequest& request,
                      v1::TransferResponse* response);
absl::Status IsTransferable(const store::Context& context, const v1::IsTransferableRequest& request,
                            v1::IsTransferableResponse* response);

}  // namespace loyalty::command
