#include "libs/ledger/partner.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/ledger/consumption.h"
#include "libs/ledger/limits.h"

namespace loyalty::ledger {
namespace {

using TypeKey = std::pair<std::string, std::string>;  // program, point type

}  // namespace

const char* LinkStateName(LinkState state) {
  switch (state) {
    case LinkState::kActive:
      return "active";
    case LinkState::kUnlinked:
      return "unlinked";
    case LinkState::kRefused:
      return "refused";
  }
  return "active";
}

const char* ConversionStatusName(ConversionStatus status) {
  switch (status) {
    case ConversionStatus::kPending:
      return "pending";
    case ConversionStatus::kSent:
      return "sent";
    case ConversionStatus::kConfirmed:
      return "confirmed";
    case ConversionStatus::kReturned:
      return "returned";
  }
  return "pending";
}

const char* VoucherKindName(VoucherKind kind) {
  return kind == VoucherKind::kCredit ? "credit" : "reward";
}

const char* VoucherStatusName(VoucherStatus status) {
  switch (status) {
    case VoucherStatus::kActive:
      return "active";
    case VoucherStatus::kUsed:
      return "used";
    case VoucherStatus::kExpired:
      return "expired";
  }
  return "active";
}

absl::Time MaturedBefore(const PartnerTerms& terms, absl::Time now) {
  return now - absl::Hours(24) * terms.return_window_days;
}

std::optional<ChangeSet> DecideConversion(const PartnerTerms& terms, const PartnerLinkRecord& link,
                                          std::span<const Lot> matured) {
  Points free = 0;
  for (const Lot& lot : matured) free += FreePoints(lot);
  // At most kMaxCommandPoints partner points in one conversion (the rest converts next time), so
  // that units x partner_points stays far inside 64 bits.
  const Points units =
      std::min(free / terms.local_points, kMaxCommandPoints / terms.partner_points);
  if (units == 0) return std::nullopt;
  ConversionRecorded conversion{link.member_id,
                                link.partner_code,
                                link.link_id,
                                link.external_number,
                                units * terms.local_points,
                                units * terms.partner_points,
                                {}};
  ChangeSet changes;
  Points left = conversion.local_points;
  std::map<TypeKey, Points> by_type;
  for (const Lot& lot : matured) {
    const Points take = std::min(left, FreePoints(lot));
    if (take == 0) continue;
    changes.Add(LotChange{LotChange::Kind::kConsume, link.member_id, lot.lot_id, take});
    conversion.lots.push_back(
        LotTake{lot.lot_id, lot.program_id, lot.point_type, take, lot.expires_at});
    by_type[{lot.program_id, lot.point_type}] += take;
    left -= take;
    if (left == 0) break;
  }
  for (const auto& [type, points] : by_type) {
    changes.Add(EntryChange{link.member_id, type.first, type.second, EntryKind::kConversion,
                            -points, "", absl::StrCat("converted to ", link.partner_code), ""});
  }
  changes.Add(std::move(conversion));
  return changes;
}

ChangeSet DecideConversionReturn(const ConversionRecord& conversion, const std::string& error,
                                 absl::Time now) {
  ChangeSet changes;
  std::map<TypeKey, Points> restored;
  std::map<TypeKey, Points> expired;
  for (const LotTake& lot : conversion.lots) {
    const TypeKey type{lot.program_id, lot.point_type};
    if (lot.expires_at.has_value() && *lot.expires_at <= now) {
      expired[type] += lot.points;
      continue;
    }
    changes.Add(LotChange{LotChange::Kind::kRestore, conversion.member_id, lot.lot_id, lot.points});
    restored[type] += lot.points;
  }
  for (const auto& [type, points] : restored) {
    changes.Add(EntryChange{conversion.member_id, type.first, type.second,
                            EntryKind::kConversionReturn, points, "", "conversion returned", ""});
  }
  for (const auto& [type, points] : expired) {  // given back and expired at once: net zero
    changes.Add(EntryChange{conversion.member_id, type.first, type.second,
                            EntryKind::kConversionReturn, points, "", "conversion returned", ""});
    changes.Add(EntryChange{conversion.member_id, type.first, type.second, EntryKind::kExpiry,
                            -points, "", "expired before the conversion was returned", ""});
  }
  changes.Add(ConversionMoved{conversion.member_id, conversion.conversion_id,
                              ConversionStatus::kReturned, "", error, now});
  return changes;
}

absl::StatusOr<int64_t> VoucherValue(const PartnerTerms& terms, Points partner_points) {
  // partner_points <= 10^9 and voucher_value_minor <= 10^9: the product fits in 64 bits.
  const int64_t value = partner_points * terms.voucher_value_minor / terms.voucher_points;
  if (value <= 0) {
    return Refused(kVoucherTooSmall,
                   absl::StrCat(partner_points, " partner points are worth nothing at ",
                                terms.partner_code, "'s voucher ratio"));
  }
  return value;
}

absl::StatusOr<VoucherChanged> DecideVoucherSpend(const VoucherRecord& voucher,
                                                  const std::string& order_ref,
                                                  int64_t amount_minor, const std::string& currency,
                                                  absl::Time now) {
  const std::string id = absl::StrCat(voucher.voucher_id);
  if (voucher.status == VoucherStatus::kUsed) {
    return Refused(kVoucherUsed, absl::StrCat("voucher ", id, " is used up"));
  }
  if (voucher.status == VoucherStatus::kExpired || voucher.expires_at <= now) {
    return Refused(kVoucherExpired, absl::StrCat("voucher ", id, " has expired"));
  }
  if (currency != voucher.currency) {
    return Refused(kCurrencyMismatch, absl::StrCat("voucher ", id, " is in ", voucher.currency,
                                                   ", the amount in ", currency));
  }
  VoucherChanged spent{voucher.member_id,   voucher.voucher_id, order_ref, amount_minor, 0, 0,
                       VoucherStatus::kUsed};
  if (voucher.kind == VoucherKind::kReward) {
    spent.applied_minor = std::min(voucher.remaining_minor, amount_minor);
    return spent;
  }
  if (amount_minor > voucher.remaining_minor) {
    return Refused(
        kVoucherInsufficient,
        absl::StrCat("voucher ", id, " holds ", voucher.remaining_minor, ", not ", amount_minor));
  }
  spent.applied_minor = amount_minor;
  spent.remaining_minor = voucher.remaining_minor - amount_minor;
  if (spent.remaining_minor > 0) spent.status = VoucherStatus::kActive;
  return spent;
}

}  // namespace loyalty::ledger
