#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/ledger/burn.h"
#include "libs/ledger/change_set.h"
#include "libs/ledger/member.h"
#include "libs/ledger/program.h"
#include "libs/ledger/types.h"
#include "libs/pg/transaction.h"
#include "libs/store/catalog.h"
#include "libs/store/member_repository.h"
#include "libs/store/operation.h"
#include "loyalty/v1/command.pb.h"

namespace loyalty::command {

// Loads the scope: `program_id` (empty: default) for a program burn, or every active program
// for a group burn. FAILED_PRECONDITION PROGRAM_NOT_ACTIVE when the pricing program is not active.
absl::StatusOr<ledger::BurnScope> LoadBurnScope(pg::Transaction& tx, const std::string& org_id,
                                                const std::string& program_id, bool group,
                                                store::ConfigCache* cache);

// FAILED_PRECONDITION EARN_AND_BURN_SAME_ORDER when the member's order already earned points.
absl::Status RequireOrderNotEarned(pg::Transaction& tx, const std::string& org_id,
                                   const std::string& member_id, const std::string& order_ref);

// Takes the plan's lots from the member: lowers them, writes one `kind` ledger entry per program
// and point type, charges the shortfall to the pricing program's debt, and marks the member
// active in every program touched.
absl::Status ApplyBurn(store::Operation& operation, const ledger::BurnScope& scope,
                       const std::string& member_id, const ledger::BurnPlan& plan,
                       ledger::EntryKind kind, const std::string& order_ref,
                       const std::string& description);

// The fields every burn request (redeem, group redeem, reserve) shares.
struct BurnRequest {
  const std::string& org_id;
  const std::string& member_id;
  const std::string& program_id;  // empty: the default program
  bool group;
  ledger::Points points;
  const std::string& order_ref;
  const std::string& reward;
};

struct DecidedBurn {
  ledger::BurnScope scope;
  ledger::MemberState member;
  ledger::BurnPlan plan;
};

// How a redemption is decided: the dry run does not lock the member; a reservation does not
// allow an overdraft.
struct RedemptionMode {
  bool lock;
  bool allow_overdraft;
};

// Everything a redemption checks, shared by Redeem, GroupRedeem, ReservePoints and the dry run.
// `read` says how the member is read (every lot, always: a burn spends lots). The lock raises
// `*now` (see LockForCommand).
absl::StatusOr<DecidedBurn> DecideRedemption(pg::Transaction& tx, const BurnRequest& request,
                                             absl::Time* now, RedemptionMode mode,
                                             store::ConfigCache* cache,
                                             const store::MemberRead& read = {});

// Declares what DecideRedemption with mode.lock reads, in its order, and Operation::Begin's ids
// after it, for the transaction's first round trip.
void PrefetchRedemption(pg::Transaction& tx, const BurnRequest& request, absl::Time now,
                        store::ConfigCache* cache, const store::MemberRead& read);

}  // namespace loyalty::command
