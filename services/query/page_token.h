#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace loyalty::query {

inline constexpr int32_t kDefaultPageSize = 20;
inline constexpr int32_t kMaxPageSize = 100;

// 20 for 0; INVALID_ARGUMENT naming `field` outside 1..100.
absl::StatusOr<int32_t> PageSize(absl::string_view field, int32_t page_size);

// Opaque cursors for newest-first lists: the id of the last item returned, tagged with the list
// it belongs to. Decode gives nullopt for an empty token (the first page) and INVALID_ARGUMENT
// naming `field` for anything this service did not issue.
std::string EncodePageToken(absl::string_view list, int64_t last_id);
absl::StatusOr<std::optional<int64_t>> DecodePageToken(absl::string_view field,
                                                       absl::string_view list,
                                                       absl::string_view token);

}  // namespace loyalty::query
