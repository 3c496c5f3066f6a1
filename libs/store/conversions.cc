#include "libs/store/conversions.h"

#include "libs/base/status_macros.h"
#include "libs/wire/time.h"

namespace loyalty::store {
namespace {

// A lot of the partner's type matured under the link k of partner p at $1.
#define LOYALTY_MATURED_LOT                                                               \
  " l.program_id = p.program_id AND l.point_type = p.point_type AND l.remaining > l.held" \
  " AND l.awarded_at >= k.linked_at"                                                      \
  " AND l.awarded_at <= $1::timestamptz - make_interval(days => p.return_window_days)"    \
  " AND l.available_at <= $1 AND (l.expires_at IS NULL OR l.expires_at > $1)"

constexpr pg::Statement kMaturedCandidates{
    "conversion_candidates",
    "SELECT DISTINCT org_id, member_id FROM (SELECT k.org_id, k.member_id FROM partner_links k"
    " JOIN partners p ON p.org_id = k.org_id AND p.partner_code = k.partner_code"
    " JOIN lots l ON l.org_id = k.org_id AND l.member_id = k.member_id AND" LOYALTY_MATURED_LOT
    " WHERE k.state = 'active' AND p.status = 'active'"
    " GROUP BY k.org_id, k.member_id, k.link_id, p.local_points"
    " HAVING sum(l.remaining - l.held) >= p.local_points LIMIT $2) due"};

// LOYALTY_MATURED_LOT for one member and link: $4..$6 the partner's program, type and the link's
// time, $7 ledger::MaturedBefore.
constexpr pg::Statement kMaturedLots{
    "conversion_matured_lots",
    "SELECT l.lot_id, l.program_id, l.point_type, l.subtype, l.amount, l.remaining, l.held,"
    " l.redeemable, l.awarded_at, l.available_at, l.expires_at FROM lots l"
    " WHERE l.org_id = $2 AND l.member_id = $3 AND l.program_id = $4 AND l.point_type = $5"
    " AND l.remaining > l.held AND l.awarded_at >= $6 AND l.awarded_at <= $7"
    " AND l.available_at <= $1 AND (l.expires_at IS NULL OR l.expires_at > $1)"
    " ORDER BY l.awarded_at, l.lot_id"};

constexpr pg::Statement kDueConversions{
    "conversion_due",
    "SELECT org_id, member_id, conversion_id FROM conversions"
    " WHERE status IN ('pending', 'sent') AND next_attempt_at <= $1"
    " ORDER BY next_attempt_at LIMIT $2"};

constexpr pg::Statement kLoadConversion{
    "conversion_load",
    "SELECT partner_code, external_number, partner_points, attempts, status, next_attempt_at,"
    " link_id FROM conversions"
    " WHERE org_id = $1 AND member_id = $2 AND conversion_id = $3"};

constexpr pg::Statement kConversionLots{
    "conversion_lots_load",
    "SELECT c.lot_id, l.program_id, l.point_type, c.points, l.expires_at FROM conversion_lots c"
    " JOIN lots l ON l.org_id = c.org_id AND l.member_id = c.member_id AND l.lot_id = c.lot_id"
    " WHERE c.org_id = $1 AND c.member_id = $2 AND c.conversion_id = $3 ORDER BY c.lot_id"};

ledger::ConversionStatus StatusFromText(std::string_view text) {
  if (text == "sent") return ledger::ConversionStatus::kSent;
  if (text == "confirmed") return ledger::ConversionStatus::kConfirmed;
  if (text == "returned") return ledger::ConversionStatus::kReturned;
  return ledger::ConversionStatus::kPending;
}

v1::ConversionStatus ToConversionStatus(ledger::ConversionStatus status) {
  switch (status) {
    case ledger::ConversionStatus::kPending:
      return v1::CONVERSION_STATUS_PENDING;
    case ledger::ConversionStatus::kSent:
      return v1::CONVERSION_STATUS_SENT;
    case ledger::ConversionStatus::kConfirmed:
      return v1::CONVERSION_STATUS_CONFIRMED;
    case ledger::ConversionStatus::kReturned:
      return v1::CONVERSION_STATUS_RETURNED;
  }
  return v1::CONVERSION_STATUS_UNSPECIFIED;
}

}  // namespace

absl::StatusOr<std::vector<MemberKey>> MembersWithMaturedPoints(pg::Transaction& tx, absl::Time now,
                                                                int32_t limit) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result rows,
                           tx.Execute(kMaturedCandidates, pg::Params().Add(now).Add(limit)));
  return MemberKeysOf(rows);
}

absl::StatusOr<std::vector<ledger::Lot>> LoadMaturedLots(pg::Transaction& tx,
                                                         const std::string& org_id,
                                                         const std::string& member_id,
                                                         const ledger::PartnerTerms& terms,
                                                         absl::Time linked_at, absl::Time now) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result rows,
                           tx.Execute(kMaturedLots, pg::Params()
                                                        .Add(now)
                                                        .Add(org_id)
                                                        .Add(member_id)
                                                        .Add(terms.program_id)
                                                        .Add(terms.point_type)
                                                        .Add(linked_at)
                                                        .Add(ledger::MaturedBefore(terms, now))));
  std::vector<ledger::Lot> lots;
  for (int i = 0; i < rows.Rows(); ++i) lots.push_back(LotFromRow(rows, i));
  return lots;
}

absl::StatusOr<std::vector<DueConversion>> DueConversions(pg::Transaction& tx, absl::Time now,
                                                          int32_t limit) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result rows,
                           tx.Execute(kDueConversions, pg::Params().Add(now).Add(limit)));
  std::vector<DueConversion> due;
  for (int i = 0; i < rows.Rows(); ++i) {
    due.push_back({std::string(rows.Text(i, 0)), std::string(rows.Text(i, 1)), rows.Int64(i, 2)});
  }
  return due;
}

absl::StatusOr<std::optional<ConversionToSend>> LoadConversion(pg::Transaction& tx,
                                                               const std::string& org_id,
                                                               const std::string& member_id,
                                                               int64_t conversion_id) {
  LOYALTY_ASSIGN_OR_RETURN(
      pg::Result rows,
      tx.Execute(kLoadConversion, pg::Params().Add(org_id).Add(member_id).Add(conversion_id)));
  if (rows.Rows() == 0) return std::nullopt;
  return ConversionToSend{std::string(rows.Text(0, 0)),
                          std::string(rows.Text(0, 1)),
                          rows.Int64(0, 2),
                          rows.Int32(0, 3),
                          StatusFromText(rows.Text(0, 4)),
                          rows.Time(0, 5),
                          rows.Int64(0, 6)};
}

absl::StatusOr<ledger::ConversionRecord> LoadConversionLots(pg::Transaction& tx,
                                                            const std::string& org_id,
                                                            const std::string& member_id,
                                                            int64_t conversion_id) {
  LOYALTY_ASSIGN_OR_RETURN(
      pg::Result rows,
      tx.Execute(kConversionLots, pg::Params().Add(org_id).Add(member_id).Add(conversion_id)));
  ledger::ConversionRecord record;
  record.conversion_id = conversion_id;
  record.member_id = member_id;
  for (int i = 0; i < rows.Rows(); ++i) {
    record.lots.push_back(ledger::LotTake{rows.Int64(i, 0), std::string(rows.Text(i, 1)),
                                          std::string(rows.Text(i, 2)), rows.Int64(i, 3),
                                          rows.OptionalTime(i, 4)});
  }
  return record;
}

void ConversionFromRow(const pg::Result& rows, int row, v1::Conversion* out) {
  out->set_conversion_id(rows.Int64(row, 0));
  out->set_member_id(std::string(rows.Text(row, 1)));
  out->set_partner_code(std::string(rows.Text(row, 2)));
  out->set_external_number(std::string(rows.Text(row, 3)));
  out->set_local_points(rows.Int64(row, 4));
  out->set_partner_points(rows.Int64(row, 5));
  out->set_status(ToConversionStatus(StatusFromText(rows.Text(row, 6))));
  out->set_attempts(rows.Int32(row, 7));
  out->set_partner_reference(std::string(rows.Text(row, 8)));
  out->set_last_error(std::string(rows.Text(row, 9)));
  wire::ToTimestamp(rows.Time(row, 10), out->mutable_created_at());
  wire::ToTimestamp(rows.Time(row, 11), out->mutable_updated_at());
}

}  // namespace loyalty::store
