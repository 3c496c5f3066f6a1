#pragma once

#include <memory>
#include <string>
#include <vector>

#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "loyalty/v1/query.grpc.pb.h"
#include "services/worker/badge_jobs.h"
#include "tests/integration/command_test_base.h"

namespace loyalty::testing {

// The demo org "acme" (program "shop": 1 point per USD, tiers silver 0 and gold 1000) with the
// catalogue action "review" (10 points, no limit), and helpers to define badges and award them.
class BadgeTest : public CommandTest {
 protected:
  struct Level {
    Level(std::string code_, int64_t threshold_, int64_t bonus_ = 0, std::string benefit_ = "",
          bool claw_back_ = false)
        : code(std::move(code_)),
          threshold(threshold_),
          bonus(bonus_),
          benefit(std::move(benefit_)),
          claw_back(claw_back_) {}
    std::string code;
    int64_t threshold;
    int64_t bonus;
    std::string benefit;
    bool claw_back;
  };

  void SetUp() override {
    CommandTest::SetUp();
    v1::AddActionRequest request;
    request.set_idempotency_key(NewKey());
    request.set_org_id("acme");
    request.set_program_id("shop");
    request.mutable_action()->set_code("review");
    request.mutable_action()->set_points(10);
    v1::Program program;
    grpc::ClientContext context;
    ASSERT_TRUE(admin_->AddAction(&context, request, &program).ok());
  }

  static v1::BadgeDefinition Badge(const std::string& id, const std::vector<Level>& levels) {
    v1::BadgeDefinition badge;
    badge.set_badge_id(id);
    badge.set_name(id + " badge");
    for (const Level& level : levels) {
      v1::BadgeLevel* out = badge.add_levels();
      out->set_code(level.code);
      out->set_threshold(level.threshold);
      out->mutable_benefit()->set_bonus_points(level.bonus);
      out->mutable_benefit()->set_benefit_code(level.benefit);
      out->mutable_benefit()->set_claw_back_on_reversal(level.claw_back);
    }
    return badge;
  }
  static v1::BadgeDefinition Spend(const std::string& id, const std::vector<Level>& levels,
                                   int32_t window_days = 0,
                                   v1::SpendMeasure measure = v1::SPEND_MEASURE_AMOUNT) {
    v1::BadgeDefinition badge = Badge(id, levels);
    badge.mutable_criterion()->mutable_spend()->set_measure(measure);
    badge.mutable_criterion()->mutable_spend()->set_window_days(window_days);
    return badge;
  }
  static v1::BadgeDefinition Advocacy(const std::string& id, const std::string& action,
                                      const std::vector<Level>& levels) {
    v1::BadgeDefinition badge = Badge(id, levels);
    badge.mutable_criterion()->mutable_advocacy()->set_action_code(action);
    return badge;
  }
  static v1::BadgeDefinition Tenure(const std::string& id, const std::vector<Level>& levels) {
    v1::BadgeDefinition badge = Badge(id, levels);
    badge.mutable_criterion()->mutable_tenure();
    return badge;
  }

  grpc::Status Define(const v1::BadgeDefinition& badge, v1::BadgeDefinition* response,
                      int32_t expected_version = 0) {
    v1::DefineBadgeRequest request;
    request.set_idempotency_key(NewKey());
    request.set_org_id("acme");
    request.set_program_id("shop");
    *request.mutable_badge() = badge;
    request.set_expected_version(expected_version);
    grpc::ClientContext context;
    return admin_->DefineBadge(&context, request, response);
  }
  void MustDefine(const v1::BadgeDefinition& badge) {
    v1::BadgeDefinition response;
    const grpc::Status status = Define(badge, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  static v1::AccrueRequest Action(const std::string& member, const std::string& code) {
    v1::AccrueRequest request;
    request.set_member_id(member);
    request.mutable_action()->set_action_code(code);
    return request;
  }

  v1::AccrueResponse MustAccrue(const v1::AccrueRequest& request) {
    v1::AccrueResponse response;
    const grpc::Status status = Accrue(request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  grpc::Status Reverse(const std::string& member, const std::string& order,
                       v1::ReverseResponse* response) {
    v1::ReverseRequest request;
    request.set_org_id("acme");
    request.set_idempotency_key(NewKey());
    request.set_member_id(member);
    request.set_program_id("shop");
    request.set_order_ref(order);
    request.set_full(true);
    grpc::ClientContext context;
    const grpc::Status status = commands_->Reverse(&context, request, response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return status;
  }

  // "badge/level" of each award, in order.
  static std::vector<std::string> Awarded(
      const google::protobuf::RepeatedPtrField<v1::BadgeAward>& awards) {
    std::vector<std::string> names;
    for (const v1::BadgeAward& award : awards) {
      names.push_back(award.badge_id() + "/" + award.level_code());
    }
    return names;
  }

  int64_t HeldLevels(const std::string& member) {
    return QueryInt("SELECT count(*) FROM member_badges WHERE member_id = '" + member + "'");
  }

  // One run of the worker's tenure job.
  int64_t AwardTenure() {
    const store::Context context{&server_.pool(), &server_.clock(), pg::RetryPolicy{}};
    const absl::StatusOr<int64_t> awarded = worker::AwardTenureBadges(context, 100);
    EXPECT_TRUE(awarded.ok()) << awarded.status();
    return awarded.value_or(-1);
  }

  grpc::Status SetStatus(const std::string& member, v1::MemberStatus status) {
    v1::SetMemberStatusRequest request;
    request.set_idempotency_key(NewKey());
    request.set_org_id("acme");
    request.set_member_id(member);
    request.set_status(status);
    v1::Member response;
    grpc::ClientContext context;
    return admin_->SetMemberStatus(&context, request, &response);
  }
};

}  // namespace loyalty::testing
