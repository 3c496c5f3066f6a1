// Params out, Result back: every type survives a trip through the server unchanged.
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "libs/pg/connection.h"
#include "tests/support/pg_cluster.h"

namespace loyalty::pg {
namespace {

class PgParamsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<Connection>> opened =
        Connection::Open(loyalty::testing::SharedPgCluster().CreateDatabase());
    ASSERT_TRUE(opened.ok()) << opened.status();
    connection_ = *std::move(opened);
  }

  // Runs `SELECT $1::type` as a prepared statement and returns the result.
  Result Echo(const char* name, const char* sql, const Params& params) {
    absl::StatusOr<Result> result = connection_->Execute(Statement{name, sql}, params);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *std::move(result) : Result();
  }

  std::unique_ptr<Connection> connection_;
};

TEST_F(PgParamsTest, Int64ExtremesRoundTrip) {
  for (int64_t value : {std::numeric_limits<int64_t>::min(), int64_t{-1}, int64_t{0},
                        int64_t{1}, std::numeric_limits<int64_t>::max()}) {
    Result result = Echo("echo_int64", "SELECT $1::bigint", Params().Add(value));
    ASSERT_EQ(result.Rows(), 1);
    EXPECT_EQ(result.Int64(0, 0), value);
  }
}

TEST_F(PgParamsTest, Int32AndBoolRoundTrip) {
  for (int32_t value : {std::numeric_limits<int32_t>::min(), 0,
                        std::numeric_limits<int32_t>::max()}) {
    for (bool flag : {true, false}) {
      Result result = Echo("echo_int32_bool", "SELECT $1::int, $2::boolean",
                           Params().Add(value).Add(flag));
      EXPECT_EQ(result.Int32(0, 0), value);
      EXPECT_EQ(result.Bool(0, 1), flag);
    }
  }
}

TEST_F(PgParamsTest, TextWithQuotesAndUnicodeRoundTrips) {
  const std::string texts[] = {
      "",
      "it's \"quoted\"; DROP TABLE x; --",
      "back\\slash \\x00 $1 %s",
      // été € 🎁 日本
      "\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\x81 \xe6\x97\xa5\xe6\x9c\xac",
      std::string(10000, 'a'),
  };
  for (const std::string& text : texts) {
    Result result = Echo("echo_text", "SELECT $1::text, length($1::text)", Params().Add(text));
    EXPECT_EQ(result.Text(0, 0), text);
    EXPECT_EQ(result.OptionalText(0, 0), text);
  }
  // The session speaks UTF-8: the server counts characters, not bytes.
  Result unicode = Echo("echo_text", "SELECT $1::text, length($1::text)", Params().Add(texts[3]));
  EXPECT_EQ(unicode.Int64(0, 1), 10);
}

TEST_F(PgParamsTest, NullsRoundTrip) {
  const std::optional<int64_t> no_number;
  const std::optional<absl::Time> no_time;
  const std::optional<std::string> no_text;
  Result result = Echo("echo_nulls", "SELECT $1::bigint, $2::timestamptz, $3::text, $4::bytea",
                       Params().Add(no_number).Add(no_time).Add(no_text).AddNull());
  for (int column = 0; column < 4; ++column) EXPECT_TRUE(result.IsNull(0, column));
  EXPECT_EQ(result.OptionalInt64(0, 0), std::nullopt);
  EXPECT_EQ(result.OptionalTime(0, 1), std::nullopt);
  EXPECT_EQ(result.OptionalText(0, 2), std::nullopt);

  const std::optional<int64_t> number = 42;
  Result present = Echo("echo_optional", "SELECT $1::bigint", Params().Add(number));
  EXPECT_EQ(present.OptionalInt64(0, 0), 42);
}

TEST_F(PgParamsTest, BytesRoundTripAllByteValues) {
  std::string bytes;
  for (int value = 0; value < 256; ++value) bytes.push_back(static_cast<char>(value));
  bytes += std::string("\0\0end", 5);
  Result result = Echo("echo_bytes", "SELECT $1::bytea, length($1::bytea)",
                       Params().AddBytes(bytes));
  EXPECT_EQ(result.Bytes(0, 0), bytes);
  EXPECT_EQ(result.Int64(0, 1), static_cast<int64_t>(bytes.size()));
  Result empty = Echo("echo_bytes", "SELECT $1::bytea, length($1::bytea)", Params().AddBytes(""));
  EXPECT_EQ(empty.Bytes(0, 0), "");
}

TEST_F(PgParamsTest, TimesRoundTripToTheMicrosecond) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  const absl::Time times[] = {
      absl::FromCivil(absl::CivilSecond(2026, 11, 22, 7, 40, 0), utc) + absl::Microseconds(123456),
      absl::FromCivil(absl::CivilSecond(2026, 11, 22, 7, 40, 0), utc),  // no fraction printed
      absl::FromCivil(absl::CivilSecond(2026, 11, 22, 7, 40, 0), utc) + absl::Microseconds(1),
      absl::FromCivil(absl::CivilSecond(2024, 2, 29, 23, 59, 59), utc) + absl::Microseconds(999999),
      absl::FromCivil(absl::CivilSecond(1969, 12, 31, 23, 59, 59), utc) + absl::Microseconds(500),
      absl::UnixEpoch(),
      absl::FromCivil(absl::CivilSecond(9999, 12, 31, 23, 59, 59), utc),
      absl::InfiniteFuture(),
      absl::InfinitePast(),
  };
  for (absl::Time time : times) {
    Result result = Echo("echo_time", "SELECT $1::timestamptz, $1::timestamptz::text",
                         Params().Add(time));
    EXPECT_EQ(result.Time(0, 0), time) << result.Text(0, 1);
    EXPECT_EQ(result.OptionalTime(0, 0), time);
  }
}

TEST_F(PgParamsTest, ServerTimesParseInUtc) {
  absl::StatusOr<Result> result = connection_->ExecuteText(
      "SELECT '2026-11-22 09:40:00.5+02'::timestamptz, current_setting('TimeZone'),"
      " '2026-11-22 07:40:00.123456Z'::timestamptz::text");
  ASSERT_TRUE(result.ok()) << result.status();
  const absl::Time expected =
      absl::FromCivil(absl::CivilSecond(2026, 11, 22, 7, 40, 0), absl::UTCTimeZone());
  EXPECT_EQ(result->Time(0, 0), expected + absl::Milliseconds(500));
  EXPECT_EQ(result->Text(0, 1), "UTC");
  EXPECT_EQ(result->Text(0, 2), "2026-11-22 07:40:00.123456+00");
}

TEST_F(PgParamsTest, TextStatementsTakeParams) {
  absl::StatusOr<Result> result = connection_->ExecuteText(
      "SELECT $1::bigint + 1, $2::text", Params().Add(int64_t{41}).Add("x"));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->Int64(0, 0), 42);
  EXPECT_EQ(result->Text(0, 1), "x");
}

TEST_F(PgParamsTest, ArraysRoundTripElementByElement) {
  const std::vector<std::optional<std::string>> texts = {
      "", "a,b", "{braces}", "NULL", "it's \"quoted\"", "back\\slash", std::nullopt, " x "};
  const Params numbers = Params().Add(int64_t{-7}).AddNull().Add(int64_t{9007199254740993});
  const Params times = Params().Add(absl::FromUnixMicros(1796300000123456)).AddNull();
  Result result = Echo(
      "echo_arrays",
      "SELECT t, n, m, cardinality($1::text[]), cardinality($4::text[])"
      " FROM unnest($1::text[], $2::bigint[], $3::timestamptz[]) WITH ORDINALITY AS u(t, n, m, i)"
      " ORDER BY i",
      Params().AddArray(texts).AddArray(numbers.Values()).AddArray(times.Values()).AddArray({}));
  ASSERT_EQ(result.Rows(), static_cast<int>(texts.size()));
  for (int row = 0; row < result.Rows(); ++row) {
    EXPECT_EQ(result.OptionalText(row, 0), texts[static_cast<size_t>(row)]) << row;
    EXPECT_EQ(result.Int64(row, 3), static_cast<int64_t>(texts.size()));
    EXPECT_EQ(result.Int64(row, 4), 0);
  }
  EXPECT_EQ(result.Int64(0, 1), -7);
  EXPECT_EQ(result.OptionalInt64(1, 1), std::nullopt);
  EXPECT_EQ(result.Int64(2, 1), 9007199254740993);
  EXPECT_EQ(result.OptionalInt64(3, 1), std::nullopt);  // unnest pads the shorter arrays
  EXPECT_EQ(result.Time(0, 2), absl::FromUnixMicros(1796300000123456));
  EXPECT_EQ(result.OptionalText(1, 2), std::nullopt);
}

}  // namespace
}  // namespace loyalty::pg
