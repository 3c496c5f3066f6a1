#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/timestamp.pb.h"
#include "loyalty/v1/common.pb.h"

namespace loyalty::ctl {

// "12.50 USD" (minor units at the currency's ISO 4217 exponent: 2, or 0 / 3 for the few
// currencies that use those); "-" when the currency is empty.
std::string FormatMoney(const v1::Money& money);

// RFC 3339 in UTC, "-" for an unset timestamp.
std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp, bool present = true);

// RFC 3339 text to a timestamp (usage error naming the flag otherwise).
absl::StatusOr<google::protobuf::Timestamp> ParseTimestamp(absl::string_view flag,
                                                           absl::string_view text);

// An enum value name without its prefix, lower case, '-' for '_':
// ("PROGRAM_STATUS_ACTIVE", "PROGRAM_STATUS_") -> "active".
std::string EnumLabel(absl::string_view name, absl::string_view prefix);

// The reverse: ("rolling-months", "QUALIFICATION_PERIOD_KIND_") -> "QUALIFICATION_PERIOD_KIND_
// ROLLING_MONTHS", for the generated *_Parse functions.
std::string EnumName(absl::string_view label, absl::string_view prefix);

// "(ledger position N)", or "(ledger position N, replayed: same key, no new effect)".
std::string FormatPosition(int64_t ledger_position, bool replayed);

// "yes" / "no".
std::string YesNo(bool value);

}  // namespace loyalty::ctl
