#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "libs/store/context.h"
#include "loyalty/v1/admin.pb.h"

namespace loyalty::command {

// The use cases of loyalty.v1.AdminService, one file each in this folder (create_program.cc for
// CreateProgram, ...); admin_service.cc serves them. Each validates its request (INVALID_ARGUMENT
// naming the field), runs in one SQL transaction (mutations once per idempotency key,
// store::RunCommand) and fills the response. What several share is in shared.h.

// ---- Organisations and programs' lifecycle --------------------------------------------------

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

// ---- A program's rules and catalogue: under the program's row lock, answering the program as it
// is afterwards ----------------------------------------------------------------------------------

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

// ---- Members and their enrolments: answering the member as it is afterwards (its enrolments and
// its open household membership) ---------------------------------------------------------------

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

// ---- Households: under the member's lock, answering the member as it is afterwards -----------

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

// ---- Partners (partners.cc; docs/partners.md) -----------------------------------------------

// A partner of the org, ACTIVE, with its terms; its program and point type must exist. A taken
// code is ALREADY_EXISTS.
absl::Status CreatePartner(const store::Context& context, const v1::CreatePartnerRequest& request,
                           v1::Partner* response);
absl::Status GetPartner(const store::Context& context, const v1::GetPartnerRequest& request,
                        v1::Partner* response);
// Partners by code; the page token is the (encoded) last code of the previous page.
absl::Status ListPartners(const store::Context& context, const v1::ListPartnersRequest& request,
                          v1::ListPartnersResponse* response);
// ACTIVE or SUSPENDED.
absl::Status SetPartnerStatus(const store::Context& context,
                              const v1::SetPartnerStatusRequest& request, v1::Partner* response);

// ---- Badges (badges.cc; docs/badges.md) -----------------------------------------------------

// Refusals of DefineBadge.
inline constexpr char kBadgeChanged[] = "BADGE_CHANGED";                     // ABORTED
inline constexpr char kBadgeCriterionChanged[] = "BADGE_CRITERION_CHANGED";  // FAILED_PRECONDITION
inline constexpr char kBadgeLimitReached[] = "BADGE_LIMIT_REACHED";          // FAILED_PRECONDITION

// Defines a badge of a program that is not closed (version 1), or changes it (the next version,
// its levels replaced); the criterion may not change. Answers the definition as written.
absl::Status DefineBadge(const store::Context& context, const v1::DefineBadgeRequest& request,
                         v1::BadgeDefinition* response);
absl::Status GetBadge(const store::Context& context, const v1::GetBadgeRequest& request,
                      v1::BadgeDefinition* response);

}  // namespace loyalty::command
