#pragma once

#include <climits>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace loyalty::testing {

// One integer flag of a binary's Config: its range and the refusal naming it.
template <typename Config>
struct IntFlag {
  std::string message;  // the refusal, exactly: "--pool_size must be 1..256"
  int min;
  int max;
  std::function<void(Config&, int)> set;
};

// For each flag, from the default Config: `min` and `max` accepted; one past each side, and
// INT_MIN and INT_MAX, refused with INVALID_ARGUMENT and exactly the flag's message.
template <typename Config>
void ExpectBounds(const std::vector<IntFlag<Config>>& flags,
                  absl::Status (*validate)(const Config&)) {
  for (const IntFlag<Config>& flag : flags) {
    SCOPED_TRACE(flag.message);
    for (int accepted : {flag.min, flag.max}) {
      Config config;
      flag.set(config, accepted);
      EXPECT_TRUE(validate(config).ok()) << accepted << ": " << validate(config);
    }
    for (int refused : {flag.min - 1, flag.max + 1, INT_MIN, INT_MAX}) {
      Config config;
      flag.set(config, refused);
      const absl::Status status = validate(config);
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << refused;
      EXPECT_EQ(std::string(status.message()), flag.message) << refused;
    }
  }
}

}  // namespace loyalty::testing
