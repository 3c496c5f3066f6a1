#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"

namespace loyalty::pg {

// Text-format parameters of one statement ($1, $2, ...). Times go out as RFC 3339 UTC with
// microseconds; booleans as "true"/"false"; nullopt as SQL NULL; arrays as array literals.
class Params final {
 public:
  Params& Add(int64_t value);
  Params& Add(int32_t value);
  Params& Add(bool value);
  Params& Add(std::string_view value);
  Params& Add(const char* value) { return Add(std::string_view(value)); }
  Params& Add(absl::Time value);
  Params& AddBytes(std::string_view bytes);  // bytea, sent as hex text (\x...)
  Params& AddNull();
  // A one-dimensional array in text form ("{...}") of values as Add made them (nullopt: NULL),
  // for statements that take many rows at once: unnest($1::bigint[], $2::text[], ...).
  Params& AddArray(const std::vector<std::optional<std::string>>& elements);
  template <typename T>
  Params& Add(const std::optional<T>& value) {
    return value.has_value() ? Add(*value) : AddNull();
  }

  int Size() const { return static_cast<int>(values_.size()); }
  const std::vector<std::optional<std::string>>& Values() const { return values_; }
  size_t Bytes() const;  // of the values, for bounds on what is queued
  friend bool operator==(const Params&, const Params&) = default;

 private:
  std::vector<std::optional<std::string>> values_;
};

}  // namespace loyalty::pg
