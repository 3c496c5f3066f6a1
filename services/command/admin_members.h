#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "libs/store/context.h"
#include "loyalty/v1/admin.pb.h"

namespace loyalty::command {

// Admin use cases for members and their enrolments (households: admin_households.h). Each
// validates its request (INVALID_ARGUMENT naming the field), runs in one SQL transaction
// (mutations through the idempotency record, RunCommand) and answers the member as it is
// afterwards: its enrolments and its open household membership.

inline constexpr int kMaxProgramsPerMember = 32;  // program_ids of one CreateMember

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

}  // namespace loyalty::command
