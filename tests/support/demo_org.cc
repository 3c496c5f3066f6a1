#include "tests/support/demo_org.h"

#include <atomic>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tools/demo_org/demo_org.h"

namespace loyalty::testing {

std::string NewKey() {
  static std::atomic<int64_t> counter{0};
  return absl::StrCat("test-key-", counter.fetch_add(1));
}

void CreateDemoOrg(v1::AdminService::Stub& admin, const std::string& org_id,
                   const std::vector<std::string>& members) {
  const demo::CallOptions options{.next_key = &NewKey};
  const absl::Status created =
      demo::CreateDemoOrg(admin, org_id, absl::StrCat(org_id, " group"), options);
  ASSERT_TRUE(created.ok()) << created;
  for (const std::string& member_id : members) {
    const absl::Status enrolled =
        demo::CreateDemoMember(admin, org_id, member_id, NewKey(), options);
    ASSERT_TRUE(enrolled.ok()) << enrolled;
  }
}

}  // namespace loyalty::testing
