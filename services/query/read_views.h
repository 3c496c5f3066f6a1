#pragma once

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "libs/base/clock.h"
#include "libs/ledger/member.h"
#include "libs/pg/pool.h"
#include "libs/pg/transaction.h"
#include "libs/store/member_repository.h"
#include "services/query/balance_cache.h"
#include "services/query/checkpoint.h"

namespace loyalty::query {

// What every query needs; built once in main (or a test) and shared.
struct QueryContext {
  pg::Pool* pool;
  const Clock* clock;  // business time: pending and expiry are judged at clock->Now()
  CheckpointWatch* watch;
  absl::Duration max_wait = absl::Seconds(5);  // longest min_position wait, whatever the deadline
  BalanceCache* balance_cache = nullptr;       // GetBalances' members in memory; null: none
};

// The reasons of the UNAVAILABLE answer when the views have not reached min_position in time: on
// the primary (the projector is behind), and on a hot standby (it has not replayed that far yet).
inline constexpr char kNotYetConsistent[] = "NOT_YET_CONSISTENT";
inline constexpr char kReplicaBehind[] = "REPLICA_BEHIND";

// What ReadViews read before its body: the checkpoint position the transaction sees and the
// member's row.
struct ViewRead {
  int64_t position = 0;
  std::string member_kind;
  std::string member_status;
};

// Waits (until `deadline`, at most context.max_wait) for the views to reach `min_position`;
// UNAVAILABLE with NOT_YET_CONSISTENT, or REPLICA_BEHIND when the views' server is a standby,
// when they do not in time.
absl::Status AwaitViews(const QueryContext& context, int64_t min_position, absl::Time deadline);

// AwaitViews, then runs `body` in one REPEATABLE READ transaction with the checkpoint position it
// sees, after checking that `member_id` is a member of `org_id` (NOT_FOUND otherwise) and reading
// its row. `prefetch` (may be empty) declares all of the body's reads (pg::Transaction::Prefetch):
// they go out with BEGIN, the member check and COMMIT, in one round trip
// (pg::Transaction::PrefetchCommit); a read it did not declare fails the call with INTERNAL.
absl::Status ReadViews(const QueryContext& context, const std::string& org_id,
                       const std::string& member_id, int64_t min_position, absl::Time deadline,
                       const std::function<absl::Status(pg::Transaction&, const ViewRead&)>& body,
                       const std::function<void(pg::Transaction&)>& prefetch = {});

// A member's state in the views: enrolments, open lots and totals, as a read
// (libs/store/read_plan.h). Kind and status are not in it: SetMemberRow sets them.
struct MemberViewRead {
  using Value = ledger::MemberState;
  const std::string& org_id;
  const std::string& member_id;

  void Declare(pg::Transaction& tx) const;
  absl::StatusOr<ledger::MemberState> Load(pg::Transaction& tx) const;
};

// Sets the member's kind and status from the members row ReadViews read.
void SetMemberRow(const ViewRead& read, ledger::MemberState* member);

// MemberViewRead of ReadViews' member (or another), with SetMemberRow.
absl::StatusOr<ledger::MemberState> LoadMemberView(pg::Transaction& tx, const ViewRead& read,
                                                   const std::string& org_id,
                                                   const std::string& member_id);

}  // namespace loyalty::query
