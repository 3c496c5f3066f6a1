#pragma once

#include <map>
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
  // The parts, for --json: the status code's name ("FAILED_PRECONDITION"), the reason code (""
  // when the status carries none), the status message as sent, and the ErrorInfo metadata
  // ("field", "request_id").
  std::string code;
  std::string reason;
  std::string status_message;
  std::map<std::string, std::string> details;
};

// Reads the reason from the status details (a serialized google.rpc.Status holding a
// google.rpc.ErrorInfo) and explains it; `target` is the address the call went to.
Failure DescribeFailure(const grpc::Status& status, absl::string_view target);

}  // namespace loyalty::ctl
