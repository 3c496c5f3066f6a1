#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/ledger/badges.h"
#include "libs/ledger/program.h"
#include "libs/pg/transaction.h"
#include "libs/store/config_cache.h"
#include "libs/store/member_repository.h"

namespace loyalty::store {

// Badges (docs/badges.md) in PostgreSQL: the definitions (badges, badge_levels), as the catalog
// loads them and AdminService writes them, and the facts a member's badges are measured from.

// Adds the badges of the programs (`params`: org_id, program_id or '' for all) to them.
absl::Status LoadBadges(pg::Transaction& tx, const pg::Params& params,
                        std::vector<ledger::ProgramConfig>& programs);

// Writes `badge` of the program as its next version (1 when new) at `now`, replacing its levels;
// returns the version written.
absl::StatusOr<int32_t> WriteBadge(pg::Transaction& tx, const std::string& org_id,
                                   const std::string& program_id, const ledger::Badge& badge,
                                   absl::Time now);

// The member's badge facts in the program at `now`: the spend of `reads.windows` (from the
// purchases, net of returns, by the UTC day each was recorded), the times of
// `reads.action_codes`, and the levels held. Nothing is read (empty facts) unless `reads.any`.
// Read under the member's lock, which every write of them takes.
struct BadgeFactsRead {
  using Value = ledger::BadgeFacts;
  const std::string& org_id;
  const std::string& member_id;
  const std::string& program_id;
  ledger::BadgeReads reads;
  absl::Time now;

  void Declare(pg::Transaction& tx) const;
  absl::StatusOr<ledger::BadgeFacts> Load(pg::Transaction& tx) const;
};

// ledger::BadgeReadsFor the program (empty: the default) as the configuration cache holds it
// last, for a command's first round trip (its body reads with the program as loaded; a read
// declared in vain is only run again). Nothing when the cache does not hold the program.
ledger::BadgeReads CachedBadgeReads(const ConfigCache* cache, const std::string& org_id,
                                    const std::string& program_id,
                                    const ledger::BadgeTrigger& trigger, absl::Time at);

// When the member enrolled in the program (nullopt: not enrolled); it never changes.
absl::StatusOr<std::optional<absl::Time>> EnrolledAt(pg::Transaction& tx, const std::string& org_id,
                                                     const std::string& member_id,
                                                     const std::string& program_id);

// Tenure (the worker): members, active, enrolled in an active program with an active tenure badge
// a level of which they have reached (enrolled_at plus its months, UTC) and not yet been awarded.
absl::StatusOr<std::vector<MemberKey>> MembersWithTenureDue(pg::Transaction& tx, absl::Time now,
                                                            int32_t limit);
// The programs (ids) of the member's tenure levels due at `now`, each with its enrolment time.
absl::StatusOr<std::vector<std::pair<std::string, absl::Time>>> TenureDueEnrolments(
    pg::Transaction& tx, const std::string& org_id, const std::string& member_id, absl::Time now);

}  // namespace loyalty::store
