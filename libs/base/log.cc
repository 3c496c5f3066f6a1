#include "libs/base/log.h"

#include <cstdio>
#include <string>

#include "absl/base/attributes.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace loyalty {
namespace {

// Keeps each line whole among threads (it guards stderr, which cannot be annotated).
ABSL_CONST_INIT absl::Mutex log_mutex(absl::kConstInit);

void Write(std::string_view level, std::string_view message) {
  const std::string timestamp =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  absl::MutexLock lock(&log_mutex);
  std::fprintf(stderr, "%s %.*s %.*s\n", timestamp.c_str(), static_cast<int>(level.size()),
               level.data(), static_cast<int>(message.size()), message.data());
}

}  // namespace

void LogInfo(std::string_view message) { Write("INFO", message); }
void LogWarning(std::string_view message) { Write("WARN", message); }
void LogError(std::string_view message) { Write("ERROR", message); }

}  // namespace loyalty
