#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "libs/ledger/period.h"
#include "libs/store/context.h"
#include "loyalty/v1/admin.pb.h"

namespace loyalty::command {

// Admin use cases for members, their enrolments and households. Each validates its request
// (INVALID_ARGUMENT naming the field), runs in one SQL transaction (mutations through the
// idempotency record, RunCommand) and answers the member as it is afterwards: its enrolments
// and its open household membership.

inline constexpr int kMaxProgramsPerMember = 32;  // program_ids of one CreateMember

// Reasons of household refusals (FAILED_PRECONDITION).
inline constexpr char kAlreadyInHousehold[] = "ALREADY_IN_HOUSEHOLD";
inline constexpr char kNotInHousehold[] = "NOT_IN_HOUSEHOLD";

// Kind INDIVIDUAL when unspecified; enrols in `program_ids`, or in the org's default program
// when none are named and the default is not closed.
absl::Status CreateMember(const store::Context& context, const v1::CreateMemberRequest& request,
                          v1::Member* response);
absl::Status GetMember(const store::Context& context, const v1::GetMemberRequest& request,
                       v1::Member* response);
absl::Status SetMemberStatus(const store::Context& context,
                             const v1::SetMemberStatusRequest& request, v1::Member* response);
// Enrols at the program's lowest tier with a new qualification period; a member already enrolled
// is answered unchanged. A closed program is PROGRAM_NOT_ACTIVE.
absl::Status EnrolMember(const store::Context& context, const v1::EnrolMemberRequest& request,
                         v1::Member* response);

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
