#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace loyalty::ctl {

class Session;

enum class FlagKind { kString, kInt64, kInt32, kBool };

// One flag a command accepts: `--name=VALUE` (or `--name VALUE`), or `--name` for a bool.
struct FlagSpec {
  std::string name;
  FlagKind kind = FlagKind::kString;
  bool required = false;
  // Placeholder in the usage text, e.g. "ID", "N".
  std::string value_name = "VALUE";
  // May be given more than once (`--level=a:1 --level=b:2`); Flags::Strings has every value, in
  // the order given. Other flags given twice are a usage error.
  bool repeated = false;
};

// Runs a command: a usage error (bad flag combination or value) as a status, otherwise the
// process exit code of the call(s) it made.
using Handler = absl::StatusOr<int> (*)(Session&);

// `loyaltyctl <noun> [<verb>] --flags`; query commands have no verb.
struct CommandSpec {
  std::string noun;
  std::string verb;
  std::string summary;
  std::vector<FlagSpec> flags;
  // Mutating commands also accept `--key` (an idempotency key) and get a fresh one without it.
  bool mutating = false;
  Handler handler = nullptr;
};

// "points redeem", or "balances".
std::string CommandName(const CommandSpec& command);

}  // namespace loyalty::ctl
