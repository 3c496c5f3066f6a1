#pragma once

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "libs/ledger/burn.h"
#include "libs/ledger/change_set.h"
#include "libs/ledger/member.h"
#include "libs/ledger/redemption.h"
#include "libs/ledger/types.h"
#include "libs/pg/transaction.h"
#include "libs/store/catalog.h"
#include "libs/store/context.h"
#include "libs/store/idempotency.h"
#include "libs/store/member_cache.h"
#include "libs/store/member_repository.h"
#include "libs/store/operation.h"

namespace loyalty::command {

// Loads the scope: `program_id` (empty: default) for a program burn, or every active program
// for a group burn. FAILED_PRECONDITION PROGRAM_NOT_ACTIVE when the pricing program is not active.
absl::StatusOr<ledger::BurnScope> LoadBurnScope(pg::Transaction& tx, const std::string& org_id,
                                                const std::string& program_id, bool group,
                                                store::ConfigCache* cache);

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

ledger::BurnCommand BurnCommandOf(const BurnRequest& request);

// What a redemption is decided on (ledger::PlanRedemption, DecideBurn, DecideReserve).
struct LoadedBurn {
  ledger::BurnScope scope;
  ledger::MemberState member;
  ledger::BurnFacts facts;
};

// How a redemption is loaded: the dry run does not lock the member.
struct BurnLoad {
  bool lock;
};

// Loads the scope, locks the member (load.lock; the lock raises `*now`, see LockForCommand),
// reads it as `read` says (every lot, always: a burn spends lots) and whether its order earned.
absl::StatusOr<LoadedBurn> LoadBurn(pg::Transaction& tx, const BurnRequest& request,
                                    absl::Time* now, BurnLoad load, store::ConfigCache* cache,
                                    const store::MemberRead& read = {});

// Declares what LoadBurn with load.lock reads, in its order, and Operation::Begin's ids after
// it, for the transaction's first round trip.
void PrefetchRedemption(const store::Context& context, pg::Transaction& tx,
                        const BurnRequest& request, absl::Time now, const store::MemberRead& read);

}  // namespace loyalty::command
