#pragma once

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "loyalty/v1/admin.grpc.pb.h"

// The demo organisation, created through the public AdminService: the one org the integration
// and end-to-end tests (tests/support/demo_org.h) and loyalty-bench's data set
// (tools/bench/prepare.h) are built on.
namespace loyalty::demo {

inline constexpr char kShopProgram[] = "shop";
inline constexpr char kTravelProgram[] = "travel";

// How the set-up calls are sent.
struct CallOptions {
  std::function<std::string()> next_key;              // the idempotency key of each call, in order
  absl::Duration timeout = absl::InfiniteDuration();  // each call's deadline
  // A call refused ALREADY_EXISTS (made by an earlier run under other keys) counts as done.
  bool already_exists_is_done = false;
};

// Runs one call with `options`' deadline: OK when it succeeded (or ALREADY_EXISTS counts as
// done); else INTERNAL "<what>: <message> (code <code>)".
absl::Status RunCall(absl::string_view what, const CallOptions& options,
                     const std::function<grpc::Status(grpc::ClientContext*)>& call);

// Creates org `org_id` named `name`, then, each call keyed by `options.next_key` in this order:
//  - program "shop" (USD; 1 point per 100 cents; 1 point = 1 cent; overdraft allowed up to 500;
//    calendar-year qualification), point types "base" (redeemable, counts toward tier), "status"
//    (qualifying only), "bonus" (redeemable, fixed 30 days), subtypes "purchase" and "campaign",
//    tiers silver 0 x1.0 and gold 1000 x1.5 with overdraft, action "register" (50 points, once
//    per member); activated;
//  - program "travel" (USD; 2 points per 100 cents; 2 points = 1 cent; min 10, multiple of 5),
//    point type "miles" (redeemable, fixed 365 days), subtype "flight"; activated.
// Stops at the first call that fails and returns its error.
absl::Status CreateDemoOrg(v1::AdminService::Stub& admin, const std::string& org_id,
                           const std::string& name, const CallOptions& options);

// Creates member `member_id` of the demo org `org_id`, enrolled in both programs, with
// idempotency key `key`.
absl::Status CreateDemoMember(v1::AdminService::Stub& admin, const std::string& org_id,
                              const std::string& member_id, const std::string& key,
                              const CallOptions& options);

}  // namespace loyalty::demo
