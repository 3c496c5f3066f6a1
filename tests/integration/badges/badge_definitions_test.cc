// AdminService.DefineBadge / GetBadge: the rules of a definition and its versions.
#include "tests/integration/badges/badge_test_base.h"

namespace loyalty::testing {
namespace {

using BadgeDefinitionTest = BadgeTest;

TEST_F(BadgeDefinitionTest, DefinesVersionsAndReadsBack) {
  v1::BadgeDefinition defined;
  ASSERT_TRUE(
      Define(Spend("spender", {{"bronze", 10000, 100, "CINEMA_2_FOR_1"}}, 30), &defined).ok());
  EXPECT_EQ(defined.version(), 1);
  EXPECT_EQ(defined.program_id(), "shop");
  EXPECT_EQ(defined.criterion().spend().window_days(), 30);
  EXPECT_EQ(defined.levels(0).benefit().benefit_code(), "CINEMA_2_FOR_1");
  EXPECT_TRUE(defined.has_active_from());

  v1::BadgeDefinition changed;
  ASSERT_TRUE(
      Define(Spend("spender", {{"bronze", 10000}, {"silver", 50000}}, 30), &changed, 1).ok());
  EXPECT_EQ(changed.version(), 2);
  ASSERT_EQ(changed.levels_size(), 2);

  v1::GetBadgeRequest get;
  get.set_org_id("acme");
  get.set_program_id("shop");
  get.set_badge_id("spender");
  v1::BadgeDefinition read;
  grpc::ClientContext context;
  ASSERT_TRUE(admin_->GetBadge(&context, get, &read).ok());
  EXPECT_EQ(read.version(), 2);
  EXPECT_EQ(read.levels(1).code(), "silver");

  // A change based on version 1 lost the race: nothing changes.
  v1::BadgeDefinition stale;
  const grpc::Status aborted = Define(Spend("spender", {{"gold", 1}}, 30), &stale, 1);
  EXPECT_EQ(aborted.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(ErrorReason(aborted), "BADGE_CHANGED");
  EXPECT_EQ(QueryInt("SELECT version FROM badges WHERE badge_id = 'spender'"), 2);

  // The criterion stays what it was.
  const grpc::Status criterion = Define(Spend("spender", {{"bronze", 1}}, 7), &stale);
  EXPECT_EQ(criterion.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(criterion), "BADGE_CRITERION_CHANGED");
  const grpc::Status kind = Define(Tenure("spender", {{"one", 1}}), &stale);
  EXPECT_EQ(ErrorReason(kind), "BADGE_CRITERION_CHANGED");
}

TEST_F(BadgeDefinitionTest, RefusesBadDefinitionsNamingTheField) {
  const struct {
    v1::BadgeDefinition badge;
    std::string field;
  } cases[] = {
      {Spend("s", {{"a", 10}, {"b", 10}}), "badge.levels[1].threshold"},
      {Spend("s", {{"a", 0}}), "badge.levels[0].threshold"},
      {Spend("s", {{"a", 1}, {"a", 2}}), "badge.levels[1].code"},
      {Spend("s", {}), "badge.levels"},
      {Spend("s", {{"a", 1}}, 367), "badge.criterion.spend.window_days"},
      {Spend("s", {{"a", 1}}, 0, v1::SPEND_MEASURE_UNSPECIFIED), "badge.criterion.spend.measure"},
      {Badge("s", {{"a", 1}}), "badge.criterion"},
      {Advocacy("s", "tweet", {{"a", 1}}), "badge.criterion.advocacy.action_code"},
      {Tenure("s", {{"a", 1, 10, "", true}}), "badge.levels[0].benefit.claw_back_on_reversal"},
      {Tenure("s", {{"a", 1201}}), "badge.levels[0].threshold"},
      {Spend("s", {{"a", 1, 1'000'000'001}}), "badge.levels[0].benefit.bonus_points"},
      {Spend("", {{"a", 1}}), "badge.badge_id"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.field);
    v1::BadgeDefinition response;
    const grpc::Status status = Define(c.badge, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_EQ(ErrorField(status), c.field) << status.error_message();
  }
  v1::BadgeDefinition unknown_type = Spend("s", {{"a", 1, 10}});
  unknown_type.mutable_levels(0)->mutable_benefit()->set_bonus_point_type("gems");
  v1::BadgeDefinition response;
  EXPECT_EQ(ErrorField(Define(unknown_type, &response)),
            "badge.levels[0].benefit.bonus_point_type");
  v1::BadgeDefinition backwards = Spend("s", {{"a", 1}});
  backwards.mutable_active_from()->set_seconds(2'000'000'000);
  backwards.mutable_active_to()->set_seconds(1'900'000'000);
  EXPECT_EQ(ErrorField(Define(backwards, &response)), "badge.active_to");
  EXPECT_EQ(QueryInt("SELECT count(*) FROM badges"), 0);
}

}  // namespace
}  // namespace loyalty::testing
