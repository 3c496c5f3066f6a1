#include "libs/rpc/access_policy.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "libs/base/refusal.h"
#include "libs/rpc/access_control.h"
#include "loyalty/v1/command.pb.h"

namespace loyalty::rpc {
namespace {

constexpr char kPolicy[] = R"({"grants": [
  {"identity": "spiffe://shop.example/pos", "roles": ["earn_burn"], "org_ids": ["acme"]},
  {"identityPrefix": "spiffe://shop.example/", "roles": ["read"], "org_ids": ["acme", "globex"]},
  {"identity_prefix": "spiffe://shop.example/ops/", "roles": ["operator"], "all_orgs": true,
   "max_concurrent_calls": 5}
]})";

constexpr char kCommand[] = "loyalty.v1.CommandService";
constexpr char kQuery[] = "loyalty.v1.QueryService";

absl::Status Authorize(const AccessPolicy& policy, absl::string_view identity,
                       absl::string_view service, absl::string_view method,
                       std::optional<std::string> org, Role* role) {
  Allowance allowed;
  absl::Status status = policy.Authorize(identity, service, method, org, &allowed);
  *role = allowed.role;
  return status;
}

TEST(AccessPolicyTest, AnExactIdentityComesBeforeTheLongestPrefix) {
  absl::StatusOr<AccessPolicy> policy = AccessPolicy::Parse(kPolicy, /*json=*/true);
  ASSERT_TRUE(policy.ok()) << policy.status();
  Role role;
  EXPECT_TRUE(
      Authorize(*policy, "spiffe://shop.example/pos", kCommand, "Accrue", "acme", &role).ok());
  EXPECT_EQ(role, Role::kEarnBurn);
  // The exact grant has no read, though the prefix would give it.
  EXPECT_EQ(
      Authorize(*policy, "spiffe://shop.example/pos", kQuery, "GetBalances", "acme", &role).code(),
      absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(
      Authorize(*policy, "spiffe://shop.example/app", kQuery, "GetBalances", "globex", &role).ok());
  EXPECT_EQ(role, Role::kRead);
  // The longer prefix wins: operator on everything.
  EXPECT_TRUE(
      Authorize(*policy, "spiffe://shop.example/ops/ctl", kCommand, "Accrue", "any-org", &role)
          .ok());
  EXPECT_EQ(role, Role::kOperator);
  EXPECT_EQ(policy->Find("spiffe://shop.example/ops/ctl")->max_concurrent_calls, 5);
  EXPECT_EQ(policy->Find("spiffe://other.example/x"), nullptr);
}

TEST(AccessPolicyTest, RefusalsNameTheMethodOrTheOrganisation) {
  absl::StatusOr<AccessPolicy> policy = AccessPolicy::Parse(kPolicy, true);
  ASSERT_TRUE(policy.ok());
  Role role;
  const absl::Status method =
      Authorize(*policy, "spiffe://shop.example/pos", kQuery, "GetBalances", "acme", &role);
  EXPECT_EQ(ReasonOf(method), kCallerNotAllowed);
  EXPECT_TRUE(absl::StrContains(method.message(), "loyalty.v1.QueryService/GetBalances"));
  const absl::Status org =
      Authorize(*policy, "spiffe://shop.example/pos", kCommand, "Accrue", "globex", &role);
  EXPECT_EQ(org.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(absl::StrContains(org.message(), "'globex'"));
  EXPECT_FALSE(Authorize(*policy, "nobody", kCommand, "Accrue", "acme", &role).ok());
  // CreateOrganisation, and a request naming no organisation, need operator.
  EXPECT_EQ(RequiredRole("loyalty.v1.AdminService", "CreateOrganisation", true), Role::kOperator);
  EXPECT_EQ(RequiredRole("loyalty.v1.AdminService", "GetProgram", true), Role::kAdmin);
  EXPECT_EQ(RequiredRole(kCommand, "Accrue", false), Role::kOperator);
  EXPECT_EQ(RequiredRole("grpc.other.Service", "Anything", true), Role::kOperator);
}

TEST(AccessPolicyTest, TextFormatReadsTheSame) {
  absl::StatusOr<AccessPolicy> policy = AccessPolicy::Parse(
      R"pb(grants { identity: "crm" roles: "read" roles: "admin" org_ids: "acme" })pb", false);
  ASSERT_TRUE(policy.ok()) << policy.status();
  Role role;
  EXPECT_TRUE(
      Authorize(*policy, "crm", "loyalty.v1.AdminService", "GetMember", "acme", &role).ok());
}

TEST(AccessPolicyTest, APolicyThatDoesNotHoldIsRefusedNamingTheGrant) {
  for (const auto& [json, problem] : std::vector<std::pair<std::string, std::string>>{
           {R"({"grants": [{"roles": ["read"], "all_orgs": true}]})", "exactly one"},
           {R"({"grants": [{"identity": "a", "identity_prefix": "b", "roles": ["read"],
                "all_orgs": true}]})",
            "exactly one"},
           {R"({"grants": [{"identity": "a", "all_orgs": true}]})", "roles is empty"},
           {R"({"grants": [{"identity": "a", "roles": ["reader"], "all_orgs": true}]})",
            "unknown role 'reader'"},
           {R"({"grants": [{"identity": "a", "roles": ["read"]}]})", "org_ids or all_orgs"},
           {R"({"grants": [{"identity": "a", "roles": ["read"], "org_ids": ["x"],
                "all_orgs": true}]})",
            "org_ids or all_orgs"},
           {R"({"grants": [{"identity": "a", "roles": ["read"], "all_orgs": true},
                {"identity": "a", "roles": ["admin"], "all_orgs": true}]})",
            "grants[1]"},
           {R"({"grants": [{"identity": "a", "roles": ["read"], "all_orgs": true,
                "max_concurrent_calls": -1}]})",
            "max_concurrent_calls"},
           {R"({"grants": [{"identity": "a", "rolez": ["read"]}]})", "not valid JSON"},
           {"{", "not valid JSON"},
       }) {
    const absl::StatusOr<AccessPolicy> policy = AccessPolicy::Parse(json, true);
    ASSERT_FALSE(policy.ok()) << json;
    EXPECT_TRUE(absl::StrContains(policy.status().message(), problem))
        << policy.status() << " for " << json;
  }
}

// Calls admitted and released from several threads while the policy file changes under them.
TEST(AccessControlTest, AdmitsWhileThePolicyIsReloaded) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("loyalty-access-control-test-" + std::to_string(getpid()) + ".json"))
                               .string();
  const auto write = [&](const std::string& text) {
    std::ofstream(path + ".new") << text;
    std::filesystem::rename(path + ".new", path);
  };
  write(kPolicy);
  prometheus::Registry registry;
  absl::StatusOr<std::unique_ptr<AccessControl>> access =
      AccessControl::Open({path, 3, absl::Milliseconds(1)}, registry);
  ASSERT_TRUE(access.ok()) << access.status();
  std::vector<std::jthread> callers;
  for (int i = 0; i < 4; ++i) {
    callers.emplace_back([&] {
      for (int call = 0; call < 2000; ++call) {
        absl::StatusOr<AccessControl::Admission> admitted =
            (*access)->Admit("spiffe://shop.example/pos", kCommand, "Accrue", "acme");
        if (admitted.ok()) {
          EXPECT_EQ(admitted->caller(), "spiffe://shop.example/pos");
        } else {
          EXPECT_EQ(ReasonOf(admitted.status()), kCallerOverloaded);
        }
      }
    });
  }
  for (int i = 0; i < 20; ++i) {
    write(i % 2 == 0 ? "{" : kPolicy);
    absl::SleepFor(absl::Milliseconds(2));
  }
  callers.clear();
  write(kPolicy);
  // No call is left counted: the caller's limit is all free again.
  std::vector<AccessControl::Admission> held;
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<AccessControl::Admission> admitted =
        (*access)->Admit("spiffe://shop.example/pos", kCommand, "Accrue", "acme");
    ASSERT_TRUE(admitted.ok()) << admitted.status();
    held.push_back(*std::move(admitted));
  }
  EXPECT_EQ(
      ReasonOf((*access)->Admit("spiffe://shop.example/pos", kCommand, "Accrue", "acme").status()),
      kCallerOverloaded);
  EXPECT_EQ((*access)->Admit("", kCommand, "Accrue", "acme").status().code(),
            absl::StatusCode::kUnauthenticated);
  // A grant's own bound (5) comes before the service's (3).
  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<AccessControl::Admission> admitted =
        (*access)->Admit("spiffe://shop.example/ops/ctl", kCommand, "Accrue", "acme");
    ASSERT_TRUE(admitted.ok()) << i << ": " << admitted.status();
    held.push_back(*std::move(admitted));
  }
  EXPECT_EQ(
      ReasonOf(
          (*access)->Admit("spiffe://shop.example/ops/ctl", kCommand, "Accrue", "acme").status()),
      kCallerOverloaded);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace loyalty::rpc
