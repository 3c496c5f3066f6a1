#include "services/command/partner_checks.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/partner.h"
#include "libs/ledger/types.h"
#include "libs/store/member_records.h"

namespace loyalty::command {

absl::StatusOr<store::PartnerRow> LoadActivePartner(pg::Transaction& tx, const std::string& org_id,
                                                    const std::string& partner_code) {
  LOYALTY_ASSIGN_OR_RETURN(std::optional<store::PartnerRow> partner,
                           store::LoadPartner(tx, org_id, partner_code));
  if (!partner.has_value()) return NotFound("partner", partner_code);
  if (!partner->terms.active) {
    return Refused(ledger::kPartnerNotActive,
                   absl::StrCat("partner '", partner_code, "' is suspended"));
  }
  return *std::move(partner);
}

absl::Status RequireActiveMember(pg::Transaction& tx, const std::string& org_id,
                                 const std::string& member_id, absl::Time now) {
  LOYALTY_ASSIGN_OR_RETURN(std::optional<store::MemberRecord> member,
                           store::LoadMemberRecord(tx, org_id, member_id, now));
  if (!member.has_value()) return NotFound("member", member_id);
  if (member->status != "active") {
    return Refused(ledger::kMemberNotActive,
                   absl::StrCat("member '", member_id, "' is ", member->status));
  }
  return absl::OkStatus();
}

}  // namespace loyalty::command
