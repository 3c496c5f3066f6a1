#include "services/query/event_apply.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "libs/base/status_macros.h"
#include "libs/store/operation.h"
#include "libs/wire/event.h"
#include "libs/wire/time.h"

namespace loyalty::query {
namespace {

// Each statement takes one array per column; unnest turns them back into rows.
constexpr pg::Statement kUpsertLots{
    "projector_upsert_lots",
    "INSERT INTO view_lots (org_id, member_id, lot_id, program_id, point_type, subtype,"
    " redeemable, amount, remaining, held, awarded_at, available_at, expires_at)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[],"
    " $6::text[], $7::boolean[], $8::bigint[], $9::bigint[], $10::bigint[], $11::timestamptz[],"
    " $12::timestamptz[], $13::timestamptz[])"
    " ON CONFLICT (org_id, member_id, lot_id) DO UPDATE SET program_id = EXCLUDED.program_id,"
    " point_type = EXCLUDED.point_type, subtype = EXCLUDED.subtype,"
    " redeemable = EXCLUDED.redeemable, amount = EXCLUDED.amount,"
    " remaining = EXCLUDED.remaining, held = EXCLUDED.held, awarded_at = EXCLUDED.awarded_at,"
    " available_at = EXCLUDED.available_at, expires_at = EXCLUDED.expires_at"};

constexpr pg::Statement kUpsertTotals{
    "projector_upsert_totals",
    "INSERT INTO view_totals (org_id, member_id, program_id, point_type, lifetime, qualifying)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[],"
    " $6::bigint[])"
    " ON CONFLICT (org_id, member_id, program_id, point_type) DO UPDATE"
    " SET lifetime = EXCLUDED.lifetime, qualifying = EXCLUDED.qualifying"};

constexpr pg::Statement kUpsertEnrolments{
    "projector_upsert_enrolments",
    "INSERT INTO view_enrolments (org_id, member_id, program_id, tier, debt, period_start,"
    " period_end) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],"
    " $5::bigint[], $6::timestamptz[], $7::timestamptz[])"
    " ON CONFLICT (org_id, member_id, program_id) DO UPDATE SET tier = EXCLUDED.tier,"
    " debt = EXCLUDED.debt, period_start = EXCLUDED.period_start,"
    " period_end = EXCLUDED.period_end"};

constexpr pg::Statement kUpsertContributions{
    "projector_upsert_contributions",
    "INSERT INTO view_household_contributions (org_id, household_id, program_id, period_start,"
    " member_id, membership_start, qualifying)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[],"
    " $6::timestamptz[], $7::bigint[])"
    " ON CONFLICT (org_id, household_id, program_id, period_start, member_id, membership_start)"
    " DO UPDATE SET qualifying = EXCLUDED.qualifying"};

constexpr pg::Statement kInsertEntries{
    "projector_insert_entries",
    "INSERT INTO view_entries (org_id, member_id, entry_id, position, operation_id, program_id,"
    " point_type, kind, points, order_ref, description, created_at, caller)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[],"
    " $6::text[], $7::text[], $8::text[], $9::bigint[], $10::text[], $11::text[],"
    " $12::timestamptz[], $13::text[]) ON CONFLICT DO NOTHING"};

constexpr pg::Statement kInsertRedemptions{
    "projector_insert_redemptions",
    "INSERT INTO view_redemptions (org_id, member_id, redemption_id, position, program_id,"
    " is_group, points, value_minor, currency, order_ref, reward, overdraft_points,"
    " reservation_id, created_at, caller)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::text[],"
    " $6::boolean[], $7::bigint[], $8::bigint[], $9::text[], $10::text[], $11::text[],"
    " $12::bigint[], $13::bigint[], $14::timestamptz[], $15::text[]) ON CONFLICT DO NOTHING"};

constexpr pg::Statement kInsertRedemptionPrograms{
    "projector_insert_redemption_programs",
    "INSERT INTO view_redemption_programs (org_id, member_id, redemption_id, program_id, points)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bigint[])"
    " ON CONFLICT DO NOTHING"};

constexpr pg::Statement kInsertRedemptionLots{
    "projector_insert_redemption_lots",
    "INSERT INTO view_redemption_lots (org_id, member_id, redemption_id, ordinal, lot_id,"
    " program_id, point_type, points, expires_at)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::integer[], $5::bigint[],"
    " $6::text[], $7::text[], $8::bigint[], $9::timestamptz[]) ON CONFLICT DO NOTHING"};

constexpr pg::Statement kCancelRedemptions{
    "projector_cancel_redemptions",
    "UPDATE view_redemptions v SET cancelled = true"
    " FROM unnest($1::text[], $2::text[], $3::bigint[]) AS c (org_id, member_id, redemption_id)"
    " WHERE v.org_id = c.org_id AND v.member_id = c.member_id"
    " AND v.redemption_id = c.redemption_id"};

constexpr pg::Statement kUpsertPartnerLinks{
    "projector_upsert_partner_links",
    "INSERT INTO view_partner_links (org_id, member_id, link_id, partner_code, external_number,"
    " state, linked_at, ended_at) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[],"
    " $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[])"
    " ON CONFLICT (org_id, member_id, link_id) DO UPDATE SET state = EXCLUDED.state,"
    " ended_at = EXCLUDED.ended_at"};

constexpr pg::Statement kUpsertConversions{
    "projector_upsert_conversions",
    "INSERT INTO view_conversions (org_id, member_id, conversion_id, partner_code,"
    " external_number, local_points, partner_points, status, attempts, partner_reference,"
    " last_error, created_at, updated_at) SELECT * FROM unnest($1::text[], $2::text[],"
    " $3::bigint[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::text[],"
    " $9::integer[], $10::text[], $11::text[], $12::timestamptz[], $13::timestamptz[])"
    " ON CONFLICT (org_id, member_id, conversion_id) DO UPDATE SET status = EXCLUDED.status,"
    " attempts = EXCLUDED.attempts, partner_reference = EXCLUDED.partner_reference,"
    " last_error = EXCLUDED.last_error, updated_at = EXCLUDED.updated_at"};

constexpr pg::Statement kUpsertVouchers{
    "projector_upsert_vouchers",
    "INSERT INTO view_vouchers (org_id, member_id, voucher_id, partner_code, partner_request_id,"
    " kind, partner_points, value_minor, remaining_minor, currency, status, issued_at,"
    " expires_at) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[],"
    " $5::text[], $6::text[], $7::bigint[], $8::bigint[], $9::bigint[], $10::text[],"
    " $11::text[], $12::timestamptz[], $13::timestamptz[])"
    " ON CONFLICT (org_id, member_id, voucher_id) DO UPDATE"
    " SET remaining_minor = EXCLUDED.remaining_minor, status = EXCLUDED.status"};

// An enum value as the tables store it: its name without `prefix`, in lower case
// ("PARTNER_LINK_STATE_ACTIVE" -> "active").
std::string StoredText(const std::string& name, absl::string_view prefix) {
  return absl::AsciiStrToLower(absl::StripPrefix(name, prefix));
}

// The first `columns` values of `row`, unambiguously joined (each prefixed by its length).
std::string KeyOf(const pg::Params& row, size_t columns) {
  std::string key;
  for (size_t i = 0; i < columns; ++i) {
    const std::string& value = *row.Values()[i];
    absl::StrAppend(&key, value.size(), ":", value);
  }
  return key;
}

std::optional<absl::Time> OptionalTime(bool present, const google::protobuf::Timestamp& time) {
  if (!present) return std::nullopt;
  return wire::FromTimestamp(time);
}

constexpr pg::Statement kUpsertBadgeAwards{
    "projector_upsert_badge_awards",
    "INSERT INTO view_member_badges (org_id, member_id, program_id, badge_id, level_code,"
    " level_number, threshold, badge_version, awarded_at, order_ref, bonus_points,"
    " bonus_point_type, benefit_code, clawed_back_at)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],"
    " $6::integer[], $7::bigint[], $8::integer[], $9::timestamptz[], $10::text[], $11::bigint[],"
    " $12::text[], $13::text[], $14::timestamptz[])"
    " ON CONFLICT (org_id, member_id, program_id, badge_id, level_code) DO UPDATE"
    " SET clawed_back_at = EXCLUDED.clawed_back_at"};

constexpr pg::Statement kAddSpendDays{
    "projector_add_spend_days",
    "INSERT INTO view_spend_days AS v (org_id, member_id, program_id, day, amount_minor, points)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::bigint[],"
    " $6::bigint[])"
    " ON CONFLICT (org_id, member_id, program_id, day) DO UPDATE"
    " SET amount_minor = v.amount_minor + EXCLUDED.amount_minor,"
    " points = v.points + EXCLUDED.points"};

constexpr pg::Statement kAddActionCounts{
    "projector_add_action_counts",
    "INSERT INTO view_action_counts AS v (org_id, member_id, program_id, action_code, times)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::integer[])"
    " ON CONFLICT (org_id, member_id, program_id, action_code) DO UPDATE"
    " SET times = v.times + EXCLUDED.times"};

// The UTC date of a day's start, as view_spend_days.day holds it.
std::string DateOf(const google::protobuf::Timestamp& day) {
  return absl::FormatTime("%Y-%m-%d", wire::FromTimestamp(day), absl::UTCTimeZone());
}

}  // namespace

void ViewChanges::Sums::Add(pg::Params key, std::vector<int64_t> values) {
  auto [found, inserted] =
      sums_.try_emplace(KeyOf(key, key.Values().size()), std::move(key), values);
  if (inserted) return;
  for (size_t i = 0; i < values.size(); ++i) found->second.second[i] += values[i];
}

void ViewChanges::Sums::Defer(pg::Transaction& tx, const pg::Statement& statement) {
  for (auto& [key, sum] : sums_) {
    pg::Params row = std::move(sum.first);
    for (const int64_t value : sum.second) row.Add(value);
    rows_.Append(std::move(row));
  }
  sums_.clear();
  rows_.Defer(tx, statement);
}

void ViewChanges::Rows::Put(size_t key_columns, pg::Params row) {
  auto [found, inserted] = index_.try_emplace(KeyOf(row, key_columns), rows_.size());
  if (inserted) {
    rows_.push_back(std::move(row));
  } else {
    rows_[found->second] = std::move(row);
  }
}

void ViewChanges::Rows::Defer(pg::Transaction& tx, const pg::Statement& statement) {
  for (size_t first = 0; first < rows_.size(); first += kMaxRows) {
    const size_t last = std::min(rows_.size(), first + kMaxRows);
    pg::Params columns;
    for (size_t column = 0; column < rows_[first].Values().size(); ++column) {
      std::vector<std::optional<std::string>> values;
      values.reserve(last - first);
      for (size_t row = first; row < last; ++row) values.push_back(rows_[row].Values()[column]);
      columns.AddArray(values);
    }
    tx.Defer(statement, std::move(columns));
  }
  rows_.clear();
  index_.clear();
}

void ViewChanges::Add(int64_t position, const internal::v1::LedgerEvent& event) {
  for (const internal::v1::LotState& lot : event.lots()) {
    pg::Params row;
    row.Add(event.org_id())
        .Add(lot.member_id())
        .Add(lot.lot_id())
        .Add(lot.program_id())
        .Add(lot.point_type())
        .Add(lot.subtype())
        .Add(lot.redeemable())
        .Add(lot.amount())
        .Add(lot.remaining())
        .Add(lot.held())
        .Add(wire::FromTimestamp(lot.awarded_at()))
        .Add(wire::FromTimestamp(lot.available_at()))
        .Add(OptionalTime(lot.has_expires_at(), lot.expires_at()));
    lots_.Put(3, std::move(row));
  }
  for (const internal::v1::TotalsState& totals : event.totals()) {
    pg::Params row;
    row.Add(event.org_id()).Add(totals.member_id()).Add(totals.program_id())
        .Add(totals.point_type()).Add(totals.lifetime()).Add(totals.qualifying());
    totals_.Put(4, std::move(row));
  }
  for (const internal::v1::EnrolmentState& enrolment : event.enrolments()) {
    pg::Params row;
    row.Add(event.org_id())
        .Add(enrolment.member_id())
        .Add(enrolment.program_id())
        .Add(enrolment.tier())
        .Add(enrolment.debt())
        .Add(wire::FromTimestamp(enrolment.period_start()))
        .Add(wire::FromTimestamp(enrolment.period_end()));
    enrolments_.Put(3, std::move(row));
  }
  for (const internal::v1::ContributionState& contribution : event.contributions()) {
    pg::Params row;
    row.Add(event.org_id())
        .Add(contribution.household_id())
        .Add(contribution.program_id())
        .Add(wire::FromTimestamp(contribution.period_start()))
        .Add(contribution.member_id())
        .Add(wire::FromTimestamp(contribution.membership_start()))
        .Add(contribution.qualifying());
    contributions_.Put(6, std::move(row));
  }
  for (const internal::v1::EntryRecord& entry : event.entries()) {
    pg::Params row;
    row.Add(event.org_id())
        .Add(entry.member_id())
        .Add(entry.entry_id())
        .Add(position)
        .Add(event.operation_id())
        .Add(entry.program_id())
        .Add(entry.point_type())
        .Add(wire::EntryKindName(entry.kind()))
        .Add(entry.points())
        .Add(entry.order_ref())
        .Add(entry.description())
        .Add(wire::FromTimestamp(entry.created_at()))
        .Add(event.caller());
    entries_.Append(std::move(row));
  }
  if (event.has_redemption()) AddRedemption(position, event);
  AddPartnerStates(event);
  AddBadgeStates(event);
}

void ViewChanges::AddBadgeStates(const internal::v1::LedgerEvent& event) {
  for (const internal::v1::BadgeAwardState& state : event.badge_awards()) {
    const v1::BadgeAward& award = state.award();
    pg::Params row;
    row.Add(event.org_id())
        .Add(state.member_id())
        .Add(award.program_id())
        .Add(award.badge_id())
        .Add(award.level_code())
        .Add(award.level_number())
        .Add(award.threshold())
        .Add(award.badge_version())
        .Add(wire::FromTimestamp(award.awarded_at()))
        .Add(award.order_ref())
        .Add(award.bonus_points())
        .Add(award.bonus_point_type())
        .Add(award.benefit_code())
        .Add(OptionalTime(award.has_bonus_clawed_back_at(), award.bonus_clawed_back_at()));
    badge_awards_.Put(5, std::move(row));
  }
  for (const internal::v1::MeasureDelta& delta : event.measures()) {
    pg::Params key;
    key.Add(event.org_id()).Add(delta.member_id()).Add(delta.program_id());
    if (delta.action_code().empty()) {
      key.Add(DateOf(delta.day()));
      spend_days_.Add(std::move(key), {delta.amount_minor(), delta.points()});
    } else {
      key.Add(delta.action_code());
      action_counts_.Add(std::move(key), {1});
    }
  }
}

void ViewChanges::AddPartnerStates(const internal::v1::LedgerEvent& event) {
  for (const v1::PartnerLink& link : event.partner_links()) {
    pg::Params row;
    row.Add(event.org_id())
        .Add(link.member_id())
        .Add(link.link_id())
        .Add(link.partner_code())
        .Add(link.external_number())
        .Add(StoredText(v1::PartnerLinkState_Name(link.state()), "PARTNER_LINK_STATE_"))
        .Add(wire::FromTimestamp(link.linked_at()))
        .Add(OptionalTime(link.has_ended_at(), link.ended_at()));
    partner_links_.Put(3, std::move(row));
  }
  for (const v1::Conversion& conversion : event.conversions()) {
    pg::Params row;
    row.Add(event.org_id())
        .Add(conversion.member_id())
        .Add(conversion.conversion_id())
        .Add(conversion.partner_code())
        .Add(conversion.external_number())
        .Add(conversion.local_points())
        .Add(conversion.partner_points())
        .Add(StoredText(v1::ConversionStatus_Name(conversion.status()), "CONVERSION_STATUS_"))
        .Add(conversion.attempts())
        .Add(conversion.partner_reference())
        .Add(conversion.last_error())
        .Add(wire::FromTimestamp(conversion.created_at()))
        .Add(wire::FromTimestamp(conversion.updated_at()));
    conversions_.Put(3, std::move(row));
  }
  for (const v1::Voucher& voucher : event.vouchers()) {
    pg::Params row;
    row.Add(event.org_id())
        .Add(voucher.member_id())
        .Add(voucher.voucher_id())
        .Add(voucher.partner_code())
        .Add(voucher.partner_request_id())
        .Add(StoredText(v1::VoucherKind_Name(voucher.kind()), "VOUCHER_KIND_"))
        .Add(voucher.partner_points())
        .Add(voucher.value().minor_units())
        .Add(voucher.remaining().minor_units())
        .Add(voucher.value().currency())
        .Add(StoredText(v1::VoucherStatus_Name(voucher.status()), "VOUCHER_STATUS_"))
        .Add(wire::FromTimestamp(voucher.issued_at()))
        .Add(wire::FromTimestamp(voucher.expires_at()));
    vouchers_.Put(3, std::move(row));
  }
}

void ViewChanges::AddRedemption(int64_t position, const internal::v1::LedgerEvent& event) {
  const v1::Redemption& redemption = event.redemption();
  pg::Params key;
  key.Add(event.org_id()).Add(redemption.member_id()).Add(redemption.redemption_id());
  if (redemption.cancelled()) {
    cancellations_.Append(std::move(key));
    return;
  }
  pg::Params row = key;
  row.Add(position)
      .Add(redemption.program_id())
      .Add(redemption.group())
      .Add(redemption.points())
      .Add(redemption.value().minor_units())
      .Add(redemption.value().currency())
      .Add(redemption.order_ref())
      .Add(redemption.reward())
      .Add(redemption.overdraft_points())
      .Add(redemption.reservation_id())
      .Add(wire::FromTimestamp(redemption.created_at()))
      .Add(event.caller());
  redemptions_.Append(std::move(row));
  for (const v1::ProgramBreakup& program : redemption.breakup_by_program()) {
    pg::Params program_row = key;
    program_row.Add(program.program_id()).Add(program.points());
    redemption_programs_.Append(std::move(program_row));
  }
  int32_t ordinal = 0;
  for (const v1::LotConsumption& lot : redemption.lots()) {
    pg::Params lot_row = key;
    lot_row.Add(ordinal++).Add(lot.lot_id()).Add(lot.program_id()).Add(lot.point_type())
        .Add(lot.points()).Add(OptionalTime(lot.has_expires_at(), lot.expires_at()));
    redemption_lots_.Append(std::move(lot_row));
  }
}

void ViewChanges::Defer(pg::Transaction& tx) {
  lots_.Defer(tx, kUpsertLots);
  totals_.Defer(tx, kUpsertTotals);
  enrolments_.Defer(tx, kUpsertEnrolments);
  contributions_.Defer(tx, kUpsertContributions);
  entries_.Defer(tx, kInsertEntries);
  redemptions_.Defer(tx, kInsertRedemptions);
  redemption_programs_.Defer(tx, kInsertRedemptionPrograms);
  redemption_lots_.Defer(tx, kInsertRedemptionLots);
  cancellations_.Defer(tx, kCancelRedemptions);  // after the inserts: a redemption of this run
  partner_links_.Defer(tx, kUpsertPartnerLinks);
  conversions_.Defer(tx, kUpsertConversions);
  vouchers_.Defer(tx, kUpsertVouchers);
  badge_awards_.Defer(tx, kUpsertBadgeAwards);
  spend_days_.Defer(tx, kAddSpendDays);
  action_counts_.Defer(tx, kAddActionCounts);
}

std::vector<std::string> BalanceMembersOf(const internal::v1::LedgerEvent& event) {
  std::vector<std::string> members;
  const auto add = [&](const std::string& member_id) {
    if (std::find(members.begin(), members.end(), member_id) == members.end()) {
      members.push_back(member_id);
    }
  };
  for (const internal::v1::LotState& lot : event.lots()) add(lot.member_id());
  for (const internal::v1::TotalsState& totals : event.totals()) add(totals.member_id());
  for (const internal::v1::EnrolmentState& enrolment : event.enrolments()) {
    add(enrolment.member_id());
  }
  return members;
}

}  // namespace loyalty::query
