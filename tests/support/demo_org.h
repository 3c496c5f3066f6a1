#pragma once

#include <string>
#include <vector>

#include "loyalty/v1/admin.grpc.pb.h"

namespace loyalty::testing {

// Creates, through the real AdminService, the demo org of tools/demo_org/demo_org.h (programs
// "shop", the default, and "travel", their point types, subtypes, tiers and action) named
// "<org_id> group", every call keyed by NewKey(), and `members` enrolled in both programs.
// Fails the current test (ASSERT) on the first error.
void CreateDemoOrg(v1::AdminService::Stub& admin, const std::string& org_id,
                   const std::vector<std::string>& members);

// A fresh idempotency key.
std::string NewKey();

}  // namespace loyalty::testing
