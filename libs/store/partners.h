#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/ledger/partner.h"
#include "libs/pg/result.h"
#include "libs/pg/transaction.h"
#include "loyalty/v1/partner.pb.h"

namespace loyalty::store {

// The partners table (docs/partners.md): a partner of an org and its terms, as the admin service
// creates and shows them and as links, conversions and vouchers read them.

struct PartnerRow {
  ledger::PartnerTerms terms;
  std::string name;
  std::string identity_field;  // "last_name" | "email"
  std::string gateway_address;
  absl::Time created_at;
};

// False when the partner code is taken in the org (nothing changed then).
absl::StatusOr<bool> InsertPartner(pg::Transaction& tx, const std::string& org_id,
                                   const PartnerRow& partner);

// nullopt for an unknown partner.
absl::StatusOr<std::optional<PartnerRow>> LoadPartner(pg::Transaction& tx,
                                                      const std::string& org_id,
                                                      const std::string& partner_code);

// The org's partners with codes after `after` (all when empty), by code, at most `limit`.
absl::StatusOr<std::vector<PartnerRow>> ListPartners(pg::Transaction& tx, const std::string& org_id,
                                                     const std::string& after, int32_t limit);

// "active" or "suspended"; false for an unknown partner.
absl::StatusOr<bool> SetPartnerStatus(pg::Transaction& tx, const std::string& org_id,
                                      const std::string& partner_code, const std::string& status);

// The partner as loyalty.v1 shows it.
void ToPartner(const std::string& org_id, const PartnerRow& row, v1::Partner* out);

// ---- Links -------------------------------------------------------------------------------------

// The member's active link to the partner; nullopt when none.
absl::StatusOr<std::optional<ledger::PartnerLinkRecord>> FindActiveLink(
    pg::Transaction& tx, const std::string& org_id, const std::string& partner_code,
    const std::string& member_id);

// The active link holding the partner's external account; nullopt when none.
absl::StatusOr<std::optional<ledger::PartnerLinkRecord>> FindActiveLinkByAccount(
    pg::Transaction& tx, const std::string& org_id, const std::string& partner_code,
    const std::string& external_number);

// The member's active links, by partner code.
absl::StatusOr<std::vector<ledger::PartnerLinkRecord>> ActiveLinksOf(pg::Transaction& tx,
                                                                     const std::string& org_id,
                                                                     const std::string& member_id);

// The columns LinkFromRow reads, in its order, of partner_links (or its view).
#define LOYALTY_LINK_COLUMNS \
  "link_id, member_id, partner_code, external_number, state, linked_at, ended_at"
void LinkFromRow(const pg::Result& rows, int row, v1::PartnerLink* out);
v1::PartnerLinkState ToLinkState(ledger::LinkState state);

}  // namespace loyalty::store
