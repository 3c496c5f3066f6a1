#pragma once

#include <string>
#include <vector>

#include "loyalty/v1/admin.grpc.pb.h"

namespace loyalty::testing {

// Creates, through the real AdminService, an org used by the command tests:
//  - program "shop" (default; USD; 1 point per 100 cents; 1 point = 1 cent; tiers silver 0 x1.0,
//    gold 1000 x1.5 with overdraft; overdraft allowed up to 500), point types "base" (redeemable,
//    counts toward tier), "status" (qualifying only), "bonus" (redeemable, fixed 30 days),
//    subtypes "purchase" (default) and "campaign", action "register" (50 points, once);
//  - program "travel" (USD; 2 points per 100 cents; 2 points = 1 cent; min 10, multiple of 5),
//    point type "miles" (redeemable, fixed 365 days), subtype "flight";
//  - `members` enrolled in both programs.
// Fails the current test (ADD_FAILURE) on any error.
void CreateDemoOrg(v1::AdminService::Stub& admin, const std::string& org_id,
                   const std::vector<std::string>& members);

// A fresh idempotency key.
std::string NewKey();

}  // namespace loyalty::testing
