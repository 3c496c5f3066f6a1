#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/rpc/tls.h"
#include "tools/loyaltyctl/command_spec.h"
#include "tools/loyaltyctl/limits.h"

namespace loyalty::ctl {

// Options valid anywhere on the command line.
struct GlobalOptions {
  std::string target = "127.0.0.1:50051";
  std::string query_target = "127.0.0.1:50052";
  rpc::ClientTls tls;  // --tls_cert --tls_key --tls_ca --tls_server_name --insecure_plaintext
  bool json = false;
  int64_t timeout_ms = kDefaultTimeoutMs;
  bool help = false;
  bool version = false;  // --version: print VersionLine and exit
};

// A command's flags after parsing: every value present was checked against its FlagSpec kind.
class Flags final {
 public:
  bool Has(absl::string_view name) const;
  // Empty, 0 or false when absent; the last value of a repeated flag.
  std::string String(absl::string_view name) const;
  int64_t Int64(absl::string_view name) const;
  int32_t Int32(absl::string_view name) const;
  bool Bool(absl::string_view name) const;
  // Every value of a repeated flag, in the order given; empty when absent.
  std::vector<std::string> Strings(absl::string_view name) const;

  // Set replaces the value(s); Add appends one (a repeated flag).
  void Set(std::string name, std::string value) { values_[std::move(name)] = {std::move(value)}; }
  void Add(std::string name, std::string value) {
    values_[std::move(name)].push_back(std::move(value));
  }

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
};

struct Invocation {
  GlobalOptions options;
  // Null when only help was asked for without a command.
  const CommandSpec* command = nullptr;
  Flags flags;
};

// Parses `[global options] <noun> [<verb>] [--flags]` against `commands`. Global options may come
// anywhere; command flags only after the command words. Errors are usage errors; `seen`, when
// given, is set to the command named before the error (null if none) for a precise usage line.
absl::StatusOr<Invocation> ParseCommandLine(const std::vector<std::string>& arguments,
                                            const std::vector<CommandSpec>& commands,
                                            const CommandSpec** seen = nullptr);

}  // namespace loyalty::ctl
