#pragma once

#include <ostream>

#include "google/protobuf/message.h"
#include "tools/loyaltyctl/failure.h"

namespace loyalty::ctl {

// The message as one line of proto3 JSON, every primitive field printed (zeros included), so
// scripts can rely on the keys being there.
void PrintJson(const google::protobuf::Message& message, std::ostream& out);

// A failed call as one line of JSON, every key present:
//   {"error": {"code": "FAILED_PRECONDITION", "reason": "INSUFFICIENT_POINTS", "message": "...",
//              "details": {"request_id": "..."}, "hint": "..."}}
void PrintFailureJson(const Failure& failure, std::ostream& out);

}  // namespace loyalty::ctl
