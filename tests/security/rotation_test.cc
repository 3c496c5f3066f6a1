// Certificates and the access policy change while calls run: no call fails because of a swap,
// the new certificate is served, a new client CA is trusted and the new policy applies without
// a restart; a policy that does not load leaves the last good one in force.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "loyalty/v1/admin.grpc.pb.h"
#include "loyalty/v1/command.grpc.pb.h"
#include "tests/security/access_env.h"

namespace loyalty::testing {
namespace {

// Calls made over and over by a few threads until destroyed, each failure kept.
class CallLoop final {
 public:
  explicit CallLoop(std::function<grpc::Status()> call, int threads = 3) {
    for (int i = 0; i < threads; ++i) {
      threads_.emplace_back([this, call](std::stop_token stop) {
        while (!stop.stop_requested()) {
          const grpc::Status status = call();
          absl::MutexLock lock(&mutex_);
          ++calls_;
          if (!status.ok()) failures_.push_back(status.error_message());
        }
      });
    }
  }
  // Stops the threads; the calls made and the failures seen.
  std::pair<int, std::vector<std::string>> Stop() {
    threads_.clear();
    absl::MutexLock lock(&mutex_);
    return {calls_, failures_};
  }

 private:
  absl::Mutex mutex_;
  int calls_ = 0;
  std::vector<std::string> failures_;
  std::vector<std::jthread> threads_;
};

// Waits (at most 20 s) for `done`, re-checked every 50 ms; how long it took.
absl::Duration Await(const std::function<bool()>& done, const std::string& what) {
  const absl::Time start = absl::Now();
  while (!done()) {
    if (absl::Now() - start > absl::Seconds(20)) {
      ADD_FAILURE() << "not within 20 s: " << what;
      break;
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  const absl::Duration took = absl::Now() - start;
  std::printf("%s after %s\n", what.c_str(), absl::FormatDuration(took).c_str());
  return took;
}

std::string ReadFile(const std::string& path) {
  std::ostringstream text;
  text << std::ifstream(path).rdbuf();
  return text.str();
}

grpc::Status GetMember(const std::shared_ptr<grpc::Channel>& channel, std::string* served_cert) {
  v1::GetMemberRequest request;
  request.set_org_id(kOrg);
  request.set_member_id("ann");
  v1::Member member;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  const grpc::Status status =
      v1::AdminService::NewStub(channel)->GetMember(&context, request, &member);
  if (served_cert != nullptr && context.auth_context() != nullptr) {
    for (const grpc::string_ref& pem : context.auth_context()->FindPropertyValues(
             GRPC_X509_PEM_CERT_PROPERTY_NAME)) {
      served_cert->assign(pem.data(), pem.size());
    }
  }
  return status;
}

grpc::Status IsRedeemable(AccessEnv& env, const rpc::ClientTls& caller) {
  v1::IsRedeemableRequest request;
  request.set_org_id(kOrg);
  request.set_member_id("ann");
  request.set_points(1);
  v1::IsRedeemableResponse response;
  grpc::ClientContext context;
  return v1::CommandService::NewStub(env.command().Channel(caller))
      ->IsRedeemable(&context, request, &response);
}

TEST(RotationTest, ANewServerCertificateAndClientCaApplyWithoutAFailedCall) {
  AccessEnv env;
  auto long_lived = env.command().Channel(env.admin);
  CallLoop calls([&] {
    // Half the calls on a channel kept open, half on a new one (a handshake each).
    static std::atomic<int> turn{0};
    return GetMember(turn++ % 2 == 0 ? long_lived : env.command().Channel(env.admin), nullptr);
  });

  env.pki().Issue("server-2", "--cn=localhost --dns=localhost --ip=127.0.0.1");
  env.pki().MakeCa("ca-2");
  const rpc::ClientTls newcomer =
      env.pki().Issue("newcomer", "--ca=ca-2 --dns=admin.test.loyalty");
  EXPECT_EQ(GetMember(env.command().Channel(newcomer), nullptr).error_code(),
            grpc::StatusCode::UNAVAILABLE)
      << "a client of a CA the server does not trust yet";

  env.InstallServerFiles("server-2", {"ca", "ca-2"});
  const std::string new_cert = ReadFile(env.pki().Path("server-2.crt"));
  Await(
      [&] {
        std::string served;
        return GetMember(env.command().Channel(env.admin), &served).ok() && served == new_cert;
      },
      "the new server certificate served");
  Await([&] { return GetMember(env.command().Channel(newcomer), nullptr).ok(); },
        "a client certificate of the new CA accepted");

  const auto [made, failures] = calls.Stop();
  EXPECT_GT(made, 0);
  EXPECT_TRUE(failures.empty()) << failures.size() << " of " << made
                                << " calls failed during the swap, e.g. " << failures.front();
}

TEST(RotationTest, ANewPolicyAppliesWithoutAFailedCallAndABrokenOneKeepsTheLastGood) {
  AccessEnv env;
  CallLoop calls([&] { return GetMember(env.command().Channel(env.admin), nullptr); });
  ASSERT_EQ(IsRedeemable(env, env.reader).error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // crm-reader gains earn_burn.
  env.WritePolicy(absl::StrReplaceAll(
      DefaultPolicyJson(), {{R"("crm-reader", "roles": ["read"])",
                             R"("crm-reader", "roles": ["read", "earn_burn"])"}}));
  Await([&] { return IsRedeemable(env, env.reader).ok(); }, "the new policy applied");
  EXPECT_EQ(MetricValue(env.command_registry(), "loyalty_access_policy_reloads_total", "result",
                        "loaded"),
            1);

  env.WritePolicy(R"({"grants": [{"identity": "x", "roles": ["no-such-role"]}]})");
  Await(
      [&] {
        return MetricValue(env.command_registry(), "loyalty_access_policy_valid") == 0 &&
               MetricValue(env.query_registry(), "loyalty_access_policy_valid") == 0;
      },
      "the broken policy reported");
  EXPECT_EQ(MetricValue(env.command_registry(), "loyalty_access_policy_reloads_total", "result",
                        "failed"),
            1);
  EXPECT_TRUE(IsRedeemable(env, env.reader).ok()) << "the last good policy is kept";

  env.WritePolicy(DefaultPolicyJson());
  Await([&] { return !IsRedeemable(env, env.reader).ok(); }, "the default policy back");
  EXPECT_EQ(MetricValue(env.command_registry(), "loyalty_access_policy_valid"), 1);

  const auto [made, failures] = calls.Stop();
  EXPECT_GT(made, 0);
  EXPECT_TRUE(failures.empty()) << failures.size() << " of " << made
                                << " calls failed during the swaps, e.g. " << failures.front();
}

}  // namespace
}  // namespace loyalty::testing
