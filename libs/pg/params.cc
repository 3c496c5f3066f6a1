#include "libs/pg/params.h"

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace loyalty::pg {

Params& Params::Add(int64_t value) {
  values_.emplace_back(absl::StrCat(value));
  return *this;
}

Params& Params::Add(int32_t value) {
  values_.emplace_back(absl::StrCat(value));
  return *this;
}

Params& Params::Add(bool value) {
  values_.emplace_back(value ? "true" : "false");
  return *this;
}

Params& Params::Add(std::string_view value) {
  values_.emplace_back(std::string(value));
  return *this;
}

Params& Params::Add(absl::Time value) {
  if (value == absl::InfiniteFuture()) {
    values_.emplace_back("infinity");
  } else if (value == absl::InfinitePast()) {
    values_.emplace_back("-infinity");
  } else {
    values_.emplace_back(absl::FormatTime("%Y-%m-%dT%H:%M:%E6S+00:00", value, absl::UTCTimeZone()));
  }
  return *this;
}

Params& Params::AddBytes(std::string_view bytes) {
  const absl::string_view raw(bytes.data(), bytes.size());
  values_.emplace_back(absl::StrCat("\\x", absl::BytesToHexString(raw)));
  return *this;
}

Params& Params::AddNull() {
  values_.emplace_back(std::nullopt);
  return *this;
}

Params& Params::AddArray(const std::vector<std::optional<std::string>>& elements) {
  std::string literal = "{";
  for (const std::optional<std::string>& element : elements) {
    if (literal.size() > 1) literal += ',';
    if (!element.has_value()) {
      literal += "NULL";
      continue;
    }
    literal += '"';  // quoted, so that no content (commas, braces, "NULL") is read as syntax
    for (const char c : *element) {
      if (c == '"' || c == '\\') literal += '\\';
      literal += c;
    }
    literal += '"';
  }
  literal += '}';
  values_.emplace_back(std::move(literal));
  return *this;
}

size_t Params::Bytes() const {
  size_t bytes = 0;
  for (const std::optional<std::string>& value : values_) bytes += value ? value->size() : 0;
  return bytes;
}

}  // namespace loyalty::pg
