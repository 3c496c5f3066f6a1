// The admin service through real gRPC and PostgreSQL: a program's rules, point types, tiers and
// actions.
// The fixture and the request builders: admin_test_base.h.

#include <functional>
#include <string>
#include <vector>

#include "google/protobuf/util/message_differencer.h"
#include "tests/integration/command/admin_test_base.h"
#include "tests/support/status_details.h"

namespace loyalty::testing {
namespace {

using google::protobuf::util::MessageDifferencer;

// ---- Program rules ------------------------------------------------------------------------------

TEST_F(AdminServiceTest, ProgramRulesAreValidatedFieldByField) {
  CreateOrg("acme");
  using Rules = v1::ProgramRules;
  struct Case {
    std::string field;
    std::function<void(v1::CreateProgramRequest&)> change;
  };
  const std::vector<Case> cases = {
      {"program_id", [](auto& r) { r.set_program_id("shop/1"); }},
      {"name", [](auto& r) { r.clear_name(); }},
      {"currency", [](auto& r) { r.set_currency("eur"); }},
      {"currency", [](auto& r) { r.clear_currency(); }},
      {"rules.earn_rate.points",
       [](auto& r) { r.mutable_rules()->mutable_earn_rate()->set_points(-1); }},
      {"rules.earn_rate.per_amount_minor", [](auto& r) { r.mutable_rules()->clear_earn_rate(); }},
      {"rules.redemption_ratio.points",
       [](auto& r) { r.mutable_rules()->mutable_redemption_ratio()->set_points(0); }},
      {"rules.redemption_ratio.value_minor",
       [](auto& r) { r.mutable_rules()->mutable_redemption_ratio()->set_value_minor(-1); }},
      {"rules.redemption.minimum",
       [](auto& r) { r.mutable_rules()->mutable_redemption()->set_minimum(-1); }},
      {"rules.redemption.maximum",
       [](auto& r) { r.mutable_rules()->mutable_redemption()->set_maximum(-5); }},
      {"rules.redemption.maximum",
       [](auto& r) { r.mutable_rules()->mutable_redemption()->set_maximum(9); }},  // < minimum
      {"rules.redemption.multiple_of",
       [](auto& r) { r.mutable_rules()->mutable_redemption()->set_multiple_of(-1); }},
      {"rules.overdraft.limit",
       [](auto& r) { r.mutable_rules()->mutable_overdraft()->set_limit(-1); }},
      {"rules.hold_days", [](auto& r) { r.mutable_rules()->set_hold_days(3651); }},
      {"rules.hold_days", [](auto& r) { r.mutable_rules()->set_hold_days(-1); }},
      {"rules.qualification_period.months",
       [](auto& r) {
         Rules* rules = r.mutable_rules();
         rules->mutable_qualification_period()->set_kind(
             v1::QUALIFICATION_PERIOD_KIND_ROLLING_MONTHS);
       }},
      {"rules.qualification_period.months",
       [](auto& r) {
         Rules* rules = r.mutable_rules();
         rules->mutable_qualification_period()->set_kind(
             v1::QUALIFICATION_PERIOD_KIND_ROLLING_MONTHS);
         rules->mutable_qualification_period()->set_months(121);
       }},
      {"rules.qualification_period.kind",
       [](auto& r) {
         r.mutable_rules()->mutable_qualification_period()->set_kind(
             static_cast<v1::QualificationPeriodKind>(7));
       }},
  };
  for (const Case& c : cases) {
    v1::CreateProgramRequest request = ProgramRequest("acme", "shop");
    c.change(request);
    v1::Program response;
    const grpc::Status status = Call(&Stub::CreateProgram, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_EQ(ErrorField(status), c.field) << status.error_message();
  }
  EXPECT_EQ(QueryInt("SELECT count(*) FROM programs"), 0);
}

TEST_F(AdminServiceTest, UpdateProgramRulesReplacesTheRules) {
  CreateOrg("acme");
  Must(&Stub::CreateProgram, ProgramRequest("acme", "shop"));
  v1::UpdateProgramRulesRequest request;
  request.set_idempotency_key(NewKey());
  request.set_org_id("acme");
  request.set_program_id("shop");
  v1::ProgramRules* rules = request.mutable_rules();
  rules->mutable_earn_rate()->set_points(3);
  rules->mutable_earn_rate()->set_per_amount_minor(200);
  rules->mutable_redemption_ratio()->set_points(10);
  rules->mutable_redemption_ratio()->set_value_minor(7);
  rules->set_hold_days(30);
  rules->mutable_qualification_period()->set_kind(v1::QUALIFICATION_PERIOD_KIND_ROLLING_MONTHS);
  rules->mutable_qualification_period()->set_months(18);
  const v1::Program updated = Must(&Stub::UpdateProgramRules, request);
  EXPECT_TRUE(MessageDifferencer::Equivalent(updated.rules(), request.rules()))
      << updated.rules().DebugString();

  request.set_idempotency_key(NewKey());
  request.mutable_rules()->mutable_earn_rate()->set_per_amount_minor(0);
  v1::Program response;
  grpc::Status status = Call(&Stub::UpdateProgramRules, request, &response);
  EXPECT_EQ(ErrorField(status), "rules.earn_rate.per_amount_minor");

  request.set_program_id("unknown");
  request.mutable_rules()->mutable_earn_rate()->set_per_amount_minor(1);
  status = Call(&Stub::UpdateProgramRules, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ErrorReason(status), "PROGRAM_NOT_FOUND");
}

// Two operators read the program, each edits its rules: the first update wins, the second, made
// with the etag of its now stale read, is refused with ABORTED RULES_CHANGED and changes nothing.
TEST_F(AdminServiceTest, UpdateProgramRulesWithAStaleEtagIsAbortedAndChangesNothing) {
  CreateOrg("acme");
  Must(&Stub::CreateProgram, ProgramRequest("acme", "shop"));
  v1::GetProgramRequest get;
  get.set_org_id("acme");
  get.set_program_id("shop");
  const v1::Program first_read = Must(&Stub::GetProgram, get);
  const v1::Program second_read = Must(&Stub::GetProgram, get);
  ASSERT_EQ(first_read.rules_etag().size(), 16u);
  EXPECT_EQ(second_read.rules_etag(), first_read.rules_etag());  // same rules, same tag

  auto update = [](const v1::Program& read, int32_t hold_days) {
    v1::UpdateProgramRulesRequest request;
    request.set_idempotency_key(NewKey());
    request.set_org_id("acme");
    request.set_program_id("shop");
    *request.mutable_rules() = read.rules();
    request.mutable_rules()->set_hold_days(hold_days);
    request.set_etag(read.rules_etag());
    return request;
  };
  const v1::Program first = Must(&Stub::UpdateProgramRules, update(first_read, 21));
  EXPECT_EQ(first.rules().hold_days(), 21);
  EXPECT_NE(first.rules_etag(), first_read.rules_etag());

  v1::UpdateProgramRulesRequest stale = update(second_read, 30);
  v1::Program response;
  const grpc::Status status = Call(&Stub::UpdateProgramRules, stale, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED) << status.error_message();
  EXPECT_EQ(ErrorReason(status), "RULES_CHANGED");
  const v1::Program after = Must(&Stub::GetProgram, get);
  EXPECT_EQ(after.rules().hold_days(), 21);
  EXPECT_EQ(after.rules_etag(), first.rules_etag());

  // The refusal recorded nothing: the same key goes through with the fresh tag.
  stale.set_etag(after.rules_etag());
  EXPECT_EQ(Must(&Stub::UpdateProgramRules, stale).rules().hold_days(), 30);
  // Without an etag there is no check: the last update wins, as before etags.
  v1::UpdateProgramRulesRequest unchecked = update(first_read, 7);
  unchecked.clear_etag();
  EXPECT_EQ(Must(&Stub::UpdateProgramRules, unchecked).rules().hold_days(), 7);
  // Back to the first rules (hold_days 14): back to their tag.
  EXPECT_EQ(Must(&Stub::UpdateProgramRules, update(Must(&Stub::GetProgram, get), 14)).rules_etag(),
            first_read.rules_etag());

  v1::UpdateProgramRulesRequest malformed = update(first_read, 1);
  malformed.set_etag("not-a-tag");
  EXPECT_EQ(ErrorField(Call(&Stub::UpdateProgramRules, malformed, &response)), "etag");
}

TEST_F(AdminServiceTest, PointTypesAndSubtypesSetTheProgramDefaults) {
  CreateOrg("acme");
  Must(&Stub::CreateProgram, ProgramRequest("acme", "shop"));
  v1::Program program = Must(&Stub::AddPointType, PointTypeRequest("acme", "shop", "base"));
  EXPECT_EQ(program.default_point_type(), "base");

  v1::AddPointTypeRequest status_type = PointTypeRequest("acme", "shop", "status");
  status_type.mutable_point_type()->set_redeemable(false);
  status_type.mutable_point_type()->set_counts_toward_tier(true);
  program = Must(&Stub::AddPointType, status_type);
  EXPECT_EQ(program.default_point_type(), "base");

  v1::AddPointTypeRequest bonus = PointTypeRequest("acme", "shop", "bonus");
  bonus.mutable_point_type()->set_expiry(v1::EXPIRY_KIND_FIXED_DAYS);
  bonus.mutable_point_type()->set_expiry_days(30);
  bonus.set_make_default(true);
  program = Must(&Stub::AddPointType, bonus);
  EXPECT_EQ(program.default_point_type(), "bonus");
  ASSERT_EQ(program.point_types_size(), 3);  // by code
  EXPECT_EQ(program.point_types(0).code(), "base");
  EXPECT_EQ(program.point_types(0).expiry(), v1::EXPIRY_KIND_NEVER);
  EXPECT_EQ(program.point_types(1).code(), "bonus");
  EXPECT_EQ(program.point_types(1).expiry(), v1::EXPIRY_KIND_FIXED_DAYS);
  EXPECT_EQ(program.point_types(1).expiry_days(), 30);
  EXPECT_FALSE(program.point_types(2).redeemable());
  EXPECT_TRUE(program.point_types(2).counts_toward_tier());

  v1::AddSubtypeRequest subtype;
  subtype.set_idempotency_key(NewKey());
  subtype.set_org_id("acme");
  subtype.set_program_id("shop");
  subtype.set_subtype("purchase");
  EXPECT_EQ(Must(&Stub::AddSubtype, subtype).default_subtype(), "purchase");
  subtype.set_idempotency_key(NewKey());
  subtype.set_subtype("campaign");
  program = Must(&Stub::AddSubtype, subtype);
  EXPECT_EQ(program.default_subtype(), "purchase");
  ASSERT_EQ(program.subtypes_size(), 2);
  subtype.set_idempotency_key(NewKey());
  subtype.set_subtype("welcome");
  subtype.set_make_default(true);
  EXPECT_EQ(Must(&Stub::AddSubtype, subtype).default_subtype(), "welcome");

  v1::Program response;
  subtype.set_idempotency_key(NewKey());
  grpc::Status status = Call(&Stub::AddSubtype, subtype, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ErrorReason(status), "SUBTYPE_ALREADY_EXISTS");
  status = Call(&Stub::AddPointType, PointTypeRequest("acme", "shop", "base"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ErrorReason(status), "POINT_TYPE_ALREADY_EXISTS");
}

TEST_F(AdminServiceTest, PointTypesAreValidatedFieldByField) {
  CreateOrg("acme");
  Must(&Stub::CreateProgram, ProgramRequest("acme", "shop"));
  struct Case {
    std::string field;
    std::function<void(v1::PointType&)> change;
  };
  const std::vector<Case> cases = {
      {"point_type.code", [](v1::PointType& t) { t.clear_code(); }},
      {"point_type.redeemable", [](v1::PointType& t) { t.set_redeemable(false); }},
      {"point_type.expiry_days", [](v1::PointType& t) { t.set_expiry_days(5); }},
      {"point_type.expiry_days",
       [](v1::PointType& t) { t.set_expiry(v1::EXPIRY_KIND_FIXED_DAYS); }},
      {"point_type.expiry_days",
       [](v1::PointType& t) {
         t.set_expiry(v1::EXPIRY_KIND_INACTIVITY_DAYS);
         t.set_expiry_days(36501);
       }},
      {"point_type.expiry", [](v1::PointType& t) { t.set_expiry(static_cast<v1::ExpiryKind>(9)); }},
  };
  for (const Case& c : cases) {
    v1::AddPointTypeRequest request = PointTypeRequest("acme", "shop", "base");
    c.change(*request.mutable_point_type());
    v1::Program response;
    const grpc::Status status = Call(&Stub::AddPointType, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_EQ(ErrorField(status), c.field) << status.error_message();
  }
  v1::AddSubtypeRequest subtype;
  subtype.set_idempotency_key(NewKey());
  subtype.set_org_id("acme");
  subtype.set_program_id("shop");
  v1::Program response;
  EXPECT_EQ(ErrorField(Call(&Stub::AddSubtype, subtype, &response)), "subtype");
  EXPECT_EQ(QueryInt("SELECT count(*) FROM point_types"), 0);
}

TEST_F(AdminServiceTest, TiersAreOrderedByThresholdWithUniqueCodesAndThresholds) {
  CreateOrg("acme");
  Must(&Stub::CreateProgram, ProgramRequest("acme", "shop"));
  Must(&Stub::AddTier, TierRequest("acme", "shop", "gold", 1000));
  v1::AddTierRequest silver = TierRequest("acme", "shop", "silver", 0);
  silver.mutable_tier()->set_multiplier_permille(1500);
  silver.mutable_tier()->set_overdraft_allowed(true);
  const v1::Program program = Must(&Stub::AddTier, silver);
  ASSERT_EQ(program.tiers_size(), 2);
  EXPECT_EQ(program.tiers(0).code(), "silver");
  EXPECT_EQ(program.tiers(0).multiplier_permille(), 1500);
  EXPECT_TRUE(program.tiers(0).overdraft_allowed());
  EXPECT_EQ(program.tiers(1).code(), "gold");
  EXPECT_EQ(program.tiers(1).threshold(), 1000);

  v1::Program response;
  grpc::Status status =
      Call(&Stub::AddTier, TierRequest("acme", "shop", "gold", 5000), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ErrorReason(status), "TIER_ALREADY_EXISTS");
  status = Call(&Stub::AddTier, TierRequest("acme", "shop", "platinum", 1000), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ErrorField(status), "tier.threshold");

  v1::AddTierRequest invalid = TierRequest("acme", "shop", "platinum", -1);
  EXPECT_EQ(ErrorField(Call(&Stub::AddTier, invalid, &response)), "tier.threshold");
  invalid = TierRequest("acme", "shop", "platinum", 9000);
  invalid.mutable_tier()->set_multiplier_permille(100001);
  EXPECT_EQ(ErrorField(Call(&Stub::AddTier, invalid, &response)), "tier.multiplier_permille");
  invalid.mutable_tier()->set_multiplier_permille(-1);
  EXPECT_EQ(ErrorField(Call(&Stub::AddTier, invalid, &response)), "tier.multiplier_permille");
  invalid.mutable_tier()->set_code("");
  EXPECT_EQ(ErrorField(Call(&Stub::AddTier, invalid, &response)), "tier.code");
  EXPECT_EQ(QueryInt("SELECT count(*) FROM tiers"), 2);
}

TEST_F(AdminServiceTest, ActionsNeedPositivePointsAndUniqueCodes) {
  CreateOrg("acme");
  Must(&Stub::CreateProgram, ProgramRequest("acme", "shop"));
  v1::AddActionRequest request;
  request.set_idempotency_key(NewKey());
  request.set_org_id("acme");
  request.set_program_id("shop");
  request.mutable_action()->set_code("register");
  request.mutable_action()->set_points(50);
  request.mutable_action()->set_per_member_limit(1);
  const v1::Program program = Must(&Stub::AddAction, request);
  ASSERT_EQ(program.actions_size(), 1);
  EXPECT_EQ(program.actions(0).code(), "register");
  EXPECT_EQ(program.actions(0).points(), 50);
  EXPECT_EQ(program.actions(0).per_member_limit(), 1);

  v1::Program response;
  request.set_idempotency_key(NewKey());
  grpc::Status status = Call(&Stub::AddAction, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ErrorReason(status), "ACTION_ALREADY_EXISTS");
  request.mutable_action()->set_code("feedback");
  request.mutable_action()->set_points(0);
  EXPECT_EQ(ErrorField(Call(&Stub::AddAction, request, &response)), "action.points");
  request.mutable_action()->set_points(5);
  request.mutable_action()->set_per_member_limit(-1);
  EXPECT_EQ(ErrorField(Call(&Stub::AddAction, request, &response)), "action.per_member_limit");
}

}  // namespace
}  // namespace loyalty::testing
