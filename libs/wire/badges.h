#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/ledger/badge_changes.h"
#include "libs/ledger/badge_config.h"
#include "loyalty/v1/badge.pb.h"

namespace loyalty::wire {

// Badges between the domain and loyalty.v1 (docs/badges.md).

// A badge as AdminService and QueryService answer it.
void ToBadgeDefinition(const std::string& org_id, const std::string& program_id,
                       const ledger::Badge& badge, v1::BadgeDefinition* out);

// The domain's badge of a definition whose form is checked (version and updated_at are left to
// the store); `now` stands for an unset active_from.
ledger::Badge BadgeOf(const v1::BadgeDefinition& definition, absl::Time now);

// A level awarded at `at` (its bonus lot aside).
void ToBadgeAward(const ledger::BadgeAwarded& award, absl::Time at, v1::BadgeAward* out);

}  // namespace loyalty::wire
