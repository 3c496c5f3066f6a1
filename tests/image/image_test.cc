// The container image, tested for real. The fixture tests/image/image_rootfs.sh builds it from
// this build tree's binaries and unpacks its root filesystem; here its binaries run under
// chroot as the image's configured user, as a container runtime would run them: loyalty-command
// migrates (the SQL is compiled in) and serves, loyalty-query and loyalty-worker serve, each
// reports readiness on its health listener, and the image's loyaltyctl sets up a program,
// accrues through the command service and reads the balance through the query service. The
// image holds no compiler and its user is not root.

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/pg/connection.h"
#include "tests/support/health_check.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/service_process.h"

namespace loyalty::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::ContainsRegex;

const std::string kImageDir = LOYALTY_IMAGE_DIR;
const std::string kRootfs = kImageDir + "/rootfs";

// A file the fixture wrote beside the root filesystem, without its final newline.
std::string FixtureFile(const std::string& name) {
  std::ifstream file(kImageDir + "/" + name);
  std::stringstream text;
  text << file.rdbuf();
  return std::string(absl::StripSuffix(text.str(), "\n"));
}

// The image's configured user, "UID:GID".
std::string ImageUser() { return FixtureFile("user"); }

// The argv prefix that runs `binary` of the image as its user: chroot, then the binary.
std::vector<std::string> InImage(const std::string& binary) {
  return {"--userspec=" + ImageUser(), kRootfs, "/usr/local/bin/" + binary};
}

std::string Loopback(int port) { return absl::StrCat("127.0.0.1:", port); }

struct Output {
  int exit_code = -1;
  std::string text;  // stdout and stderr
};

// Runs `command_line` (a program of the image and its arguments, as shell words) in the image as
// its user, to its end.
Output RunInImage(const std::string& command_line) {
  const std::string command =
      absl::StrCat("chroot --userspec=", ImageUser(), " ", kRootfs, " ", command_line, " 2>&1");
  Output output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return output;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.text.append(buffer, n);
  const int status = pclose(pipe);
  output.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return output;
}

TEST(ImageTest, RunsAsANumericNonRootUserOfTheImage) {
  const std::vector<std::string> ids = absl::StrSplit(ImageUser(), ':');
  ASSERT_EQ(ids.size(), 2u) << "the user is not UID:GID (Kubernetes' runAsNonRoot needs numbers): "
                            << ImageUser();
  int uid = 0;
  int gid = 0;
  ASSERT_TRUE(absl::SimpleAtoi(ids[0], &uid)) << ImageUser();
  ASSERT_TRUE(absl::SimpleAtoi(ids[1], &gid)) << ImageUser();
  EXPECT_NE(uid, 0);
  EXPECT_NE(gid, 0);
  // The image's passwd names it (a name in logs and `ps`, and no root group).
  std::ifstream passwd(kRootfs + "/etc/passwd");
  std::string line;
  bool named = false;
  while (std::getline(passwd, line)) {
    named |= absl::StrContains(line, absl::StrCat(":x:", uid, ":", gid, ":"));
  }
  EXPECT_TRUE(named) << "no user " << uid << " in the image's /etc/passwd";
  // And the binaries run as it: `id` inside the image.
  const Output id = RunInImage("/usr/bin/id -u");
  EXPECT_EQ(id.exit_code, 0) << id.text;
  EXPECT_EQ(id.text, absl::StrCat(uid, "\n"));
}

TEST(ImageTest, HoldsTheFourBinariesAndNoCompiler) {
  for (const char* binary : {"loyalty-command", "loyalty-query", "loyalty-worker", "loyaltyctl"}) {
    EXPECT_EQ(access((kRootfs + "/usr/local/bin/" + binary).c_str(), X_OK), 0) << binary;
  }
  // Every directory of the image's PATH, and the usual ones whatever PATH says.
  std::set<std::string> dirs = {"/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"};
  const std::string path = FixtureFile("path");
  ASSERT_FALSE(path.empty()) << "the image sets no PATH";
  for (const absl::string_view dir : absl::StrSplit(path, ':')) dirs.emplace(dir);
  const std::regex compiler(
      "((x86_64-linux-gnu-)?(cc|c\\+\\+|gcc|g\\+\\+|cpp|clang|clang\\+\\+|ld|as|ld\\.bfd|ld\\.gold)"
      "(-[0-9.]+)?)|cc1|cc1plus");
  std::vector<std::string> found;
  int scanned = 0;
  for (const std::string& dir : dirs) {
    std::error_code error;
    for (const fs::directory_entry& entry : fs::directory_iterator(kRootfs + dir, error)) {
      ++scanned;
      const std::string name = entry.path().filename();
      if (std::regex_match(name, compiler)) found.push_back(dir + "/" + name);
    }
  }
  // The compilers proper, wherever a gcc would keep them.
  std::error_code error;
  for (auto it = fs::recursive_directory_iterator(kRootfs + "/usr/lib", error);
       it != fs::recursive_directory_iterator(); it.increment(error)) {
    const std::string name = it->path().filename();
    if (name == "cc1" || name == "cc1plus") found.push_back(it->path());
  }
  EXPECT_GT(scanned, 100) << "the scan saw too little of the image";
  EXPECT_TRUE(found.empty()) << "compilers in the image: " << absl::StrJoin(found, ", ");
}

class ImageServicesTest : public ::testing::Test {
 protected:
  // `binary` of the image serving with a health listener on `health_port` (and plaintext gRPC
  // on `grpc_port` unless it is 0), over url_.
  std::unique_ptr<ServiceProcess> Serve(const std::string& binary, int health_port, int grpc_port) {
    std::vector<std::string> args = InImage(binary);
    if (grpc_port != 0) {
      args.insert(args.end(), {"serve", "--listen=" + Loopback(grpc_port), "--insecure_plaintext"});
    }
    args.insert(args.end(), {"--database_url=" + url_,
                             "--metrics_listen=", "--health_listen=" + Loopback(health_port)});
    auto process = std::make_unique<ServiceProcess>(
        "/usr/sbin/chroot", args, grpc_port != 0 ? grpc_port : health_port,
        absl::StrCat(::testing::TempDir(), "/image-", binary, "-", health_port, ".log"));
    EXPECT_TRUE(process->Start(absl::Seconds(60))) << binary << "\n" << process->LogTail();
    return process;
  }

  // The image's loyaltyctl against the command and query services; expects exit status 0.
  std::string Ctl(const std::string& arguments) {
    const Output output = RunInImage(absl::StrCat(
        "/usr/local/bin/loyaltyctl --target=", Loopback(command_port_),
        " --query_target=", Loopback(query_port_), " --insecure_plaintext ", arguments));
    EXPECT_EQ(output.exit_code, 0) << arguments << "\n" << output.text;
    return output.text;
  }

  const std::string url_ = SharedPgCluster().CreateDatabase();
  const int command_port_ = FreeLoopbackPort();
  const int query_port_ = FreeLoopbackPort();
};

TEST_F(ImageServicesTest, MigratesServesAndAnswersAnAccrualWithItsBalance) {
  const Output migrated =
      RunInImage("/usr/local/bin/loyalty-command migrate --database_url=" + url_);
  ASSERT_EQ(migrated.exit_code, 0) << migrated.text;
  auto sql = pg::Connection::Open(url_);
  ASSERT_TRUE(sql.ok()) << sql.status();
  auto versions = (*sql)->ExecuteText("SELECT count(*) FROM schema_migrations");
  ASSERT_TRUE(versions.ok()) << versions.status();
  EXPECT_GT(std::stoi(std::string(versions->Text(0, 0))), 0);

  const int command_health = FreeLoopbackPort();
  const int query_health = FreeLoopbackPort();
  const int worker_health = FreeLoopbackPort();
  auto command = Serve("loyalty-command", command_health, command_port_);
  auto query = Serve("loyalty-query", query_health, query_port_);
  auto worker = Serve("loyalty-worker", worker_health, 0);
  for (const int port : {command_health, query_health, worker_health}) {
    EXPECT_EQ(AwaitHealth(port, "liveness", "SERVING"), "SERVING") << port;
    EXPECT_EQ(AwaitHealth(port, "readiness", "SERVING"), "SERVING") << port;
  }

  Ctl("org create --org=acme --name=Acme --key=org-1");
  Ctl("program create --org=acme --program=shop --name=Shop --currency=USD --earn_points=1 "
      "--earn_per_minor=100 --minimum=10 --key=prog-1");
  Ctl("point-type add --org=acme --program=shop --code=base --redeemable --key=pt-1");
  Ctl("subtype add --org=acme --program=shop --subtype=purchase --key=st-1");
  Ctl("program activate --org=acme --program=shop --key=act-1");
  Ctl("member create --org=acme --member=ann --key=mem-1");
  const std::string accrued =
      Ctl("--json points accrue --org=acme --member=ann --order=o-1 "
          "--amount=12500 --currency=USD --key=acc-1");
  std::smatch position;
  ASSERT_TRUE(std::regex_search(accrued, position, std::regex("\"ledgerPosition\":\"([0-9]+)\"")))
      << accrued;
  // Through the query service, once its views reach the accrual (it waits, bounded).
  const std::string balances =
      Ctl("balances --org=acme --member=ann --min_position=" + position[1].str());
  EXPECT_THAT(balances, ContainsRegex("\nshop +125 "));

  for (ServiceProcess* process : {command.get(), query.get(), worker.get()}) {
    const int status = process->Stop(absl::Seconds(30));
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << DescribeWaitStatus(status) << "\n"
                                                               << process->LogTail();
  }
}

}  // namespace
}  // namespace loyalty::testing
