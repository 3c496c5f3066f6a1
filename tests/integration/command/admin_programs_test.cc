// The admin service through real gRPC and PostgreSQL: programs (creation, activation, closing,
// the default program, listing).
// The fixture and the request builders: admin_test_base.h.

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/util/message_differencer.h"
#include "tests/integration/command/admin_test_base.h"
#include "tests/support/status_details.h"

namespace loyalty::testing {
namespace {

using google::protobuf::util::MessageDifferencer;

// ---- Programs -----------------------------------------------------------------------------------

TEST_F(AdminServiceTest, CreatesADraftProgramAndTheFirstBecomesTheDefault) {
  CreateOrg("acme");
  const v1::CreateProgramRequest request = ProgramRequest("acme", "shop");
  const v1::Program shop = Must(&Stub::CreateProgram, request);
  EXPECT_EQ(shop.org_id(), "acme");
  EXPECT_EQ(shop.program_id(), "shop");
  EXPECT_EQ(shop.name(), "shop rewards");
  EXPECT_EQ(shop.currency(), "EUR");
  EXPECT_EQ(shop.status(), v1::PROGRAM_STATUS_DRAFT);
  EXPECT_TRUE(shop.is_default());
  EXPECT_TRUE(MessageDifferencer::Equals(shop.rules(), request.rules()))
      << shop.rules().DebugString();
  EXPECT_EQ(shop.point_types_size(), 0);

  const v1::Program travel = Must(&Stub::CreateProgram, ProgramRequest("acme", "travel"));
  EXPECT_FALSE(travel.is_default());
  v1::GetOrganisationRequest get;
  get.set_org_id("acme");
  EXPECT_EQ(Must(&Stub::GetOrganisation, get).default_program_id(), "shop");

  v1::GetProgramRequest get_program;
  get_program.set_org_id("acme");
  get_program.set_program_id("shop");
  EXPECT_TRUE(MessageDifferencer::Equals(Must(&Stub::GetProgram, get_program), shop));
}

TEST_F(AdminServiceTest, CreateProgramRefusesUnknownOrgsDuplicatesAndReplaysItsKey) {
  v1::Program response;
  v1::CreateProgramRequest request = ProgramRequest("nobody", "shop");
  grpc::Status status = Call(&Stub::CreateProgram, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ErrorReason(status), "ORG_NOT_FOUND");

  CreateOrg("acme");
  request.set_org_id("acme");
  const v1::Program created = Must(&Stub::CreateProgram, request);
  EXPECT_TRUE(MessageDifferencer::Equals(Must(&Stub::CreateProgram, request), created));

  request.set_idempotency_key(NewKey());
  status = Call(&Stub::CreateProgram, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ErrorReason(status), "PROGRAM_ALREADY_EXISTS");
  EXPECT_NE(status.error_message().find("shop"), std::string::npos) << status.error_message();
  EXPECT_EQ(QueryInt("SELECT count(*) FROM programs"), 1);
}

TEST_F(AdminServiceTest, ActivationNeedsAPointTypeAndADefaultSubtype) {
  CreateOrg("acme");
  Must(&Stub::CreateProgram, ProgramRequest("acme", "shop"));
  v1::Program response;
  grpc::Status status = Call(&Stub::ActivateProgram, Lifecycle("acme", "shop"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "PROGRAM_NOT_READY");
  EXPECT_NE(status.error_message().find("a point type and a default subtype"), std::string::npos)
      << status.error_message();

  Must(&Stub::AddPointType, PointTypeRequest("acme", "shop", "base"));
  status = Call(&Stub::ActivateProgram, Lifecycle("acme", "shop"), &response);
  EXPECT_EQ(ErrorReason(status), "PROGRAM_NOT_READY");
  EXPECT_EQ(status.error_message().find("point type"), std::string::npos);
  EXPECT_NE(status.error_message().find("default subtype"), std::string::npos);

  v1::AddSubtypeRequest subtype;
  subtype.set_idempotency_key(NewKey());
  subtype.set_org_id("acme");
  subtype.set_program_id("shop");
  subtype.set_subtype("purchase");
  Must(&Stub::AddSubtype, subtype);
  EXPECT_EQ(Must(&Stub::ActivateProgram, Lifecycle("acme", "shop")).status(),
            v1::PROGRAM_STATUS_ACTIVE);
  // Activating an active program changes nothing; rules may still be added.
  EXPECT_EQ(Must(&Stub::ActivateProgram, Lifecycle("acme", "shop")).status(),
            v1::PROGRAM_STATUS_ACTIVE);
  EXPECT_EQ(Must(&Stub::AddTier, TierRequest("acme", "shop", "silver", 0)).tiers_size(), 1);
}

TEST_F(AdminServiceTest, ClosedProgramsTakeNoRulesAndCannotBeReactivated) {
  CreateOrg("acme");
  ActiveProgram("acme", "shop");
  EXPECT_EQ(Must(&Stub::CloseProgram, Lifecycle("acme", "shop")).status(),
            v1::PROGRAM_STATUS_CLOSED);
  EXPECT_EQ(Must(&Stub::CloseProgram, Lifecycle("acme", "shop")).status(),
            v1::PROGRAM_STATUS_CLOSED);

  v1::Program response;
  EXPECT_EQ(ErrorReason(Call(&Stub::ActivateProgram, Lifecycle("acme", "shop"), &response)),
            "PROGRAM_NOT_ACTIVE");
  EXPECT_EQ(ErrorReason(Call(&Stub::AddPointType, PointTypeRequest("acme", "shop", "bonus"),
                             &response)),
            "PROGRAM_NOT_ACTIVE");
  EXPECT_EQ(ErrorReason(Call(&Stub::AddTier, TierRequest("acme", "shop", "gold", 10), &response)),
            "PROGRAM_NOT_ACTIVE");
  v1::UpdateProgramRulesRequest rules;
  rules.set_idempotency_key(NewKey());
  rules.set_org_id("acme");
  rules.set_program_id("shop");
  *rules.mutable_rules() = SomeRules();
  const grpc::Status status = Call(&Stub::UpdateProgramRules, rules, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "PROGRAM_NOT_ACTIVE");

  // A draft program closes too.
  Must(&Stub::CreateProgram, ProgramRequest("acme", "draft"));
  EXPECT_EQ(Must(&Stub::CloseProgram, Lifecycle("acme", "draft")).status(),
            v1::PROGRAM_STATUS_CLOSED);
}

TEST_F(AdminServiceTest, SetDefaultProgramMovesTheDefault) {
  CreateOrg("acme");
  ActiveProgram("acme", "shop");
  ActiveProgram("acme", "travel");
  const v1::Organisation org = Must(&Stub::SetDefaultProgram, Lifecycle("acme", "travel"));
  EXPECT_EQ(org.default_program_id(), "travel");
  v1::GetProgramRequest get;
  get.set_org_id("acme");
  get.set_program_id("travel");
  EXPECT_TRUE(Must(&Stub::GetProgram, get).is_default());
  get.set_program_id("shop");
  EXPECT_FALSE(Must(&Stub::GetProgram, get).is_default());

  v1::Organisation response;
  grpc::Status status = Call(&Stub::SetDefaultProgram, Lifecycle("acme", "nope"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ErrorReason(status), "PROGRAM_NOT_FOUND");
  Must(&Stub::CloseProgram, Lifecycle("acme", "shop"));
  status = Call(&Stub::SetDefaultProgram, Lifecycle("acme", "shop"), &response);
  EXPECT_EQ(ErrorReason(status), "PROGRAM_NOT_ACTIVE");
}

TEST_F(AdminServiceTest, ConcurrentFirstProgramsMakeExactlyOneDefault) {
  CreateOrg("acme");
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([this, i] {
      v1::Program response;
      const grpc::Status status = Call(
          &Stub::CreateProgram, ProgramRequest("acme", absl::StrCat("p", i)), &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(QueryInt("SELECT count(*) FROM programs"), 6);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM orgs WHERE default_program_id IS NOT NULL"), 1);
}

TEST_F(AdminServiceTest, ListProgramsPagesThroughAllProgramsInIdOrder) {
  CreateOrg("acme");
  for (const char* id : {"p3", "p1", "P0", "p4", "p2"}) {
    Must(&Stub::CreateProgram, ProgramRequest("acme", id));
  }
  v1::ListProgramsRequest request;
  request.set_org_id("acme");
  request.set_page_size(2);
  std::vector<std::string> seen;
  for (int page = 0; page < 10; ++page) {
    const v1::ListProgramsResponse response = Must(&Stub::ListPrograms, request);
    EXPECT_LE(response.programs_size(), 2);
    for (const v1::Program& program : response.programs()) seen.push_back(program.program_id());
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"P0", "p1", "p2", "p3", "p4"}));

  request.clear_page_token();
  request.set_page_size(0);  // 50
  const v1::ListProgramsResponse all = Must(&Stub::ListPrograms, request);
  EXPECT_EQ(all.programs_size(), 5);
  EXPECT_TRUE(all.next_page_token().empty());
  EXPECT_TRUE(all.programs(3).is_default());  // p3 was created first

  v1::ListProgramsResponse response;
  request.set_page_size(101);
  EXPECT_EQ(ErrorField(Call(&Stub::ListPrograms, request, &response)), "page_size");
  request.set_page_size(-1);
  EXPECT_EQ(ErrorField(Call(&Stub::ListPrograms, request, &response)), "page_size");
  request.set_page_size(2);
  request.set_page_token("!!not a token!!");
  EXPECT_EQ(ErrorField(Call(&Stub::ListPrograms, request, &response)), "page_token");
  request.clear_page_token();
  request.set_org_id("nobody");
  EXPECT_EQ(Call(&Stub::ListPrograms, request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace loyalty::testing
