#pragma once

#include "absl/status/status.h"
#include "loyalty/v1/command.pb.h"
#include "services/command/context.h"

namespace loyalty::command {

// Awards points (purchase, action, explicit points, staff adjustment). See docs/rules.md.
absl::Status Accrue(const Context& context, const v1::AccrueRequest& request,
                    v1::AccrueResponse* response);

}  // namespace loyalty::command
