#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/ledger/change_set.h"
#include "libs/ledger/partner_changes.h"
#include "libs/ledger/types.h"

namespace loyalty::ledger {

// Partner programs (docs/partners.md): the conversion of matured local points to a partner, its
// return, and the vouchers partner-side redemptions load.

// Reason codes of refused partner requests.
inline constexpr char kPartnerNotActive[] = "PARTNER_NOT_ACTIVE";
inline constexpr char kPartnerRefusedAccount[] = "PARTNER_REFUSED_ACCOUNT";
inline constexpr char kPartnerUnavailable[] = "PARTNER_UNAVAILABLE";
inline constexpr char kAlreadyLinked[] = "ALREADY_LINKED";
inline constexpr char kAccountLinkedElsewhere[] = "ACCOUNT_LINKED_ELSEWHERE";
inline constexpr char kNotLinked[] = "NOT_LINKED";
inline constexpr char kVoucherUsed[] = "VOUCHER_USED";
inline constexpr char kVoucherExpired[] = "VOUCHER_EXPIRED";
inline constexpr char kVoucherInsufficient[] = "VOUCHER_INSUFFICIENT";
inline constexpr char kVoucherTooSmall[] = "VOUCHER_TOO_SMALL";

// A partner's terms, as the admin service created them.
struct PartnerTerms {
  std::string partner_code;
  std::string program_id;
  std::string point_type;   // the local type that converts
  Points local_points = 1;  // local_points local points buy partner_points partner points
  Points partner_points = 1;
  int32_t return_window_days = 0;
  Points voucher_points = 1;  // voucher_points partner points are worth voucher_value_minor
  int64_t voucher_value_minor = 0;
  std::string voucher_currency;
  int32_t voucher_validity_days = 1;
  bool active = true;
};

// A member's link to a partner account.
struct PartnerLinkRecord {
  int64_t link_id = 0;
  std::string member_id;
  std::string partner_code;
  std::string external_number;
  LinkState state = LinkState::kActive;
  absl::Time linked_at;
};

// Lots matured for conversion at `now` under a link: of the partner's program and point type,
// awarded at or after the link was made and at least the return window before `now`, available.
absl::Time MaturedBefore(const PartnerTerms& terms, absl::Time now);

// The conversion of a member's matured lots (`matured`, in the order to take them: oldest award
// first) under `link`: the largest multiple of the terms' local_points their free points hold
// (the remainder stays local), taken lot by lot, with one conversion ledger entry and the
// conversion recorded; at most kMaxCommandPoints partner points (a bigger one converts in several
// rounds). nullopt when they hold less than local_points.
std::optional<ChangeSet> DecideConversion(const PartnerTerms& terms, const PartnerLinkRecord& link,
                                          std::span<const Lot> matured);

// A conversion as read to give its points back.
struct ConversionRecord {
  int64_t conversion_id = 0;
  std::string member_id;
  ConversionStatus status = ConversionStatus::kPending;
  std::vector<LotTake> lots;  // what it took from each lot, with the lot's program, type, expiry
};

// Gives a conversion's points back at `now` (the partner refused it, or did not confirm it within
// the retry budget; `error` says which): each lot restored, one conversion_return entry per
// program and point type; a lot that expired since gets its points back and expires them at
// once (a return and an expiry entry, net zero). The conversion is marked returned.
ChangeSet DecideConversionReturn(const ConversionRecord& conversion, const std::string& error,
                                 absl::Time now);

// The value of a voucher for `partner_points`: floor(points x voucher_value / voucher_points).
// VOUCHER_TOO_SMALL when that is 0.
absl::StatusOr<int64_t> VoucherValue(const PartnerTerms& terms, Points partner_points);

// A voucher as read to spend it.
struct VoucherRecord {
  int64_t voucher_id = 0;
  std::string member_id;
  VoucherKind kind = VoucherKind::kReward;
  int64_t remaining_minor = 0;
  std::string currency;
  VoucherStatus status = VoucherStatus::kActive;
  absl::Time expires_at;
};

// Spends `voucher` on order `order_ref` at `now`: a Reward takes min(remaining, amount) off the
// order and is used up; a Credit pays `amount` (VOUCHER_INSUFFICIENT above what remains) and
// keeps the rest. VOUCHER_USED once used up, VOUCHER_EXPIRED past its time, CURRENCY_MISMATCH
// for another currency.
absl::StatusOr<VoucherChanged> DecideVoucherSpend(const VoucherRecord& voucher,
                                                  const std::string& order_ref,
                                                  int64_t amount_minor, const std::string& currency,
                                                  absl::Time now);

}  // namespace loyalty::ledger
