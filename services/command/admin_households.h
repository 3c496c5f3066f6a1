#pragma once

#include "absl/status/status.h"
#include "libs/store/context.h"
#include "loyalty/v1/admin.pb.h"

namespace loyalty::command {

// Admin use cases for households. Each validates its request (INVALID_ARGUMENT naming the field),
// runs once per idempotency key under the member's lock and answers the member as it is
// afterwards (as admin_members.h).

// Reasons of household refusals (FAILED_PRECONDITION).
inline constexpr char kAlreadyInHousehold[] = "ALREADY_IN_HOUSEHOLD";
inline constexpr char kNotInHousehold[] = "NOT_IN_HOUSEHOLD";

// An individual joins a household member (at most one open membership: ALREADY_IN_HOUSEHOLD),
// leaves it (NOT_IN_HOUSEHOLD without one), or switches the roll-up of qualifying points.
// A membership is open while it has no end or its end is still ahead.
absl::Status JoinHousehold(const store::Context& context, const v1::JoinHouseholdRequest& request,
                           v1::Member* response);
absl::Status LeaveHousehold(const store::Context& context, const v1::LeaveHouseholdRequest& request,
                            v1::Member* response);
absl::Status SetHouseholdRollup(const store::Context& context,
                                const v1::SetHouseholdRollupRequest& request, v1::Member* response);

}  // namespace loyalty::command
