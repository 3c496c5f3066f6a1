#include "libs/pg/result.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "libs/base/check.h"

namespace loyalty::pg {
namespace {

// Consumes between `min_digits` and `max_digits` decimal digits from the front of `text`.
bool ConsumeDigits(std::string_view& text, size_t min_digits, size_t max_digits, int64_t& value,
                   size_t* digits_read = nullptr) {
  size_t count = 0;
  value = 0;
  while (count < text.size() && count < max_digits && text[count] >= '0' && text[count] <= '9') {
    value = value * 10 + (text[count] - '0');
    ++count;
  }
  if (count < min_digits) return false;
  text.remove_prefix(count);
  if (digits_read != nullptr) *digits_read = count;
  return true;
}

bool ConsumeChar(std::string_view& text, char expected) {
  if (text.empty() || text.front() != expected) return false;
  text.remove_prefix(1);
  return true;
}

// Parses timestamptz output in ISO DateStyle: "2026-11-22 07:40:00.123456+00", where the
// fraction (up to microseconds) is optional and the offset may carry minutes and seconds.
bool ParseTimestamptz(std::string_view text, absl::Time& time) {
  if (text == "infinity") {
    time = absl::InfiniteFuture();
    return true;
  }
  if (text == "-infinity") {
    time = absl::InfinitePast();
    return true;
  }
  int64_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ConsumeDigits(text, 4, 9, year) || !ConsumeChar(text, '-') ||
      !ConsumeDigits(text, 2, 2, month) || !ConsumeChar(text, '-') ||
      !ConsumeDigits(text, 2, 2, day) || !ConsumeChar(text, ' ') ||
      !ConsumeDigits(text, 2, 2, hour) || !ConsumeChar(text, ':') ||
      !ConsumeDigits(text, 2, 2, minute) || !ConsumeChar(text, ':') ||
      !ConsumeDigits(text, 2, 2, second)) {
    return false;
  }
  int64_t micros = 0;
  if (ConsumeChar(text, '.')) {
    size_t digits = 0;
    if (!ConsumeDigits(text, 1, 6, micros, &digits)) return false;
    for (; digits < 6; ++digits) micros *= 10;
  }
  if (text.empty() || (text.front() != '+' && text.front() != '-')) return false;
  const int64_t sign = text.front() == '-' ? -1 : 1;
  text.remove_prefix(1);
  int64_t offset_hours = 0, offset_minutes = 0, offset_seconds = 0;
  if (!ConsumeDigits(text, 2, 2, offset_hours)) return false;
  if (ConsumeChar(text, ':') && !ConsumeDigits(text, 2, 2, offset_minutes)) return false;
  if (ConsumeChar(text, ':') && !ConsumeDigits(text, 2, 2, offset_seconds)) return false;
  if (text == " BC") {
    year = 1 - year;  // 1 BC is year 0
    text.remove_prefix(3);
  }
  if (!text.empty()) return false;
  const absl::CivilSecond civil(year, static_cast<int>(month), static_cast<int>(day),
                                static_cast<int>(hour), static_cast<int>(minute),
                                static_cast<int>(second));
  if (civil.month() != month || civil.day() != day || civil.hour() != hour ||
      civil.minute() != minute || civil.second() != second) {
    return false;  // out of range fields were normalised
  }
  const int64_t offset = sign * (offset_hours * 3600 + offset_minutes * 60 + offset_seconds);
  time = absl::FromCivil(civil, absl::UTCTimeZone()) - absl::Seconds(offset) +
         absl::Microseconds(micros);
  return true;
}

}  // namespace

Result::Result(pg_result* result) : result_(result) {}

Result::~Result() = default;

void Result::Deleter::operator()(pg_result* result) const { PQclear(result); }

int Result::Rows() const { return result_ == nullptr ? 0 : PQntuples(result_.get()); }

int Result::AffectedRows() const {
  if (result_ == nullptr) return 0;
  const char* tuples = PQcmdTuples(result_.get());
  int count = 0;
  if (tuples == nullptr || *tuples == '\0' || !absl::SimpleAtoi(tuples, &count)) return 0;
  return count;
}

std::string_view Result::CommandTag() const {
  if (result_ == nullptr) return {};
  const char* tag = PQcmdStatus(result_.get());
  return tag == nullptr ? std::string_view() : std::string_view(tag);
}

bool Result::IsNull(int row, int column) const {
  LOYALTY_CHECK(result_ != nullptr);
  LOYALTY_CHECK(row >= 0 && row < PQntuples(result_.get()));
  LOYALTY_CHECK(column >= 0 && column < PQnfields(result_.get()));
  return PQgetisnull(result_.get(), row, column) == 1;
}

std::string_view Result::Text(int row, int column) const {
  LOYALTY_CHECK(!IsNull(row, column));
  return std::string_view(PQgetvalue(result_.get(), row, column),
                          static_cast<size_t>(PQgetlength(result_.get(), row, column)));
}

int64_t Result::Int64(int row, int column) const {
  const std::string_view text = Text(row, column);
  int64_t value = 0;
  LOYALTY_CHECK(absl::SimpleAtoi(absl::string_view(text.data(), text.size()), &value));
  return value;
}

int32_t Result::Int32(int row, int column) const {
  const std::string_view text = Text(row, column);
  int32_t value = 0;
  LOYALTY_CHECK(absl::SimpleAtoi(absl::string_view(text.data(), text.size()), &value));
  return value;
}

bool Result::Bool(int row, int column) const {
  const std::string_view text = Text(row, column);
  LOYALTY_CHECK(text == "t" || text == "f");
  return text == "t";
}

absl::Time Result::Time(int row, int column) const {
  absl::Time time;
  LOYALTY_CHECK(ParseTimestamptz(Text(row, column), time));
  return time;
}

std::string Result::Bytes(int row, int column) const {
  LOYALTY_CHECK(!IsNull(row, column));
  const auto* text =
      reinterpret_cast<const unsigned char*>(PQgetvalue(result_.get(), row, column));
  size_t length = 0;
  unsigned char* bytes = PQunescapeBytea(text, &length);
  LOYALTY_CHECK(bytes != nullptr);
  std::string value(reinterpret_cast<const char*>(bytes), length);
  PQfreemem(bytes);
  return value;
}

std::optional<int64_t> Result::OptionalInt64(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return Int64(row, column);
}

std::optional<absl::Time> Result::OptionalTime(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return Time(row, column);
}

std::optional<std::string> Result::OptionalText(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return std::string(Text(row, column));
}

}  // namespace loyalty::pg
