#pragma once

#include <ostream>
#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "tools/loyaltyctl/failure.h"

namespace loyalty::ctl {

// The message as one line of proto3 JSON, every primitive field printed (zeros included), so
// scripts can rely on the keys being there.
void PrintJson(const google::protobuf::Message& message, std::ostream& out);

// What PrintJson and PrintFailureJson print, without the newline.
std::string MessageJson(const google::protobuf::Message& message);
std::string FailureJson(const Failure& failure);

// The message as PrintJson prints it, with one more key after its own: `key` (a plain name like
// "memberBadges", printed as is), whose value is the JSON text `value` (a MessageJson or
// FailureJson). One line.
void PrintJsonWith(const google::protobuf::Message& message, absl::string_view key,
                   absl::string_view value, std::ostream& out);

// A failed call as one line of JSON, every key present:
//   {"error": {"code": "FAILED_PRECONDITION", "reason": "INSUFFICIENT_POINTS", "message": "...",
//              "details": {"request_id": "..."}, "hint": "..."}}
void PrintFailureJson(const Failure& failure, std::ostream& out);

}  // namespace loyalty::ctl
