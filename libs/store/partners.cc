#include "libs/store/partners.h"

#include "libs/base/status_macros.h"
#include "libs/wire/time.h"

namespace loyalty::store {
namespace {

#define LOYALTY_PARTNER_COLUMNS                                                              \
  " partner_code, program_id, point_type, local_points, partner_points, return_window_days," \
  " voucher_points, voucher_value_minor, voucher_currency, voucher_validity_days, status,"   \
  " name, identity_field, gateway_address, created_at"

constexpr pg::Statement kInsertPartner{
    "partner_insert",
    "INSERT INTO partners (org_id," LOYALTY_PARTNER_COLUMNS
    ")"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
    " ON CONFLICT DO NOTHING"};

constexpr pg::Statement kLoadPartner{"partner_load",
                                     "SELECT" LOYALTY_PARTNER_COLUMNS
                                     " FROM partners WHERE org_id = $1 AND partner_code = $2"};

constexpr pg::Statement kListPartners{
    "partner_list", "SELECT" LOYALTY_PARTNER_COLUMNS
                    " FROM partners WHERE org_id = $1 AND partner_code COLLATE \"C\" > $2"
                    " ORDER BY partner_code COLLATE \"C\" LIMIT $3"};

constexpr pg::Statement kSetPartnerStatus{
    "partner_set_status",
    "UPDATE partners SET status = $3 WHERE org_id = $1 AND partner_code = $2"};

#define LOYALTY_LINK_SELECT \
  "SELECT " LOYALTY_LINK_COLUMNS " FROM partner_links WHERE org_id = $1 AND state = 'active' AND "

constexpr pg::Statement kActiveLink{"partner_link_active",
                                    LOYALTY_LINK_SELECT "partner_code = $2 AND member_id = $3"};
constexpr pg::Statement kActiveLinkByAccount{
    "partner_link_by_account", LOYALTY_LINK_SELECT "partner_code = $2 AND external_number = $3"};
constexpr pg::Statement kActiveLinksOf{"partner_links_of",
                                       LOYALTY_LINK_SELECT "member_id = $2 ORDER BY partner_code"};

PartnerRow PartnerFromRow(const pg::Result& rows, int row) {
  PartnerRow partner;
  ledger::PartnerTerms& terms = partner.terms;
  terms.partner_code = rows.Text(row, 0);
  terms.program_id = rows.Text(row, 1);
  terms.point_type = rows.Text(row, 2);
  terms.local_points = rows.Int64(row, 3);
  terms.partner_points = rows.Int64(row, 4);
  terms.return_window_days = rows.Int32(row, 5);
  terms.voucher_points = rows.Int64(row, 6);
  terms.voucher_value_minor = rows.Int64(row, 7);
  terms.voucher_currency = rows.Text(row, 8);
  terms.voucher_validity_days = rows.Int32(row, 9);
  terms.active = rows.Text(row, 10) == "active";
  partner.name = rows.Text(row, 11);
  partner.identity_field = rows.Text(row, 12);
  partner.gateway_address = rows.Text(row, 13);
  partner.created_at = rows.Time(row, 14);
  return partner;
}

ledger::LinkState LinkStateFromText(std::string_view text) {
  if (text == "unlinked") return ledger::LinkState::kUnlinked;
  if (text == "refused") return ledger::LinkState::kRefused;
  return ledger::LinkState::kActive;
}

ledger::PartnerLinkRecord LinkRecordFromRow(const pg::Result& rows, int row) {
  return ledger::PartnerLinkRecord{rows.Int64(row, 0),
                                   std::string(rows.Text(row, 1)),
                                   std::string(rows.Text(row, 2)),
                                   std::string(rows.Text(row, 3)),
                                   LinkStateFromText(rows.Text(row, 4)),
                                   rows.Time(row, 5)};
}

absl::StatusOr<std::optional<ledger::PartnerLinkRecord>> OneLink(pg::Transaction& tx,
                                                                 const pg::Statement& statement,
                                                                 pg::Params params) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result rows, tx.Execute(statement, params));
  if (rows.Rows() == 0) return std::nullopt;
  return LinkRecordFromRow(rows, 0);
}

}  // namespace

absl::StatusOr<bool> InsertPartner(pg::Transaction& tx, const std::string& org_id,
                                   const PartnerRow& partner) {
  const ledger::PartnerTerms& terms = partner.terms;
  pg::Params params;
  params.Add(org_id)
      .Add(terms.partner_code)
      .Add(terms.program_id)
      .Add(terms.point_type)
      .Add(terms.local_points)
      .Add(terms.partner_points)
      .Add(terms.return_window_days)
      .Add(terms.voucher_points)
      .Add(terms.voucher_value_minor)
      .Add(terms.voucher_currency)
      .Add(terms.voucher_validity_days)
      .Add(terms.active ? "active" : "suspended")
      .Add(partner.name)
      .Add(partner.identity_field)
      .Add(partner.gateway_address)
      .Add(partner.created_at);
  LOYALTY_ASSIGN_OR_RETURN(pg::Result result, tx.Execute(kInsertPartner, params));
  return result.AffectedRows() == 1;
}

absl::StatusOr<std::optional<PartnerRow>> LoadPartner(pg::Transaction& tx,
                                                      const std::string& org_id,
                                                      const std::string& partner_code) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result rows,
                           tx.Execute(kLoadPartner, pg::Params().Add(org_id).Add(partner_code)));
  if (rows.Rows() == 0) return std::nullopt;
  return PartnerFromRow(rows, 0);
}

absl::StatusOr<std::vector<PartnerRow>> ListPartners(pg::Transaction& tx, const std::string& org_id,
                                                     const std::string& after, int32_t limit) {
  LOYALTY_ASSIGN_OR_RETURN(
      pg::Result rows, tx.Execute(kListPartners, pg::Params().Add(org_id).Add(after).Add(limit)));
  std::vector<PartnerRow> partners;
  for (int i = 0; i < rows.Rows(); ++i) partners.push_back(PartnerFromRow(rows, i));
  return partners;
}

absl::StatusOr<bool> SetPartnerStatus(pg::Transaction& tx, const std::string& org_id,
                                      const std::string& partner_code, const std::string& status) {
  LOYALTY_ASSIGN_OR_RETURN(
      pg::Result result,
      tx.Execute(kSetPartnerStatus, pg::Params().Add(org_id).Add(partner_code).Add(status)));
  return result.AffectedRows() == 1;
}

void ToPartner(const std::string& org_id, const PartnerRow& row, v1::Partner* out) {
  const ledger::PartnerTerms& terms = row.terms;
  out->set_org_id(org_id);
  out->set_partner_code(terms.partner_code);
  out->set_name(row.name);
  out->set_program_id(terms.program_id);
  out->set_point_type(terms.point_type);
  out->set_local_points(terms.local_points);
  out->set_partner_points(terms.partner_points);
  out->set_return_window_days(terms.return_window_days);
  out->set_identity_field(row.identity_field == "email" ? v1::IDENTITY_FIELD_EMAIL
                                                        : v1::IDENTITY_FIELD_LAST_NAME);
  out->set_voucher_points(terms.voucher_points);
  out->mutable_voucher_value()->set_minor_units(terms.voucher_value_minor);
  out->mutable_voucher_value()->set_currency(terms.voucher_currency);
  out->set_voucher_validity_days(terms.voucher_validity_days);
  out->set_gateway_address(row.gateway_address);
  out->set_status(terms.active ? v1::PARTNER_STATUS_ACTIVE : v1::PARTNER_STATUS_SUSPENDED);
  wire::ToTimestamp(row.created_at, out->mutable_created_at());
}

absl::StatusOr<std::optional<ledger::PartnerLinkRecord>> FindActiveLink(
    pg::Transaction& tx, const std::string& org_id, const std::string& partner_code,
    const std::string& member_id) {
  return OneLink(tx, kActiveLink, pg::Params().Add(org_id).Add(partner_code).Add(member_id));
}

absl::StatusOr<std::optional<ledger::PartnerLinkRecord>> FindActiveLinkByAccount(
    pg::Transaction& tx, const std::string& org_id, const std::string& partner_code,
    const std::string& external_number) {
  return OneLink(tx, kActiveLinkByAccount,
                 pg::Params().Add(org_id).Add(partner_code).Add(external_number));
}

absl::StatusOr<std::vector<ledger::PartnerLinkRecord>> ActiveLinksOf(pg::Transaction& tx,
                                                                     const std::string& org_id,
                                                                     const std::string& member_id) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result rows,
                           tx.Execute(kActiveLinksOf, pg::Params().Add(org_id).Add(member_id)));
  std::vector<ledger::PartnerLinkRecord> links;
  for (int i = 0; i < rows.Rows(); ++i) links.push_back(LinkRecordFromRow(rows, i));
  return links;
}

void LinkFromRow(const pg::Result& rows, int row, v1::PartnerLink* out) {
  out->set_link_id(rows.Int64(row, 0));
  out->set_member_id(std::string(rows.Text(row, 1)));
  out->set_partner_code(std::string(rows.Text(row, 2)));
  out->set_external_number(std::string(rows.Text(row, 3)));
  out->set_state(ToLinkState(LinkStateFromText(rows.Text(row, 4))));
  wire::ToTimestamp(rows.Time(row, 5), out->mutable_linked_at());
  wire::ToOptionalTimestamp(rows.OptionalTime(row, 6), [&] { return out->mutable_ended_at(); });
}

v1::PartnerLinkState ToLinkState(ledger::LinkState state) {
  switch (state) {
    case ledger::LinkState::kActive:
      return v1::PARTNER_LINK_STATE_ACTIVE;
    case ledger::LinkState::kUnlinked:
      return v1::PARTNER_LINK_STATE_UNLINKED;
    case ledger::LinkState::kRefused:
      return v1::PARTNER_LINK_STATE_REFUSED;
  }
  return v1::PARTNER_LINK_STATE_UNSPECIFIED;
}

}  // namespace loyalty::store
