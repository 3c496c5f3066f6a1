#include "libs/rpc/trace_context.h"

#include <iterator>
#include <string>

#include "absl/strings/ascii.h"

namespace loyalty::rpc {
namespace {

// version "-" trace-id "-" parent-id "-" flags.
constexpr size_t kVersionLength = 2;
constexpr size_t kTraceIdLength = 32;
constexpr size_t kParentIdLength = 16;
constexpr size_t kFlagsLength = 2;
constexpr size_t kHeaderLength =
    kVersionLength + 1 + kTraceIdLength + 1 + kParentIdLength + 1 + kFlagsLength;

bool IsLowerHex(absl::string_view text) {
  for (const char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)) && (c < 'a' || c > 'f')) return false;
  }
  return true;
}

// `text` in lowercase hex and not all zeros.
bool IsId(absl::string_view text) {
  return IsLowerHex(text) && text.find_first_not_of('0') != absl::string_view::npos;
}

}  // namespace

std::string TraceIdOf(absl::string_view traceparent) {
  if (traceparent.size() < kHeaderLength) return "";
  const absl::string_view version = traceparent.substr(0, kVersionLength);
  if (!IsLowerHex(version) || version == "ff") return "";
  // Version 00 is exactly its four fields; a later version may add fields after a '-'.
  if (version == "00" ? traceparent.size() != kHeaderLength
                      : traceparent.size() > kHeaderLength && traceparent[kHeaderLength] != '-') {
    return "";
  }
  size_t at = kVersionLength;
  if (traceparent[at] != '-') return "";
  const absl::string_view trace_id = traceparent.substr(at + 1, kTraceIdLength);
  at += 1 + kTraceIdLength;
  if (traceparent[at] != '-') return "";
  const absl::string_view parent_id = traceparent.substr(at + 1, kParentIdLength);
  at += 1 + kParentIdLength;
  if (traceparent[at] != '-') return "";
  const absl::string_view flags = traceparent.substr(at + 1, kFlagsLength);
  if (!IsId(trace_id) || !IsId(parent_id) || !IsLowerHex(flags)) return "";
  return std::string(trace_id);
}

std::string CallTraceId(const grpc::ServerContextBase& server_context) {
  const auto& metadata = server_context.client_metadata();
  const auto [first, last] = metadata.equal_range("traceparent");
  if (first == last || std::next(first) != last) return "";
  return TraceIdOf(absl::string_view(first->second.data(), first->second.size()));
}

}  // namespace loyalty::rpc
