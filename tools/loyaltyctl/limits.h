#pragma once

#include <cstddef>
#include <cstdint>

namespace loyalty::ctl {

// Bounds on what the command line may hold; the platform validates the request content itself.
inline constexpr int kMaxArguments = 64;
inline constexpr std::size_t kMaxArgumentLength = 4096;
inline constexpr int64_t kMinTimeoutMs = 1;
inline constexpr int64_t kMaxTimeoutMs = 600'000;
inline constexpr int64_t kDefaultTimeoutMs = 10'000;
// ListPrograms pages fetched by `program list` before it stops and says so.
inline constexpr int kMaxListPages = 20;

// Exit codes.
inline constexpr int kExitOk = 0;
inline constexpr int kExitRefused = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitTransport = 3;

}  // namespace loyalty::ctl
