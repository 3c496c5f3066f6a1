#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"

namespace loyalty::ctl {

// What an operator sees when a call fails.
struct Failure {
  // kExitRefused when the platform said no, kExitTransport when no answer came.
  int exit_code = 0;
  // "error: <CODE> <REASON>: <message>" (no reason when the status carries none).
  std::string message;
  // One line on what to do; empty when there is nothing useful to say.
  std::string hint;
};

// Reads the reason from the status details (a serialized loyalty.v1.RpcStatus holding one
// ErrorInfo) and explains it; `target` is the address the call went to.
Failure DescribeFailure(const grpc::Status& status, absl::string_view target);

}  // namespace loyalty::ctl
