#pragma once

#include <string_view>

namespace loyalty {

// One-line structured log to stderr: `ts level message`. Thread-safe.
void LogInfo(std::string_view message);
void LogWarning(std::string_view message);
void LogError(std::string_view message);

}  // namespace loyalty
