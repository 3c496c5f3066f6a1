#include "tools/loyaltyctl/format.h"

#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/util/time_util.h"

namespace loyalty::ctl {
namespace {

int MinorUnitDigits(absl::string_view currency) {
  for (absl::string_view zero : {"JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF"}) {
    if (currency == zero) return 0;
  }
  for (absl::string_view three : {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"}) {
    if (currency == three) return 3;
  }
  return 2;
}

}  // namespace

std::string FormatMoney(const v1::Money& money) {
  if (money.currency().empty()) return "-";
  const int digits = MinorUnitDigits(money.currency());
  const int64_t minor = money.minor_units();
  if (digits == 0) return absl::StrCat(minor, " ", money.currency());
  const uint64_t magnitude =
      minor < 0 ? static_cast<uint64_t>(-(minor + 1)) + 1 : static_cast<uint64_t>(minor);
  const uint64_t scale = digits == 3 ? 1000 : 100;
  std::string fraction = absl::StrCat(magnitude % scale);
  fraction.insert(0, static_cast<size_t>(digits) - fraction.size(), '0');
  return absl::StrCat(minor < 0 ? "-" : "", magnitude / scale, ".", fraction, " ",
                      money.currency());
}

std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp, bool present) {
  if (!present) return "-";
  return google::protobuf::util::TimeUtil::ToString(timestamp);
}

absl::StatusOr<google::protobuf::Timestamp> ParseTimestamp(absl::string_view flag,
                                                           absl::string_view text) {
  google::protobuf::Timestamp timestamp;
  if (!google::protobuf::util::TimeUtil::FromString(std::string(text), &timestamp)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", flag, " must be an RFC 3339 time like 2026-03-01T00:00:00Z, got '", text, "'"));
  }
  return timestamp;
}

std::string EnumLabel(absl::string_view name, absl::string_view prefix) {
  if (name.substr(0, prefix.size()) == prefix) name.remove_prefix(prefix.size());
  return absl::StrReplaceAll(absl::AsciiStrToLower(name), {{"_", "-"}});
}

std::string EnumName(absl::string_view label, absl::string_view prefix) {
  return absl::StrCat(prefix, absl::StrReplaceAll(absl::AsciiStrToUpper(label), {{"-", "_"}}));
}

std::string FormatPosition(int64_t ledger_position, bool replayed) {
  return absl::StrCat("(ledger position ", ledger_position,
                      replayed ? ", replayed: same key, no new effect)" : ")");
}

std::string YesNo(bool value) { return value ? "yes" : "no"; }

}  // namespace loyalty::ctl
