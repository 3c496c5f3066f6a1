#include "tests/support/test_pki.h"

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/base/check.h"

namespace loyalty::testing {

TestPki::TestPki() {
  std::string pattern = (std::filesystem::temp_directory_path() / "loyalty-pki-XXXXXX").string();
  LOYALTY_CHECK(mkdtemp(pattern.data()) != nullptr);
  dir_ = pattern;
  Run("ca '" + dir_ + "'");
  Run("issue '" + dir_ + "' server --cn=localhost --dns=localhost --ip=127.0.0.1");
}

TestPki::~TestPki() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void TestPki::Run(const std::string& arguments) const {
  const std::string command =
      absl::StrCat("bash ", LOYALTY_SOURCE_DIR, "/scripts/pki.sh ", arguments);
  const int status = std::system(command.c_str());
  if (status != 0) ADD_FAILURE() << command << " exited with " << status;
  LOYALTY_CHECK(status == 0);
}

rpc::ServerTls TestPki::Server() const {
  return {Path("server.crt"), Path("server.key"), Path("ca.crt")};
}

rpc::ClientTls TestPki::Issue(const std::string& name, const std::string& options) const {
  Run(absl::StrCat("issue '", dir_, "' '", name, "' ", options));
  rpc::ClientTls tls = Anonymous();
  tls.cert = Path(name + ".crt");
  tls.key = Path(name + ".key");
  return tls;
}

void TestPki::MakeCa(const std::string& name) const { Run(absl::StrCat("ca '", dir_, "' ", name)); }

rpc::ClientTls TestPki::Anonymous() const {
  rpc::ClientTls tls;
  tls.ca = Path("ca.crt");
  return tls;
}

}  // namespace loyalty::testing
