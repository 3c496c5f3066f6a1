// The member's badges and the definitions through the QueryService, from the projector's views.
#include "services/query/rebuild.h"
#include "tests/integration/badges/badge_test_base.h"
#include "tests/support/query_server.h"

namespace loyalty::testing {
namespace {

class BadgeViewTest : public BadgeTest {
 protected:
  static std::unique_ptr<grpc::ClientContext> Deadline() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return context;
  }

  v1::GetMemberBadgesResponse MemberBadges(v1::QueryService::Stub& queries,
                                           const std::string& member, int64_t position) {
    v1::GetMemberBadgesRequest request;
    request.set_org_id("acme");
    request.set_member_id(member);
    request.set_min_position(position);
    v1::GetMemberBadgesResponse response;
    const grpc::Status status = queries.GetMemberBadges(Deadline().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  static const v1::MemberBadge* Find(const v1::GetMemberBadgesResponse& response,
                                     const std::string& badge_id) {
    for (const v1::MemberBadge& badge : response.badges()) {
      if (badge.badge_id() == badge_id) return &badge;
    }
    return nullptr;
  }
};

TEST_F(BadgeViewTest, MembersSeeLevelsBenefitsAndProgress) {
  QueryServer query(server_.database_url(), &server_.clock(), /*project=*/true);
  auto queries = v1::QueryService::NewStub(query.Channel());
  MustDefine(Spend("spender", {{"bronze", 10000, 100, "CINEMA_2_FOR_1", true}, {"silver", 50000}}));
  MustDefine(Spend("weekly", {{"w", 20000}}, 7));
  MustDefine(Advocacy("critic", "review", {{"first", 1}, {"third", 3}}));
  MustDefine(Tenure("loyal", {{"month", 1}, {"year", 12}}));

  MustAccrue(Purchase("alice", "o-1", 12000));
  server_.clock().Advance(absl::Hours(24 * 8));  // o-1 leaves the 7-day window
  MustAccrue(Purchase("alice", "o-2", 3000));
  const v1::AccrueResponse last = MustAccrue(Action("alice", "review"));
  const v1::GetMemberBadgesResponse badges =
      MemberBadges(*queries, "alice", last.ledger_position());
  EXPECT_GE(badges.ledger_position(), last.ledger_position());
  EXPECT_EQ(badges.program_id(), "shop");
  ASSERT_EQ(badges.badges_size(), 4);

  const v1::MemberBadge* spender = Find(badges, "spender");
  ASSERT_NE(spender, nullptr);
  ASSERT_EQ(spender->levels_size(), 1);
  EXPECT_EQ(spender->levels(0).level_code(), "bronze");
  EXPECT_EQ(spender->levels(0).benefit_code(), "CINEMA_2_FOR_1");
  EXPECT_EQ(spender->levels(0).order_ref(), "o-1");
  EXPECT_EQ(spender->current(), 15000);
  EXPECT_EQ(spender->next_level(), "silver");
  EXPECT_EQ(spender->to_next_level(), 35000);
  EXPECT_TRUE(spender->active());

  const v1::MemberBadge* weekly = Find(badges, "weekly");
  ASSERT_NE(weekly, nullptr);
  EXPECT_EQ(weekly->current(), 3000);  // only o-2 in the last 7 days
  EXPECT_EQ(weekly->to_next_level(), 17000);

  const v1::MemberBadge* critic = Find(badges, "critic");
  ASSERT_NE(critic, nullptr);
  EXPECT_EQ(critic->levels_size(), 1);
  EXPECT_EQ(critic->current(), 1);
  EXPECT_EQ(critic->next_level(), "third");

  const v1::MemberBadge* loyal = Find(badges, "loyal");
  ASSERT_NE(loyal, nullptr);
  EXPECT_EQ(loyal->current(), 0);  // 8 days enrolled
  EXPECT_EQ(loyal->next_threshold(), 1);

  // A return lowers the progress and shows the clawback; the level stays.
  v1::ReverseResponse reversed;
  ASSERT_TRUE(Reverse("alice", "o-1", &reversed).ok());
  const v1::GetMemberBadgesResponse after =
      MemberBadges(*queries, "alice", reversed.ledger_position());
  spender = Find(after, "spender");
  ASSERT_NE(spender, nullptr);
  EXPECT_EQ(spender->current(), 3000);
  ASSERT_EQ(spender->levels_size(), 1);
  EXPECT_TRUE(spender->levels(0).has_bonus_clawed_back_at());

  v1::ListBadgesRequest list;
  list.set_org_id("acme");
  v1::ListBadgesResponse definitions;
  ASSERT_TRUE(queries->ListBadges(Deadline().get(), list, &definitions).ok());
  ASSERT_EQ(definitions.badges_size(), 4);
  EXPECT_EQ(definitions.badges(0).badge_id(), "critic");  // by id

  const absl::StatusOr<query::RebuildReport> rebuild =
      query::RebuildAndCompare(server_.database_url());
  ASSERT_TRUE(rebuild.ok()) << rebuild.status();
  EXPECT_EQ(rebuild->differences, 0) << (rebuild->samples.empty() ? "" : rebuild->samples[0]);
}

TEST_F(BadgeViewTest, AMemberNotEnrolledIsRefused) {
  QueryServer query(server_.database_url(), &server_.clock(), /*project=*/true);
  auto queries = v1::QueryService::NewStub(query.Channel());
  v1::GetMemberBadgesRequest request;
  request.set_org_id("acme");
  request.set_member_id("alice");
  request.set_program_id("nowhere");
  v1::GetMemberBadgesResponse response;
  EXPECT_EQ(queries->GetMemberBadges(Deadline().get(), request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
  request.set_program_id("bad id!");
  EXPECT_EQ(ErrorField(queries->GetMemberBadges(Deadline().get(), request, &response)),
            "program_id");
}

}  // namespace
}  // namespace loyalty::testing
