#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"

namespace loyalty::ledger {

using Points = int64_t;

// Reason codes of refused requests (SPEC 6). Strings, because they are part of the public API.
inline constexpr char kInsufficientPoints[] = "INSUFFICIENT_POINTS";
inline constexpr char kBelowMinimum[] = "BELOW_MINIMUM";
inline constexpr char kAboveMaximum[] = "ABOVE_MAXIMUM";
inline constexpr char kNotMultiple[] = "NOT_MULTIPLE";
inline constexpr char kEarnAndBurnSameOrder[] = "EARN_AND_BURN_SAME_ORDER";
inline constexpr char kProgramNotActive[] = "PROGRAM_NOT_ACTIVE";
inline constexpr char kMemberNotActive[] = "MEMBER_NOT_ACTIVE";
inline constexpr char kNotTransferable[] = "NOT_TRANSFERABLE";
inline constexpr char kNotRedeemable[] = "NOT_REDEEMABLE";
inline constexpr char kNotEnrolled[] = "NOT_ENROLLED";
inline constexpr char kSameMember[] = "SAME_MEMBER";
inline constexpr char kDuplicateOrder[] = "DUPLICATE_ORDER";
inline constexpr char kActionLimitReached[] = "ACTION_LIMIT_REACHED";
inline constexpr char kOverdraftLimitExceeded[] = "OVERDRAFT_LIMIT_EXCEEDED";
inline constexpr char kProgramNotReady[] = "PROGRAM_NOT_READY";
inline constexpr char kCurrencyMismatch[] = "CURRENCY_MISMATCH";

// One point item: what one award of one point type and subtype still holds.
struct Lot {
  int64_t lot_id = 0;  // increases with award order; the last tie-breaker
  std::string program_id;
  std::string point_type;
  std::string subtype;
  Points amount = 0;     // awarded
  Points remaining = 0;  // not yet consumed
  Points held = 0;       // part of `remaining` held by open reservations
  bool redeemable = true;
  absl::Time awarded_at;
  absl::Time available_at;
  std::optional<absl::Time> expires_at;  // nullopt: never expires
};

// Part of one lot consumed (or held) by a burn.
struct LotTake {
  int64_t lot_id = 0;
  std::string program_id;
  std::string point_type;
  Points points = 0;
  std::optional<absl::Time> expires_at;  // copied from the lot, so transfers keep it
};

}  // namespace loyalty::ledger
