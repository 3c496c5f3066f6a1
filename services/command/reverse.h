#pragma once

#include "absl/status/status.h"
#include "libs/store/context.h"
#include "loyalty/v1/command.pb.h"

namespace loyalty::command {

// Takes back the points of a returned (in part or in full) or cancelled order. See docs/rules.md.
absl::Status Reverse(const store::Context& context, const v1::ReverseRequest& request,
                     v1::ReverseResponse* response);

}  // namespace loyalty::command
