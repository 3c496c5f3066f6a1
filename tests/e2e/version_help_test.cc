// --version and --help of the built binaries: the version and commit of libs/base/version.h, and
// every flag defined in our sources with its default.

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/base/version.h"
#include "tests/support/shell.h"

namespace loyalty::testing {
namespace {

// The flags ABSL_FLAG defines in these sources (relative to the repository).
std::set<std::string> FlagsDefinedIn(const std::vector<std::string>& sources) {
  static const std::regex kFlag(R"(ABSL_FLAG\(\s*[^,]+,\s*([a-z0-9_]+),)");
  std::set<std::string> flags;
  for (const std::string& source : sources) {
    std::ifstream file(absl::StrCat(LOYALTY_SOURCE_DIR, "/", source));
    std::stringstream text;
    text << file.rdbuf();
    const std::string content = text.str();
    for (std::sregex_iterator it(content.begin(), content.end(), kFlag), end; it != end; ++it) {
      flags.insert((*it)[1].str());
    }
  }
  return flags;
}

struct Binary {
  const char* name;
  const char* path;
  std::vector<std::string> sources;  // where its flags are defined
};

const std::vector<Binary>& Servers() {
  static const auto* const servers = new std::vector<Binary>{
      {"loyalty-command",
       LOYALTY_COMMAND_BINARY,
       {"services/command/main.cc", "libs/rpc/server_security.cc"}},
      {"loyalty-query",
       LOYALTY_QUERY_BINARY,
       {"services/query/main.cc", "libs/rpc/server_security.cc"}},
      {"loyalty-worker", LOYALTY_WORKER_BINARY, {"services/worker/main.cc"}},
  };
  return *servers;
}

TEST(VersionTest, EveryBinaryPrintsItsVersionAndCommit) {
  std::vector<std::pair<std::string, std::string>> binaries = {{"loyaltyctl", LOYALTYCTL_BINARY}};
  for (const Binary& server : Servers()) binaries.emplace_back(server.name, server.path);
  EXPECT_FALSE(Version().empty());
  EXPECT_FALSE(Commit().empty());
  for (const auto& [name, path] : binaries) {
    const ShellResult run = RunShell(path + " --version");
    EXPECT_EQ(run.exit_code, 0) << name << ": " << run.output;
    EXPECT_EQ(run.output, VersionLine(name));
  }
}

// The image's tag and the chart's default (helm/loyalty/Chart.yaml appVersion) are the version
// the binaries report.
TEST(VersionTest, TheChartsAppVersionIsTheBinariesVersion) {
  std::ifstream chart(absl::StrCat(LOYALTY_SOURCE_DIR, "/helm/loyalty/Chart.yaml"));
  std::stringstream text;
  text << chart.rdbuf();
  EXPECT_NE(text.str().find(absl::StrCat("\nappVersion: \"", Version(), "\"\n")), std::string::npos)
      << "CMakeLists.txt project(VERSION) is " << Version() << "; Chart.yaml:\n"
      << text.str();
}

TEST(HelpTest, EveryServerListsEachOfItsFlagsWithItsDefault) {
  for (const Binary& server : Servers()) {
    const ShellResult run = RunShell(absl::StrCat(server.path, " --help"));
    EXPECT_NE(run.output.find(absl::StrCat("usage: ", server.name)), std::string::npos)
        << run.output;
    const std::set<std::string> flags = FlagsDefinedIn(server.sources);
    EXPECT_GE(flags.size(), 5u) << server.name;
    for (const std::string& flag : flags) {
      // absl prints "--name (help text); default: value;", the help text over several lines.
      const size_t at = run.output.find(absl::StrCat("    --", flag, " ("));
      ASSERT_NE(at, std::string::npos) << server.name << " --help lacks --" << flag << ":\n"
                                       << run.output;
      const size_t next = run.output.find("    --", at + 1);
      EXPECT_NE(run.output.substr(at, next - at).find("default: "), std::string::npos)
          << server.name << " --" << flag;
    }
    // absl's own flags only with --helpfull.
    EXPECT_EQ(run.output.find("--flagfile"), std::string::npos) << server.name;
    EXPECT_NE(RunShell(absl::StrCat(server.path, " --helpfull")).output.find("--flagfile"),
              std::string::npos);
  }
}

TEST(HelpTest, LoyaltyctlListsItsOptionsWithTheirDefaults) {
  const ShellResult run = RunShell(absl::StrCat(LOYALTYCTL_BINARY, " --help"));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  for (const char* line : {"--target        command and admin service (default 127.0.0.1:50051)",
                           "--query_target  query service (default 127.0.0.1:50052)",
                           "--timeout_ms    deadline of each call (default 10000)",
                           "--version       print the version and the commit"}) {
    EXPECT_NE(run.output.find(line), std::string::npos) << line << "\n" << run.output;
  }
}

}  // namespace
}  // namespace loyalty::testing
