#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/pg/transaction.h"
#include "libs/store/partners.h"

namespace loyalty::command {

// What the partner use cases share (partner_links.cc, vouchers.cc); their request checks are in
// request_checks.h.

// The partner, active: NOT_FOUND when unknown, PARTNER_NOT_ACTIVE when suspended.
absl::StatusOr<store::PartnerRow> LoadActivePartner(pg::Transaction& tx, const std::string& org_id,
                                                    const std::string& partner_code);

// NOT_FOUND for an unknown member, MEMBER_NOT_ACTIVE for one that is not active.
absl::Status RequireActiveMember(pg::Transaction& tx, const std::string& org_id,
                                 const std::string& member_id, absl::Time now);

}  // namespace loyalty::command
