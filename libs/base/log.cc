#include "libs/base/log.h"

#include <cstdio>
#include <mutex>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace loyalty {
namespace {

std::mutex log_mutex;

void Write(std::string_view level, std::string_view message) {
  const std::string timestamp =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  std::lock_guard<std::mutex> lock(log_mutex);
  std::fprintf(stderr, "%s %.*s %.*s\n", timestamp.c_str(), static_cast<int>(level.size()),
               level.data(), static_cast<int>(message.size()), message.data());
}

}  // namespace

void LogInfo(std::string_view message) { Write("INFO", message); }
void LogWarning(std::string_view message) { Write("WARN", message); }
void LogError(std::string_view message) { Write("ERROR", message); }

}  // namespace loyalty
