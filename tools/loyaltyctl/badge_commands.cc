#include "tools/loyaltyctl/badge_commands.h"

#include <utility>

#include "libs/base/status_macros.h"
#include "tools/loyaltyctl/badge_flags.h"
#include "tools/loyaltyctl/render_badges.h"

namespace loyalty::ctl {
namespace {

using Admin = v1::AdminService::Stub;
using Queries = v1::QueryService::Stub;

}  // namespace

// The whole definition each time: a change replaces the levels, name and dates (the criterion
// may not change); --expected_version (from `badge show`) refuses it if someone changed the badge
// in between.
absl::StatusOr<int> BadgeDefine(Session& session) {
  const Flags& flags = session.flags();
  LOYALTY_ASSIGN_OR_RETURN(v1::BadgeDefinition badge, BadgeFromFlags(flags));
  v1::DefineBadgeRequest request;
  request.set_idempotency_key(session.IdempotencyKey());
  request.set_org_id(flags.String("org"));
  request.set_program_id(flags.String("program"));
  *request.mutable_badge() = std::move(badge);
  request.set_expected_version(flags.Int32("expected_version"));
  return session.Call(session.admin(), &Admin::DefineBadge, request, RenderBadge);
}

absl::StatusOr<int> BadgeShow(Session& session) {
  v1::GetBadgeRequest request;
  request.set_org_id(session.flags().String("org"));
  request.set_program_id(session.flags().String("program"));
  request.set_badge_id(session.flags().String("badge"));
  return session.Call(session.admin(), &Admin::GetBadge, request, RenderBadge);
}

absl::StatusOr<int> BadgeList(Session& session) {
  v1::ListBadgesRequest request;
  request.set_org_id(session.flags().String("org"));
  request.set_program_id(session.flags().String("program"));
  request.set_active_only(session.flags().Bool("active_only"));
  return session.Call(session.queries(), &Queries::ListBadges, request, RenderBadges);
}

}  // namespace loyalty::ctl
