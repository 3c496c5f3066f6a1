// The admin service through real gRPC and PostgreSQL: organisations, and every call counted
// by method and code.
// The fixture and the request builders: admin_test_base.h.

#include <functional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "google/protobuf/util/message_differencer.h"
#include "tests/integration/command/admin_test_base.h"
#include "tests/support/metric_value.h"
#include "tests/support/status_details.h"

namespace loyalty::testing {
namespace {

using google::protobuf::util::MessageDifferencer;

// ---- Organisations ------------------------------------------------------------------------------

TEST_F(AdminServiceTest, CreatesAndReadsAnOrganisation) {
  const v1::Organisation created = CreateOrg("acme");
  EXPECT_EQ(created.org_id(), "acme");
  EXPECT_EQ(created.name(), "acme group");
  EXPECT_EQ(created.default_program_id(), "");
  EXPECT_EQ(created.created_at().seconds(), Seconds(Utc(2026, 3, 1)));

  v1::GetOrganisationRequest get;
  get.set_org_id("acme");
  EXPECT_TRUE(MessageDifferencer::Equals(Must(&Stub::GetOrganisation, get), created));

  get.set_org_id("nobody");
  v1::Organisation missing;
  const grpc::Status status = Call(&Stub::GetOrganisation, get, &missing);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ErrorReason(status), "ORG_NOT_FOUND");
}

TEST_F(AdminServiceTest, CreateOrganisationReplaysTheSameKeyAndRefusesItsReuse) {
  v1::CreateOrganisationRequest request;
  request.set_idempotency_key("org-key");
  request.set_org_id("acme");
  request.set_name("Acme");
  const v1::Organisation first = Must(&Stub::CreateOrganisation, request);
  server_.clock().Advance(absl::Hours(1));
  const v1::Organisation replay = Must(&Stub::CreateOrganisation, request);
  EXPECT_TRUE(MessageDifferencer::Equals(first, replay));

  request.set_name("Acme Corporation");  // same key, different request
  v1::Organisation response;
  grpc::Status status = Call(&Stub::CreateOrganisation, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ErrorReason(status), "IDEMPOTENCY_KEY_REUSED");

  request.set_idempotency_key("another-key");  // the org id is taken
  status = Call(&Stub::CreateOrganisation, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ErrorReason(status), "ORG_ALREADY_EXISTS");
  EXPECT_EQ(QueryInt("SELECT count(*) FROM orgs"), 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM idempotency_keys"), 1);
}

TEST_F(AdminServiceTest, CreateOrganisationNamesTheInvalidField) {
  struct Case {
    std::string field;
    std::function<void(v1::CreateOrganisationRequest&)> change;
  };
  const std::vector<Case> cases = {
      {"idempotency_key", [](auto& r) { r.clear_idempotency_key(); }},
      {"idempotency_key", [](auto& r) { r.set_idempotency_key(std::string(129, 'k')); }},
      {"org_id", [](auto& r) { r.clear_org_id(); }},
      {"org_id", [](auto& r) { r.set_org_id("has space"); }},
      {"org_id", [](auto& r) { r.set_org_id(std::string(65, 'o')); }},
      {"name", [](auto& r) { r.clear_name(); }},
      {"name", [](auto& r) { r.set_name("tab\there"); }},
      {"name", [](auto& r) { r.set_name(std::string(257, 'n')); }},
  };
  for (const Case& c : cases) {
    v1::CreateOrganisationRequest request;
    request.set_idempotency_key(NewKey());
    request.set_org_id("acme");
    request.set_name("Acme");
    c.change(request);
    v1::Organisation response;
    const grpc::Status status = Call(&Stub::CreateOrganisation, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_EQ(ErrorField(status), c.field);
    EXPECT_EQ(ErrorReason(status), "INVALID_FIELD");
  }
  EXPECT_EQ(QueryInt("SELECT count(*) FROM orgs"), 0);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM idempotency_keys"), 0);
}

// ---- Metrics ------------------------------------------------------------------------------------

TEST_F(AdminServiceTest, EveryCallIsCountedByMethodAndCode) {
  CreateOrg("acme");
  v1::GetOrganisationRequest get;
  get.set_org_id("nobody");
  v1::Organisation response;
  Call(&Stub::GetOrganisation, get, &response);
  auto count = [&](const std::string& method, const std::string& code) {
    return MetricValue(server_.registry(), "grpc_server_handled_total",
                       {{"grpc_service", "loyalty.v1.AdminService"},
                        {"grpc_method", method},
                        {"grpc_code", code}});
  };
  EXPECT_EQ(count("CreateOrganisation", "OK"), 1.0);
  EXPECT_EQ(count("GetOrganisation", "NotFound"), 1.0);
}

}  // namespace
}  // namespace loyalty::testing
