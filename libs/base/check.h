#pragma once

#include <cstdio>
#include <cstdlib>

// Always-on invariant check for programmer errors. Never use it on request data: bad input is an
// absl::Status, not a crash.
#define LOYALTY_CHECK(condition)                                                     \
  do {                                                                               \
    if (!(condition)) {                                                              \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                  \
    }                                                                                \
  } while (false)
