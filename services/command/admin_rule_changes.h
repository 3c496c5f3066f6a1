#pragma once

#include "absl/status/status.h"
#include "libs/store/context.h"
#include "loyalty/v1/admin.pb.h"

namespace loyalty::command {

// Admin use cases that change a program's rules and add to its catalogue. Each validates its
// request (INVALID_ARGUMENT naming the field), runs once per idempotency key under the program's
// row lock and answers the program as it is afterwards.

// Rule changes and additions: allowed on draft and active programs, refused on closed ones
// (PROGRAM_NOT_ACTIVE). A duplicate code is ALREADY_EXISTS.
absl::Status UpdateProgramRules(const store::Context& context,
                                const v1::UpdateProgramRulesRequest& request,
                                v1::Program* response);
absl::Status AddPointType(const store::Context& context, const v1::AddPointTypeRequest& request,
                          v1::Program* response);
absl::Status AddSubtype(const store::Context& context, const v1::AddSubtypeRequest& request,
                        v1::Program* response);
absl::Status AddTier(const store::Context& context, const v1::AddTierRequest& request,
                     v1::Program* response);
absl::Status AddAction(const store::Context& context, const v1::AddActionRequest& request,
                       v1::Program* response);

}  // namespace loyalty::command
