#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "libs/pg/connection.h"

namespace loyalty::testing {

// One integer from `sql` (0 for NULL); -1, and a test failure, when the query fails.
inline int64_t SqlInt(pg::Connection& sql, const std::string& query) {
  absl::StatusOr<pg::Result> result = sql.ExecuteText(query);
  EXPECT_TRUE(result.ok()) << result.status();
  if (!result.ok()) return -1;
  return result->IsNull(0, 0) ? 0 : result->Int64(0, 0);
}

// A session of the database at `url` holding the row lock of member `member_id` in an open
// transaction, until its COMMIT; nullptr, and a test failure, when it cannot.
inline std::unique_ptr<pg::Connection> LockMember(const std::string& url,
                                                  const std::string& member_id) {
  absl::StatusOr<std::unique_ptr<pg::Connection>> holder = pg::Connection::Open(url);
  EXPECT_TRUE(holder.ok()) << holder.status();
  if (!holder.ok()) return nullptr;
  const bool locked =
      (*holder)->ExecuteText("BEGIN").ok() &&
      (*holder)
          ->ExecuteText("SELECT 1 FROM members WHERE member_id = $1 FOR UPDATE",
                        pg::Params().Add(member_id))
          .ok();
  EXPECT_TRUE(locked);
  return locked ? *std::move(holder) : nullptr;
}

// The sessions of `sql`'s database that wait for a lock now.
inline int64_t LockWaiters(pg::Connection& sql) {
  absl::StatusOr<pg::Result> result = sql.ExecuteText(
      "SELECT count(*) FROM pg_stat_activity"
      " WHERE datname = current_database() AND wait_event_type = 'Lock'");
  return result.ok() ? result->Int64(0, 0) : -1;
}

// Polls until `count` sessions of `sql`'s database wait for a lock, for at most `timeout`;
// whether they did.
inline bool AwaitLockWaiters(pg::Connection& sql, int64_t count,
                             absl::Duration timeout = absl::Seconds(30)) {
  const absl::Time give_up = absl::Now() + timeout;
  while (LockWaiters(sql) != count) {
    if (absl::Now() >= give_up) return false;
  }
  return true;
}

}  // namespace loyalty::testing
