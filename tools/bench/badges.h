#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "loyalty/v1/admin.grpc.pb.h"
#include "loyalty/v1/badge.pb.h"
#include "tools/demo_org/demo_org.h"

// The badges of `scripts/bench.sh --badges` (`loyalty-bench prepare --badges`): ten active
// definitions in the data set's program "shop", as a program might run them.
namespace loyalty::bench {

// The actions the two advocacy badges count, added to shop first (code, points each time; no
// per-member limit). The demo org's shop has only "register".
struct BadgeAction {
  const char* code;
  int64_t points;
};
inline constexpr BadgeAction kBadgeActions[] = {{"referral", 200}, {"review", 20}};

// The ten definitions, in the order they are defined: six spend badges (amount and points,
// lifetime and windows of 7, 30, 90 and 365 days, 3 to 5 levels, some with bonus points), two
// advocacy badges (never evaluated by a purchase's accrue) and two tenure badges (awarded by the
// worker only). The lowest levels are below what prepare's history reaches (2 purchases of
// $1,000 in shop: 200,000 minor units, 2,500 points), the others above it in steps of a few to
// some dozens of the load's accruals ($100, 150 points at gold), so that members cross levels
// throughout a run.
std::vector<v1::BadgeDefinition> BenchBadges();

// Adds kBadgeActions to `org_id`'s shop, then defines BenchBadges() there through
// AdminService.DefineBadge, each call keyed `<key_prefix>-<n>` (a second prepare replays them).
absl::Status DefineBenchBadges(v1::AdminService::Stub& admin, const std::string& org_id,
                               const std::string& key_prefix, const demo::CallOptions& options);

}  // namespace loyalty::bench
