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

namespace loyalty::testing {
namespace {

struct Output {
  std::string text;  // stdout and stderr
  int exit_code = -1;
};

Output RunShell(const std::string& command) {
  Output output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return output;
  char buffer[4096];
  for (size_t read; (read = fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
    output.text.append(buffer, read);
  }
  const int status = pclose(pipe);
  if (WIFEXITED(status)) output.exit_code = WEXITSTATUS(status);
  return output;
}

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
    const Output output = RunShell(path + " --version");
    EXPECT_EQ(output.exit_code, 0) << name << ": " << output.text;
    EXPECT_EQ(output.text, VersionLine(name));
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
    const Output output = RunShell(absl::StrCat(server.path, " --help"));
    EXPECT_NE(output.text.find(absl::StrCat("usage: ", server.name)), std::string::npos)
        << output.text;
    const std::set<std::string> flags = FlagsDefinedIn(server.sources);
    EXPECT_GE(flags.size(), 5u) << server.name;
    for (const std::string& flag : flags) {
      // absl prints "--name (help text); default: value;", the help text over several lines.
      const size_t at = output.text.find(absl::StrCat("    --", flag, " ("));
      ASSERT_NE(at, std::string::npos) << server.name << " --help lacks --" << flag << ":\n"
                                       << output.text;
      const size_t next = output.text.find("    --", at + 1);
      EXPECT_NE(output.text.substr(at, next - at).find("default: "), std::string::npos)
          << server.name << " --" << flag;
    }
    // absl's own flags only with --helpfull.
    EXPECT_EQ(output.text.find("--flagfile"), std::string::npos) << server.name;
    EXPECT_NE(RunShell(absl::StrCat(server.path, " --helpfull")).text.find("--flagfile"),
              std::string::npos);
  }
}

TEST(HelpTest, LoyaltyctlListsItsOptionsWithTheirDefaults) {
  const Output output = RunShell(absl::StrCat(LOYALTYCTL_BINARY, " --help"));
  EXPECT_EQ(output.exit_code, 0) << output.text;
  for (const char* line : {"--target        command and admin service (default 127.0.0.1:50051)",
                           "--query_target  query service (default 127.0.0.1:50052)",
                           "--timeout_ms    deadline of each call (default 10000)",
                           "--version       print the version and the commit"}) {
    EXPECT_NE(output.text.find(line), std::string::npos) << line << "\n" << output.text;
  }
}

}  // namespace
}  // namespace loyalty::testing
