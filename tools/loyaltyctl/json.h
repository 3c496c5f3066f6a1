#pragma once

#include <ostream>

#include "google/protobuf/message.h"

namespace loyalty::ctl {

// The message as one line of proto3 JSON, every primitive field printed (zeros included), so
// scripts can rely on the keys being there.
void PrintJson(const google::protobuf::Message& message, std::ostream& out);

}  // namespace loyalty::ctl
