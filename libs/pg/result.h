#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"

struct pg_result;

namespace loyalty::pg {

// Owns one PGresult (text format). Accessors take (row, column) and check bounds and types with an
// always-on check: a mismatch is a bug in our SQL, not bad input.
class Result final {
 public:
  Result() = default;
  explicit Result(pg_result* result);
  Result(Result&&) noexcept = default;
  Result& operator=(Result&&) noexcept = default;
  ~Result();

  int Rows() const;
  int AffectedRows() const;  // from the command tag (INSERT/UPDATE/DELETE)
  std::string_view CommandTag() const;  // "INSERT 0 1", "COMMIT", "ROLLBACK", ...
  bool IsNull(int row, int column) const;
  std::string_view Text(int row, int column) const;
  int64_t Int64(int row, int column) const;
  int32_t Int32(int row, int column) const;
  bool Bool(int row, int column) const;
  absl::Time Time(int row, int column) const;  // timestamptz in the session's UTC time zone
  std::string Bytes(int row, int column) const;  // bytea, decoded
  std::optional<int64_t> OptionalInt64(int row, int column) const;
  std::optional<absl::Time> OptionalTime(int row, int column) const;
  std::optional<std::string> OptionalText(int row, int column) const;

 private:
  struct Deleter {
    void operator()(pg_result* result) const;
  };
  std::unique_ptr<pg_result, Deleter> result_;
};

}  // namespace loyalty::pg
