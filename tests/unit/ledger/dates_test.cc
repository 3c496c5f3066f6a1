#include "libs/ledger/dates.h"

#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "libs/base/refusal.h"

namespace loyalty::ledger {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);
absl::Time Day(int days) { return kNow + absl::Hours(24 * days); }

struct AvailableCase {
  std::string name;
  absl::Time occurred_at;
  int32_t hold_days;
  std::optional<absl::Time> requested;
  absl::Time available_at;
};

TEST(AvailableAtTest, Table) {
  const std::vector<AvailableCase> cases = {
      {"no hold is now", kNow, 0, std::nullopt, kNow},
      {"hold counts from the order", kNow, 14, std::nullopt, Day(14)},
      {"old order with a hold that has passed is now", Day(-30), 14, std::nullopt, kNow},
      {"old order with a hold still running", Day(-10), 14, std::nullopt, Day(4)},
      {"hold ending exactly now", Day(-14), 14, std::nullopt, kNow},
      {"order in the future without hold", Day(2), 0, std::nullopt, Day(2)},
      {"later request wins", kNow, 14, Day(20), Day(20)},
      {"earlier request is ignored", kNow, 14, Day(3), Day(14)},
      {"request in the past is ignored", kNow, 0, Day(-3), kNow},
      {"request equal to the hold end", kNow, 14, Day(14), Day(14)},
  };
  for (const AvailableCase& test_case : cases) {
    SCOPED_TRACE(test_case.name);
    EXPECT_EQ(
        AvailableAt(test_case.occurred_at, test_case.hold_days, kNow, test_case.requested),
        test_case.available_at);
  }
}

struct ExpiresCase {
  std::string name;
  ExpiryPolicy policy;
  std::optional<absl::Time> requested;
  std::optional<absl::Time> expires_at;
};

TEST(ExpiresAtTest, Accepts) {
  const absl::Time available = Day(10);
  const std::vector<ExpiresCase> cases = {
      {"never", {ExpiryKind::kNever, 0}, std::nullopt, std::nullopt},
      {"fixed days count from available_at", {ExpiryKind::kFixedDays, 365}, std::nullopt,
       Day(375)},
      {"one fixed day", {ExpiryKind::kFixedDays, 1}, std::nullopt, Day(11)},
      {"inactivity gives no lot expiry", {ExpiryKind::kInactivityDays, 90}, std::nullopt,
       std::nullopt},
      {"request overrides fixed days", {ExpiryKind::kFixedDays, 365}, Day(40), Day(40)},
      {"request overrides never", {ExpiryKind::kNever, 0}, Day(40), Day(40)},
      {"request a second after available", {ExpiryKind::kNever, 0},
       available + absl::Seconds(1), available + absl::Seconds(1)},
  };
  for (const ExpiresCase& test_case : cases) {
    SCOPED_TRACE(test_case.name);
    absl::StatusOr<std::optional<absl::Time>> expires_at =
        ExpiresAt(test_case.policy, available, test_case.requested);
    ASSERT_TRUE(expires_at.ok()) << expires_at.status();
    EXPECT_EQ(*expires_at, test_case.expires_at);
  }
}

struct RefusedExpiresCase {
  std::string name;
  ExpiryPolicy policy;
  std::optional<absl::Time> requested;
};

TEST(ExpiresAtTest, RefusesExpiryNotAfterAvailable) {
  const absl::Time available = Day(10);
  const std::vector<RefusedExpiresCase> cases = {
      {"request equal to available", {ExpiryKind::kNever, 0}, available},
      {"request before available", {ExpiryKind::kFixedDays, 365}, Day(9)},
      {"request in the past", {ExpiryKind::kNever, 0}, Day(-1)},
      {"zero fixed days", {ExpiryKind::kFixedDays, 0}, std::nullopt},
      {"negative fixed days", {ExpiryKind::kFixedDays, -5}, std::nullopt},
  };
  for (const RefusedExpiresCase& test_case : cases) {
    SCOPED_TRACE(test_case.name);
    absl::StatusOr<std::optional<absl::Time>> expires_at =
        ExpiresAt(test_case.policy, available, test_case.requested);
    ASSERT_FALSE(expires_at.ok());
    EXPECT_EQ(expires_at.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(FieldOf(expires_at.status()), "expires_at");
  }
}

}  // namespace
}  // namespace loyalty::ledger
