// The bound on one caller's calls in flight, and the metrics of access control: by role and
// reason, never by member or organisation.

#include <chrono>
#include <future>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "libs/rpc/access_control.h"
#include "loyalty/v1/query.grpc.pb.h"
#include "tests/security/access_env.h"
#include "tests/support/status_details.h"

namespace loyalty::testing {
namespace {

constexpr int kLimit = 2;  // --max_calls_per_caller

// GetBalances of ann by `caller`, waiting for `min_position` (0: none).
grpc::Status GetBalances(AccessEnv& env, const rpc::ClientTls& caller, int64_t min_position) {
  v1::GetBalancesRequest request;
  request.set_org_id(kOrg);
  request.set_member_id("ann");
  request.set_min_position(min_position);
  v1::GetBalancesResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return v1::QueryService::NewStub(env.query().Channel(caller))
      ->GetBalances(&context, request, &response);
}

class CallerLimitTest : public ::testing::Test {
 protected:
  AccessEnv env_{kLimit};
};

TEST_F(CallerLimitTest, ACallerPastItsLimitIsRefusedAndOthersAreServed) {
  // Two calls of crm-reader that wait for a position the views never reach: its limit.
  constexpr int64_t kNever = int64_t{1} << 40;
  std::future<grpc::Status> waiting[kLimit];
  for (auto& call : waiting) {
    call = std::async(std::launch::async, [&] { return GetBalances(env_, env_.reader, kNever); });
  }
  ASSERT_TRUE(env_.query().watch().AwaitWaiters(kLimit, absl::Seconds(20)));
  EXPECT_EQ(MetricValue(env_.query_registry(), "loyalty_caller_calls_in_flight", "role", "read"),
            kLimit);

  const grpc::Status refused = GetBalances(env_, env_.reader, 0);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(ErrorReason(refused), rpc::kCallerOverloaded);
  EXPECT_TRUE(absl::StrContains(refused.error_message(), "crm-reader"))
      << refused.error_message();
  EXPECT_EQ(MetricValue(env_.query_registry(), "loyalty_caller_refusals_total", "reason",
                        rpc::kCallerOverloaded),
            1);

  // Another caller of the same role is served meanwhile.
  const grpc::Status other = GetBalances(env_, env_.app, 0);
  EXPECT_TRUE(other.ok()) << other.error_message();

  // Once the waiting calls end (the views are not there yet), crm-reader may call again.
  for (auto& call : waiting) EXPECT_EQ(call.get().error_code(), grpc::StatusCode::UNAVAILABLE);
  const grpc::Status again = GetBalances(env_, env_.reader, 0);
  EXPECT_TRUE(again.ok()) << again.error_message();
  EXPECT_EQ(MetricValue(env_.query_registry(), "loyalty_caller_calls_in_flight", "role", "read"),
            0);
}

// The metrics label calls by role, refusals by reason: no label carries an organisation, a
// member or a caller identity, whatever was called.
TEST_F(CallerLimitTest, MetricsNameNoOrganisationMemberOrIdentity) {
  EXPECT_TRUE(GetBalances(env_, env_.reader, 0).ok());
  EXPECT_FALSE(GetBalances(env_, env_.shop, 0).ok());
  EXPECT_FALSE(GetBalances(env_, env_.anonymous, 0).ok());
  EXPECT_GT(MetricValue(env_.query_registry(), "loyalty_caller_calls_total", "role", "read"), 0);
  EXPECT_EQ(MetricValue(env_.query_registry(), "loyalty_caller_refusals_total", "reason",
                        rpc::kCallerNotAllowed),
            1);
  for (prometheus::Registry* registry :
       {&env_.command_registry(), &env_.query_registry(), &env_.command().registry(),
        &env_.query().registry()}) {
    for (const prometheus::MetricFamily& family : registry->Collect()) {
      for (const prometheus::ClientMetric& metric : family.metric) {
        for (const prometheus::ClientMetric::Label& label : metric.label) {
          for (const char* secret : {kOrg, kOtherOrg, "ann", "ben", "crm-reader", "spiffe:",
                                     "admin.test.loyalty"}) {
            EXPECT_FALSE(absl::StrContains(label.value, secret))
                << family.name << "{" << label.name << "=" << label.value << "}";
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace loyalty::testing
