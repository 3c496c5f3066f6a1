#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/ledger/member.h"
#include "libs/pg/transaction.h"
#include "libs/store/member_repository.h"

namespace loyalty::store {

// Lots that expire: the worker's expiry (rules.md, "Expiry"). A lot expires when its date passed,
// or when its type expires on inactivity and the member's last earn or burn in the program
// (enrolment when none) is that many days ago; only its free points (remaining - held) go.

// Members with a lot that expires at `now`, at most `limit`.
absl::StatusOr<std::vector<MemberKey>> MembersWithExpiredLots(pg::Transaction& tx,
                                                              absl::Time now, int32_t limit);

// The member's lots that expire at `now`, by lot id (call under the member's lock).
absl::StatusOr<std::vector<ledger::Lot>> LoadExpiredLots(pg::Transaction& tx,
                                                         const std::string& org_id,
                                                         const std::string& member_id,
                                                         absl::Time now);

}  // namespace loyalty::store
