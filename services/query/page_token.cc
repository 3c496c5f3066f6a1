#include "services/query/page_token.h"

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "libs/base/refusal.h"

namespace loyalty::query {
namespace {

constexpr size_t kMaxTokenLength = 128;

}  // namespace

absl::StatusOr<int32_t> PageSize(absl::string_view field, int32_t page_size) {
  if (page_size == 0) return kDefaultPageSize;
  if (page_size < 1 || page_size > kMaxPageSize) return InvalidField(field, "must be 1..100");
  return page_size;
}

std::string EncodePageToken(absl::string_view list, int64_t last_id) {
  return absl::WebSafeBase64Escape(absl::StrCat("v1:", list, ":", last_id));
}

absl::StatusOr<std::optional<int64_t>> DecodePageToken(absl::string_view field,
                                                       absl::string_view list,
                                                       absl::string_view token) {
  if (token.empty()) return std::optional<int64_t>();
  std::string text;
  if (token.size() > kMaxTokenLength || !absl::WebSafeBase64Unescape(token, &text)) {
    return InvalidField(field, "is not a page token of this list");
  }
  absl::string_view rest = text;
  int64_t last_id = 0;
  if (!absl::ConsumePrefix(&rest, "v1:") || !absl::ConsumePrefix(&rest, list) ||
      !absl::ConsumePrefix(&rest, ":") || !absl::SimpleAtoi(rest, &last_id) || last_id <= 0) {
    return InvalidField(field, "is not a page token of this list");
  }
  return std::optional<int64_t>(last_id);
}

}  // namespace loyalty::query
