#pragma once

// Times between the domain (absl::Time) and the wire (google.protobuf.Timestamp).

#include <optional>

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace loyalty::wire {

inline absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) + absl::Nanoseconds(timestamp.nanos());
}

inline void ToTimestamp(absl::Time time, google::protobuf::Timestamp* timestamp) {
  const int64_t micros = absl::ToUnixMicros(time);
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    --seconds;
  }
  timestamp->set_seconds(seconds);
  timestamp->set_nanos(static_cast<int32_t>(rest * 1000));
}

// Writes `time` when it has a value, leaves the field absent otherwise.
template <typename SetTimestamp>
void ToOptionalTimestamp(const std::optional<absl::Time>& time, SetTimestamp mutable_field) {
  if (time.has_value()) ToTimestamp(*time, mutable_field());
}

}  // namespace loyalty::wire
