#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/ledger/member.h"
#include "libs/pg/transaction.h"
#include "libs/store/config_cache.h"
#include "loyalty/v1/common.pb.h"

namespace loyalty::store {

// Locks the members' rows FOR UPDATE in member-id order, the one lock order of the platform, so
// commands on several members cannot deadlock each other. NOT_FOUND for an unknown member.
absl::Status LockMembers(pg::Transaction& tx, const std::string& org_id,
                         std::vector<std::string> member_ids);

// LockMembers, then releases the members' reservations whose timeout passed by `*now` (as an
// operation of its own in this transaction), so that what follows sees only live holds. Every
// command that moves points locks through this.
// Then raises `*now` to the latest time an operation on one of the members committed at, when
// that is later: the time a command read before it waited for the lock (or another process's
// clock) may be earlier. So a member's operations never go back in time in their commit order,
// and points that one operation made available are available to every operation after it.
absl::Status LockForCommand(pg::Transaction& tx, const std::string& org_id,
                            std::vector<std::string> member_ids, absl::Time* now);

// How a command reads its member.
struct MemberRead {
  // Set: the open lots come as summaries made at this time: merged by what balances depend on
  // (program, point type, redeemable, expiry; a lot still pending keeps its availability), each
  // under its lowest lot id. The balances at this time or later are the same, and a member's
  // thousands of lots cost a few rows. For commands that show balances but spend no lot.
  std::optional<absl::Time> summarised_at;
  // The member's state as an earlier command left it (MemberCache; may be stale, or null):
  // taken instead of reading enrolments, lots and totals when its state version is still the
  // member's. Summaries serve only a read of summaries at their time or later.
  std::shared_ptr<const ledger::MemberState> cached;
};

// Reads a member's state (call after LockMembers when the command changes it), as `read` says.
absl::StatusOr<ledger::MemberState> LoadMember(pg::Transaction& tx, const std::string& org_id,
                                               const std::string& member_id,
                                               const MemberRead& read = {});

// LockForCommand as a read (libs/store/read_plan.h): its value is the raised `now`. With no
// members it locks nothing and gives `now` (a dry run reads the same plan unlocked).
struct MemberLock {
  using Value = absl::Time;
  const std::string& org_id;
  std::vector<std::string> member_ids;
  absl::Time now;

  void Declare(pg::Transaction& tx) const;
  absl::StatusOr<absl::Time> Load(pg::Transaction& tx) const;
};

// LoadMember as a read.
struct MemberLoad {
  using Value = ledger::MemberState;
  const std::string& org_id;
  const std::string& member_id;
  MemberRead read;

  void Declare(pg::Transaction& tx) const;
  absl::StatusOr<ledger::MemberState> Load(pg::Transaction& tx) const {
    return LoadMember(tx, org_id, member_id, read);
  }
};

// Row parsers shared with the read views, whose tables have the same columns:
// lot_id, program_id, point_type, subtype, amount, remaining, held, redeemable, awarded_at,
// available_at, expires_at (a lot).
ledger::Lot LotFromRow(const pg::Result& lots, int row);

// A member of an org, as the worker's queries of what is due find them.
struct MemberKey {
  std::string org_id;
  std::string member_id;
};
// The rows of a query whose first two columns are org_id, member_id.
std::vector<MemberKey> MemberKeysOf(const pg::Result& rows);

// Adds a member's enrolments, open lots (LotFromRow's columns) and totals to `member`, from
// rows of these columns: program_id, tier ('' for none), debt, period_start, period_end,
// tier_reached_at (enrolments); program_id, point_type, lifetime, qualifying (totals).
void AddMemberRows(const pg::Result& enrolments, const pg::Result& lots, const pg::Result& totals,
                   ledger::MemberState* member);

// The member's balances at `now` after an operation, from its state after it
// (Operation::StateAfter: the state read under the lock with the operation's changes): no second
// read of the member.
absl::Status FillBalancesAfter(pg::Transaction& tx, const std::string& org_id,
                               const ledger::MemberState& after, absl::Time now, ConfigCache* cache,
                               v1::Balances* balances);

// Reads the member again and writes its balances at `now`.
absl::Status FillBalances(pg::Transaction& tx, const std::string& org_id,
                          const std::string& member_id, absl::Time now, ConfigCache* cache,
                          v1::Balances* balances);

}  // namespace loyalty::store
