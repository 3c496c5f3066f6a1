#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "libs/pg/transaction.h"
#include "libs/store/context.h"
#include "loyalty/v1/admin.pb.h"

namespace loyalty::command {

// Admin use cases for organisations, programs and their rules. Each validates its request
// (INVALID_ARGUMENT naming the field), runs in one SQL transaction (mutations through the
// idempotency record, RunCommand) and fills the response.

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

// Shared with the member use cases.

// Reads an organisation into `response`; NOT_FOUND when unknown.
absl::Status LoadOrganisation(pg::Transaction& tx, const std::string& org_id,
                              v1::Organisation* response);

// ALREADY_EXISTS for an admin create of an id that is taken, with reason "<WHAT>_ALREADY_EXISTS"
// (`what` as in NotFound: "org", "program", "point type", ...).
absl::Status AlreadyExists(absl::string_view what, absl::string_view id);

// Reads run in one snapshot: a read-only repeatable-read transaction sees the several SELECTs of a
// program or member consistently and never fails with a serialization conflict.
absl::Status RunRead(const store::Context& context,
                     const std::function<absl::Status(pg::Transaction&)>& body);

}  // namespace loyalty::command
