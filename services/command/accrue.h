#pragma once

#include "absl/status/status.h"
#include "libs/store/context.h"
#include "loyalty/v1/command.pb.h"

namespace loyalty::command {

// Awards points (purchase, action, explicit points, staff adjustment). See docs/rules.md.
absl::Status Accrue(const store::Context& context, const v1::AccrueRequest& request,
                    v1::AccrueResponse* response);

}  // namespace loyalty::command
