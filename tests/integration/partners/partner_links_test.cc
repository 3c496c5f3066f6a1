// Partners (AdminService), links (CommandService) and what crosses the boundary.
#include "tests/integration/partners/partner_test_base.h"

namespace loyalty::testing {
namespace {

using PartnerAdminTest = PartnerTest;
using PartnerLinkTest = PartnerTest;

TEST_F(PartnerAdminTest, CreatesReadsListsAndSuspendsPartners) {
  EXPECT_EQ(partner_.status(), v1::PARTNER_STATUS_ACTIVE);
  EXPECT_EQ(partner_.local_points(), 100);
  EXPECT_EQ(partner_.voucher_value().minor_units(), 500);
  v1::Partner second;
  ASSERT_TRUE(CreatePartner("airnorth", &second).ok());
  v1::Partner again;
  EXPECT_EQ(CreatePartner("jetair", &again).error_code(), grpc::StatusCode::ALREADY_EXISTS);

  v1::ListPartnersRequest list;
  list.set_org_id("acme");
  list.set_page_size(1);
  v1::ListPartnersResponse page;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(admin_->ListPartners(&context, list, &page).ok());
  }
  ASSERT_EQ(page.partners_size(), 1);
  EXPECT_EQ(page.partners(0).partner_code(), "airnorth");
  ASSERT_FALSE(page.next_page_token().empty());
  list.set_page_token(page.next_page_token());
  {
    grpc::ClientContext context;
    ASSERT_TRUE(admin_->ListPartners(&context, list, &page).ok());
  }
  ASSERT_EQ(page.partners_size(), 1);
  EXPECT_EQ(page.partners(0).partner_code(), "jetair");
  EXPECT_TRUE(page.next_page_token().empty());

  v1::SetPartnerStatusRequest suspend;
  suspend.set_idempotency_key(NewKey());
  suspend.set_org_id("acme");
  suspend.set_partner_code("jetair");
  suspend.set_status(v1::PARTNER_STATUS_SUSPENDED);
  v1::Partner suspended;
  grpc::ClientContext context;
  ASSERT_TRUE(admin_->SetPartnerStatus(&context, suspend, &suspended).ok());
  EXPECT_EQ(suspended.status(), v1::PARTNER_STATUS_SUSPENDED);
  v1::LinkPartnerAccountResponse link;
  const grpc::Status refused = Link("alice", "FF-1", "Smith", &link);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(refused), "PARTNER_NOT_ACTIVE");
}

TEST_F(PartnerAdminTest, RefusesBadTermsNamingTheField) {
  v1::CreatePartnerRequest request;
  request.set_idempotency_key(NewKey());
  request.set_org_id("acme");
  *request.mutable_partner() = partner_;
  request.mutable_partner()->set_partner_code("other");
  request.mutable_partner()->set_local_points(0);
  v1::Partner response;
  {
    grpc::ClientContext context;
    const grpc::Status status = admin_->CreatePartner(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(DetailOf<google::rpc::BadRequest>(status).field_violations(0).field(),
              "partner.local_points");
  }
  request.mutable_partner()->set_local_points(100);
  request.mutable_partner()->set_point_type("nope");
  grpc::ClientContext context;
  EXPECT_EQ(admin_->CreatePartner(&context, request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM partners"), 1);
}

TEST_F(PartnerLinkTest, LinksOnlyWhatThePartnerVerifies) {
  v1::LinkPartnerAccountResponse link;
  grpc::Status status = Link("alice", "FF-9", "Smith", &link);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "PARTNER_REFUSED_ACCOUNT");
  status = Link("alice", "FF-1", "Smyth", &link);
  EXPECT_EQ(ErrorReason(status), "PARTNER_REFUSED_ACCOUNT");
  EXPECT_EQ(QueryInt("SELECT count(*) FROM partner_links"), 0);

  ASSERT_TRUE(Link("alice", "FF-1", "Smith", &link).ok());
  EXPECT_EQ(link.link().state(), v1::PARTNER_LINK_STATE_ACTIVE);
  EXPECT_EQ(link.link().external_number(), "FF-1");
  EXPECT_GT(link.ledger_position(), 0);
  // The same account again answers the link as it is, without asking the partner.
  const int verifications = airline_.calls("VerifyAccount");
  v1::LinkPartnerAccountResponse again;
  ASSERT_TRUE(Link("alice", "FF-1", "Smith", &again).ok());
  EXPECT_EQ(again.link().link_id(), link.link().link_id());
  EXPECT_EQ(airline_.calls("VerifyAccount"), verifications);

  status = Link("alice", "FF-2", "Jones", &again);
  EXPECT_EQ(ErrorReason(status), "ALREADY_LINKED");
  status = Link("bob", "FF-1", "Smith", &again);
  EXPECT_EQ(ErrorReason(status), "ACCOUNT_LINKED_ELSEWHERE");
  EXPECT_EQ(QueryInt("SELECT count(*) FROM partner_links"), 1);

  // Unlinked, the account may be linked by another member.
  ASSERT_TRUE(Unlink("alice").ok());
  EXPECT_EQ(ErrorReason(Unlink("alice")), "NOT_LINKED");
  ASSERT_TRUE(Link("bob", "FF-1", "Smith", &again).ok());
  EXPECT_NE(again.link().link_id(), link.link().link_id());
}

TEST_F(PartnerLinkTest, APartnerThatDoesNotAnswerIsUnavailableAndLinksNothing) {
  airline_.SetMode(PartnerSimulator::Mode::kFail);
  v1::LinkPartnerAccountResponse link;
  grpc::Status status = Link("alice", "FF-1", "Smith", &link);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(ErrorReason(status), "PARTNER_UNAVAILABLE");
  airline_.SetMode(PartnerSimulator::Mode::kStall);
  status = Link("alice", "FF-1", "Smith", &link);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM partner_links"), 0);
}

TEST_F(PartnerLinkTest, TheIdentityIsPassedToThePartnerAndKeptNowhere) {
  v1::LinkPartnerAccountResponse link;
  ASSERT_TRUE(Link("alice", "FF-1", "Smith", &link).ok());
  // Not in any row of the links, the outbox or the idempotency records' responses.
  EXPECT_EQ(QueryInt("SELECT count(*) FROM partner_links WHERE row_to_json(partner_links)::text"
                     " LIKE '%Smith%'"),
            0);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM outbox WHERE position('Smith'::bytea IN event) > 0"), 0);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM idempotency_keys"
                     " WHERE position('Smith'::bytea IN coalesce(response, ''::bytea)) > 0"),
            0);
}

}  // namespace
}  // namespace loyalty::testing
