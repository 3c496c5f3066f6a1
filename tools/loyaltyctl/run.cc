#include "tools/loyaltyctl/run.h"

#include "absl/status/statusor.h"
#include "libs/base/version.h"
#include "libs/rpc/tls.h"
#include "tools/loyaltyctl/arguments.h"
#include "tools/loyaltyctl/command_table.h"
#include "tools/loyaltyctl/limits.h"
#include "tools/loyaltyctl/session.h"

namespace loyalty::ctl {
namespace {

int UsageError(absl::string_view message, const CommandSpec* command, std::ostream& err) {
  err << "usage error: " << message << "\n";
  if (command != nullptr) {
    PrintCommandUsage(*command, err);
  } else {
    err << "run `loyaltyctl --help` for the commands\n";
  }
  return kExitUsage;
}

}  // namespace

int Run(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err) {
  const CommandSpec* seen = nullptr;
  absl::StatusOr<Invocation> invocation = ParseCommandLine(arguments, Commands(), &seen);
  if (!invocation.ok()) return UsageError(invocation.status().message(), seen, err);
  if (invocation->options.version) {
    out << VersionLine("loyaltyctl");
    return kExitOk;
  }
  if (invocation->options.help) {
    if (invocation->command != nullptr) {
      PrintCommandUsage(*invocation->command, out);
    } else {
      PrintUsage(Commands(), out);
    }
    return kExitOk;
  }
  if (absl::Status tls = rpc::CheckClientTls(invocation->options.tls); !tls.ok()) {
    return UsageError(tls.message(), invocation->command, err);
  }
  Session session(invocation->options, invocation->flags, out, err);
  const absl::StatusOr<int> exit_code = invocation->command->handler(session);
  if (!exit_code.ok()) {
    return UsageError(exit_code.status().message(), invocation->command, err);
  }
  return *exit_code;
}

}  // namespace loyalty::ctl
