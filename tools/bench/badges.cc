#include "tools/bench/badges.h"

#include <initializer_list>

#include "absl/strings/str_cat.h"
#include "libs/base/status_macros.h"
#include "tools/bench/requests.h"

namespace loyalty::bench {
namespace {

struct Level {
  const char* code;
  int64_t threshold;
  int64_t bonus_points = 0;
  const char* bonus_point_type = "";  // empty: the program's default
  const char* benefit_code = "";
};

v1::BadgeDefinition Badge(const char* id, const char* name, std::initializer_list<Level> levels) {
  v1::BadgeDefinition badge;
  badge.set_badge_id(id);
  badge.set_name(name);
  for (const Level& level : levels) {
    v1::BadgeLevel* out = badge.add_levels();
    out->set_code(level.code);
    out->set_name(absl::StrCat(name, " ", level.code));
    out->set_threshold(level.threshold);
    out->mutable_benefit()->set_bonus_points(level.bonus_points);
    out->mutable_benefit()->set_bonus_point_type(level.bonus_point_type);
    out->mutable_benefit()->set_benefit_code(level.benefit_code);
  }
  return badge;
}

v1::BadgeDefinition Spend(const char* id, const char* name, v1::SpendMeasure measure,
                          int32_t window_days, std::initializer_list<Level> levels) {
  v1::BadgeDefinition badge = Badge(id, name, levels);
  badge.mutable_criterion()->mutable_spend()->set_measure(measure);
  badge.mutable_criterion()->mutable_spend()->set_window_days(window_days);
  return badge;
}

v1::BadgeDefinition Advocacy(const char* id, const char* name, const char* action_code,
                             std::initializer_list<Level> levels) {
  v1::BadgeDefinition badge = Badge(id, name, levels);
  badge.mutable_criterion()->mutable_advocacy()->set_action_code(action_code);
  return badge;
}

v1::BadgeDefinition Tenure(const char* id, const char* name, std::initializer_list<Level> levels) {
  v1::BadgeDefinition badge = Badge(id, name, levels);
  badge.mutable_criterion()->mutable_tenure();
  return badge;
}

}  // namespace

std::vector<v1::BadgeDefinition> BenchBadges() {
  constexpr auto kAmount = v1::SPEND_MEASURE_AMOUNT;
  constexpr auto kPoints = v1::SPEND_MEASURE_POINTS;
  return {
      Spend("shopper", "Shopper", kAmount, 0,
            {{"bronze", 100'000},
             {"silver", 250'000, 50},
             {"gold", 400'000, 100, "bonus"},
             {"platinum", 700'000, 250, "bonus", "FREE_DELIVERY"},
             {"diamond", 1'500'000, 1'000, "", "PERSONAL_SHOPPER"}}),
      Spend("collector", "Points collector", kPoints, 0,
            {{"starter", 1'000},
             {"keen", 3'000},
             {"avid", 5'000, 0, "", "EARLY_ACCESS"},
             {"master", 9'000, 500}}),
      Spend("weekly", "Busy week", kAmount, 7,
            {{"w1", 150'000, 10, "bonus"},
             {"w2", 230'000, 20, "bonus"},
             {"w3", 260'000, 30, "bonus"},
             {"w4", 300'000, 50, "bonus", "WEEK_STAR"}}),
      Spend("monthly", "Monthly regular", kAmount, 30,
            {{"m1", 150'000},
             {"m2", 300'000, 25},
             {"m3", 450'000, 50},
             {"m4", 600'000, 100},
             {"m5", 900'000, 200, "", "VIP_MONTH"}}),
      Spend(
          "quarter", "Quarter points", kPoints, 90,
          {{"q1", 2'000, 100, "bonus"}, {"q2", 4'000, 200, "bonus"}, {"q3", 6'000, 300, "bonus"}}),
      Spend("annual", "Annual spender", kAmount, 365,
            {{"a1", 200'000},
             {"a2", 350'000, 75},
             {"a3", 500'000, 150},
             {"a4", 800'000, 400, "", "ANNUAL_GIFT"}}),
      Advocacy("referrer", "Referrer", "referral",
               {{"first", 1, 100},
                {"three", 3, 300},
                {"ten", 10, 1'000, "", "AMBASSADOR"},
                {"twentyfive", 25, 2'500}}),
      Advocacy("reviewer", "Reviewer", "review",
               {{"first", 1}, {"five", 5, 50}, {"twenty", 20, 200, "", "TOP_REVIEWER"}}),
      Tenure("loyal", "Loyal member",
             {{"one-year", 12, 500},
              {"two-years", 24, 1'000},
              {"five-years", 60, 2'500, "", "GOLD_CARD"}}),
      Tenure("newcomer", "Newcomer", {{"month", 1}, {"quarter", 3, 50}, {"half-year", 6, 100}}),
  };
}

absl::Status DefineBenchBadges(v1::AdminService::Stub& admin, const std::string& org_id,
                               const std::string& key_prefix, const demo::CallOptions& options) {
  int step = 0;
  for (const BadgeAction& action : kBadgeActions) {
    v1::AddActionRequest request;
    request.set_idempotency_key(absl::StrCat(key_prefix, "-", step++));
    request.set_org_id(org_id);
    request.set_program_id(kShopProgram);
    request.mutable_action()->set_code(action.code);
    request.mutable_action()->set_points(action.points);
    v1::Program response;
    LOYALTY_RETURN_IF_ERROR(demo::RunCall("AddAction", options, [&](grpc::ClientContext* c) {
      return admin.AddAction(c, request, &response);
    }));
  }
  for (const v1::BadgeDefinition& badge : BenchBadges()) {
    v1::DefineBadgeRequest request;
    request.set_idempotency_key(absl::StrCat(key_prefix, "-", step++));
    request.set_org_id(org_id);
    request.set_program_id(kShopProgram);
    *request.mutable_badge() = badge;
    v1::BadgeDefinition response;
    LOYALTY_RETURN_IF_ERROR(demo::RunCall(
        absl::StrCat("DefineBadge ", badge.badge_id()), options,
        [&](grpc::ClientContext* c) { return admin.DefineBadge(c, request, &response); }));
  }
  return absl::OkStatus();
}

}  // namespace loyalty::bench
