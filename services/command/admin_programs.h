#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "libs/store/context.h"
#include "loyalty/v1/admin.pb.h"

namespace loyalty::command {

// Admin use cases for organisations and programs' lifecycle (the changes of a program's rules are
// in admin_rule_changes.h). Each validates its request (INVALID_ARGUMENT naming the field), runs
// in one SQL transaction (mutations through the idempotency record, RunCommand) and fills the
// response.

inline constexpr int32_t kDefaultProgramPageSize = 50;
inline constexpr int32_t kMaxProgramPageSize = 100;

absl::Status CreateOrganisation(const store::Context& context,
                                const v1::CreateOrganisationRequest& request,
                                v1::Organisation* response);
absl::Status GetOrganisation(const store::Context& context,
                             const v1::GetOrganisationRequest& request, v1::Organisation* response);

// A new program is a draft; the org's first program becomes its default program.
absl::Status CreateProgram(const store::Context& context, const v1::CreateProgramRequest& request,
                           v1::Program* response);
absl::Status GetProgram(const store::Context& context, const v1::GetProgramRequest& request,
                        v1::Program* response);
// Programs by id; the page token is the (encoded) last id of the previous page.
absl::Status ListPrograms(const store::Context& context, const v1::ListProgramsRequest& request,
                          v1::ListProgramsResponse* response);

// draft -> active when the program has a point type and a default subtype (PROGRAM_NOT_READY);
// active stays active; closed is PROGRAM_NOT_ACTIVE.
absl::Status ActivateProgram(const store::Context& context,
                             const v1::ProgramLifecycleRequest& request, v1::Program* response);
// draft or active -> closed; closed stays closed.
absl::Status CloseProgram(const store::Context& context, const v1::ProgramLifecycleRequest& request,
                          v1::Program* response);
// Makes a (not closed) program the org's default program.
absl::Status SetDefaultProgram(const store::Context& context,
                               const v1::ProgramLifecycleRequest& request,
                               v1::Organisation* response);

}  // namespace loyalty::command
