#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace loyalty::query {

struct RebuildReport {
  int64_t position = 0;     // the live checkpoint the rebuild replayed up to
  int64_t events = 0;       // outbox events replayed
  int64_t differences = 0;  // rows that differ between the live views and the rebuild
  std::vector<std::string> samples;  // some of those rows, "table: only in live|rebuild: row"
};

// Replays every outbox event up to the live checkpoint, from the start, into scratch copies of
// the view tables (temporary tables of the same names, in one REPEATABLE READ transaction on a
// connection of its own), and compares them with the live views. Changes nothing.
absl::StatusOr<RebuildReport> RebuildAndCompare(const std::string& database_url);

}  // namespace loyalty::query
