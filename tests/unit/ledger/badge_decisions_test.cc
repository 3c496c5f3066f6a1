// DecideBadgeAwards and DecideBonusClawbacks, table by table.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/ledger/badges.h"
#include "libs/ledger/change_set.h"
#include "libs/ledger/dates.h"
#include "tests/unit/ledger/badge_fixture.h"
#include "tests/unit/ledger/change_text.h"

namespace loyalty::ledger {
namespace {

using namespace badge_fixture;  // NOLINT(build/namespaces)

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

// --- DecideBadgeAwards ---

BadgeTrigger PurchaseTrigger(std::string order_ref = "o1") {
  BadgeTrigger trigger;
  trigger.kind = BadgeTrigger::Kind::kPurchase;
  trigger.order_ref = std::move(order_ref);
  return trigger;
}

BadgeTrigger ActionTrigger(std::string code) {
  BadgeTrigger trigger;
  trigger.kind = BadgeTrigger::Kind::kAction;
  trigger.action_code = std::move(code);
  trigger.order_ref = "o-ignored";
  return trigger;
}

BadgeTrigger TenureTrigger(absl::Time enrolled_at) {
  BadgeTrigger trigger;
  trigger.kind = BadgeTrigger::Kind::kTenure;
  trigger.enrolled_at = enrolled_at;
  trigger.order_ref = "o-ignored";
  return trigger;
}

// Facts where every badge of Program() has something to award.
BadgeFacts RichFacts() {
  BadgeFacts facts;
  facts.spend = {{0, {60000, 600}}, {30, {20000, 200}}};
  facts.actions = {{"refer", 3}, {"review", 5}};
  return facts;
}

const char kBaseLot100[] =
    "create m1 shop/base/purchase 100 available 2026-03-01T12:00:00Z expires "
    "2027-03-01T12:00:00Z order='' origin none";
const char kBaseLot500[] =
    "create m1 shop/base/purchase 500 available 2026-03-01T12:00:00Z expires "
    "2027-03-01T12:00:00Z order='' origin none";

struct AwardCase {
  std::string name;
  ProgramConfig program;
  MemberState member;
  BadgeFacts facts;
  BadgeTrigger trigger;
  std::vector<std::string> changes;
};

TEST(DecideBadgeAwardsTest, Table) {
  MemberState suspended = Member();
  suspended.status = "suspended";
  ProgramConfig inactive = Program();
  for (Badge& badge : inactive.badges) {
    if (badge.badge_id == "big-spender" || badge.badge_id == "reviewer") {
      badge.active_to = kNow;
    } else {
      badge.active_from = kNow + absl::Seconds(1);
    }
  }
  ProgramConfig bonus_type = Program();
  bonus_type.badges[0].levels[0].bonus_point_type = "bonus";
  BadgeFacts bronze_held = RichFacts();
  bronze_held.held = {HeldLevel("big-spender", "bronze"), HeldLevel("monthly", "p100")};
  BadgeFacts lifetime_only;
  lifetime_only.spend = {{0, {60000, 0}}};
  BadgeFacts bronze_only;
  bronze_only.spend = {{0, {10000, 0}}};

  const std::vector<AwardCase> cases = {
      {"a purchase awards spend badges only, in order, with their bonuses",
       Program(),
       Member(),
       RichFacts(),
       PurchaseTrigger(),
       {kBaseLot100, "entry m1 shop/base accrual 100 order='' 'badge big-spender bronze' actor=''",
        "totals m1 shop/base lifetime 100 qualifying 100", "enrolment m1 shop debt 0 active",
        "award m1 shop/big-spender v3 bronze #1 at 10000 order='o1' bonus 100 'base' lot "
        "benefit='' claw-back",
        kBaseLot500, "entry m1 shop/base accrual 500 order='' 'badge big-spender silver' actor=''",
        "totals m1 shop/base lifetime 500 qualifying 500", "enrolment m1 shop debt 0 active",
        "award m1 shop/big-spender v3 silver #2 at 50000 order='o1' bonus 500 'base' lot "
        "benefit='free-shipping' claw-back",
        "award m1 shop/monthly v1 p100 #1 at 100 order='o1' bonus 0 '' no-lot benefit='' kept"}},
      {"held levels are not awarded again",
       Program(),
       Member(),
       bronze_held,
       PurchaseTrigger(),
       {kBaseLot500, "entry m1 shop/base accrual 500 order='' 'badge big-spender silver' actor=''",
        "totals m1 shop/base lifetime 500 qualifying 500", "enrolment m1 shop debt 0 active",
        "award m1 shop/big-spender v3 silver #2 at 50000 order='o1' bonus 500 'base' lot "
        "benefit='free-shipping' claw-back"}},
      {"an action awards only the advocacy badges of its code, without the order",
       Program(),
       Member(),
       RichFacts(),
       ActionTrigger("review"),
       {"award m1 shop/reviewer v1 r1 #1 at 1 order='' bonus 0 '' no-lot benefit='' kept",
        "create m1 shop/base/purchase 50 available 2026-03-01T12:00:00Z expires "
        "2027-03-01T12:00:00Z order='' origin none",
        "entry m1 shop/base accrual 50 order='' 'badge reviewer r5' actor=''",
        "totals m1 shop/base lifetime 50 qualifying 50", "enrolment m1 shop debt 0 active",
        "award m1 shop/reviewer v1 r5 #2 at 5 order='' bonus 50 'base' lot benefit='' kept"}},
      {"the other action code",
       Program(),
       Member(),
       RichFacts(),
       ActionTrigger("refer"),
       {"award m1 shop/referrer v1 one #1 at 1 order='' bonus 0 '' no-lot benefit='' kept"}},
      {"an action no badge measures awards nothing",
       Program(),
       Member(),
       RichFacts(),
       ActionTrigger("share"),
       {}},
      {"tenure awards the whole months reached",
       Program(),
       Member(),
       RichFacts(),
       TenureTrigger(AddMonths(kNow, -13)),
       {"award m1 shop/veteran v1 y1 #1 at 12 order='' bonus 0 '' no-lot benefit='' kept"}},
      {"tenure a second short of a year awards nothing",
       Program(),
       Member(),
       RichFacts(),
       TenureTrigger(AddMonths(kNow, -12) + absl::Seconds(1)),
       {}},
      {"tenure of two years awards both levels",
       Program(),
       Member(),
       RichFacts(),
       TenureTrigger(AddMonths(kNow, -24)),
       {"award m1 shop/veteran v1 y1 #1 at 12 order='' bonus 0 '' no-lot benefit='' kept",
        "award m1 shop/veteran v1 y2 #2 at 24 order='' bonus 0 '' no-lot benefit='' kept"}},
      {"badges not active now award nothing",
       inactive,
       Member(),
       RichFacts(),
       PurchaseTrigger(),
       {}},
      {"inactive advocacy badges award nothing",
       inactive,
       Member(),
       RichFacts(),
       ActionTrigger("review"),
       {}},
      {"a suspended member gets nothing", Program(), suspended, RichFacts(), PurchaseTrigger(), {}},
      {"a missing window measures 0",
       Program(),
       Member(),
       lifetime_only,
       PurchaseTrigger(""),
       {kBaseLot100, "entry m1 shop/base accrual 100 order='' 'badge big-spender bronze' actor=''",
        "totals m1 shop/base lifetime 100 qualifying 100", "enrolment m1 shop debt 0 active",
        "award m1 shop/big-spender v3 bronze #1 at 10000 order='' bonus 100 'base' lot "
        "benefit='' claw-back",
        kBaseLot500, "entry m1 shop/base accrual 500 order='' 'badge big-spender silver' actor=''",
        "totals m1 shop/base lifetime 500 qualifying 500", "enrolment m1 shop debt 0 active",
        "award m1 shop/big-spender v3 silver #2 at 50000 order='' bonus 500 'base' lot "
        "benefit='free-shipping' claw-back"}},
      {"debt is repaid first, the rest goes to the lot",
       Program(),
       Member(/*debt=*/30),
       lifetime_only,
       PurchaseTrigger(),
       {"entry m1 shop/base overdraft_repayment 30 order='' 'badge big-spender bronze' actor=''",
        "create m1 shop/base/purchase 70 available 2026-03-01T12:00:00Z expires "
        "2027-03-01T12:00:00Z order='' origin none",
        "entry m1 shop/base accrual 70 order='' 'badge big-spender bronze' actor=''",
        "totals m1 shop/base lifetime 100 qualifying 100", "enrolment m1 shop debt -30 active",
        "award m1 shop/big-spender v3 bronze #1 at 10000 order='o1' bonus 100 'base' lot "
        "benefit='' claw-back",
        kBaseLot500, "entry m1 shop/base accrual 500 order='' 'badge big-spender silver' actor=''",
        "totals m1 shop/base lifetime 500 qualifying 500", "enrolment m1 shop debt 0 active",
        "award m1 shop/big-spender v3 silver #2 at 50000 order='o1' bonus 500 'base' lot "
        "benefit='free-shipping' claw-back"}},
      {"a bonus that all repays debt has no lot; the next level repays the rest",
       Program(),
       Member(/*debt=*/150),
       lifetime_only,
       PurchaseTrigger(),
       {"entry m1 shop/base overdraft_repayment 100 order='' 'badge big-spender bronze' actor=''",
        "totals m1 shop/base lifetime 100 qualifying 100", "enrolment m1 shop debt -100 active",
        "award m1 shop/big-spender v3 bronze #1 at 10000 order='o1' bonus 100 'base' no-lot "
        "benefit='' claw-back",
        "entry m1 shop/base overdraft_repayment 50 order='' 'badge big-spender silver' actor=''",
        "create m1 shop/base/purchase 450 available 2026-03-01T12:00:00Z expires "
        "2027-03-01T12:00:00Z order='' origin none",
        "entry m1 shop/base accrual 450 order='' 'badge big-spender silver' actor=''",
        "totals m1 shop/base lifetime 500 qualifying 500", "enrolment m1 shop debt -50 active",
        "award m1 shop/big-spender v3 silver #2 at 50000 order='o1' bonus 500 'base' lot "
        "benefit='free-shipping' claw-back"}},
      {"a bonus moves the tier up once",
       Program(),
       Member(0, /*qualifying=*/950),
       lifetime_only,
       PurchaseTrigger(),
       {kBaseLot100, "entry m1 shop/base accrual 100 order='' 'badge big-spender bronze' actor=''",
        "totals m1 shop/base lifetime 100 qualifying 100",
        "enrolment m1 shop debt 0 tier 'gold' active",
        "award m1 shop/big-spender v3 bronze #1 at 10000 order='o1' bonus 100 'base' lot "
        "benefit='' claw-back",
        kBaseLot500, "entry m1 shop/base accrual 500 order='' 'badge big-spender silver' actor=''",
        "totals m1 shop/base lifetime 500 qualifying 500", "enrolment m1 shop debt 0 active",
        "award m1 shop/big-spender v3 silver #2 at 50000 order='o1' bonus 500 'base' lot "
        "benefit='free-shipping' claw-back"}},
      {"a level's own point type",
       bonus_type,
       Member(),
       bronze_only,
       PurchaseTrigger(),
       {"create m1 shop/bonus/purchase 100 available 2026-03-01T12:00:00Z expires never "
        "order='' origin none",
        "entry m1 shop/bonus accrual 100 order='' 'badge big-spender bronze' actor=''",
        "totals m1 shop/bonus lifetime 100 qualifying 0", "enrolment m1 shop debt 0 active",
        "award m1 shop/big-spender v3 bronze #1 at 10000 order='o1' bonus 100 'bonus' lot "
        "benefit='' claw-back"}},
  };
  for (const AwardCase& c : cases) {
    SCOPED_TRACE(c.name);
    const absl::StatusOr<BadgeDecision> decision =
        DecideBadgeAwards(c.program, c.member, c.facts, c.trigger, kNow);
    ASSERT_TRUE(decision.ok()) << decision.status();
    EXPECT_THAT(Texts(decision->changes), ElementsAreArray(c.changes));
    // Every award in the change set is in `awarded`, in the same order.
    std::vector<std::string> awarded;
    for (const Change& change : decision->changes.changes) {
      if (const auto* a = std::get_if<BadgeAwarded>(&change)) {
        awarded.push_back(absl::StrCat(a->badge_id, " ", a->level_code));
      }
    }
    std::vector<std::string> listed;
    for (const BadgeAwarded& a : decision->awarded) {
      listed.push_back(absl::StrCat(a.badge_id, " ", a.level_code));
    }
    EXPECT_EQ(listed, awarded);
    EXPECT_THAT(decision->clawed_back, IsEmpty());
  }
}

TEST(DecideBadgeAwardsTest, TwoLevelsComeInOrderAndTheStateMovesOnPastEachBonus) {
  const MemberState member = Member(/*debt=*/30);
  const absl::StatusOr<BadgeDecision> decision =
      DecideBadgeAwards(Program(), member, RichFacts(), PurchaseTrigger(), kNow);
  ASSERT_TRUE(decision.ok()) << decision.status();
  ASSERT_EQ(decision->awarded.size(), 3u);
  const BadgeAwarded& bronze = decision->awarded[0];
  EXPECT_EQ(bronze.member_id, "m1");
  EXPECT_EQ(bronze.program_id, "shop");
  EXPECT_EQ(bronze.badge_id, "big-spender");
  EXPECT_EQ(bronze.badge_version, 3);
  EXPECT_EQ(bronze.level_code, "bronze");
  EXPECT_EQ(bronze.level_number, 1);
  EXPECT_EQ(bronze.threshold, 10000);
  EXPECT_EQ(bronze.order_ref, "o1");
  EXPECT_EQ(bronze.bonus_points, 100);
  EXPECT_EQ(bronze.bonus_point_type, "base");  // the default filled in
  EXPECT_TRUE(bronze.bonus_lot);
  EXPECT_TRUE(bronze.claw_back);
  const BadgeAwarded& silver = decision->awarded[1];
  EXPECT_EQ(silver.level_code, "silver");
  EXPECT_EQ(silver.level_number, 2);
  EXPECT_EQ(silver.benefit_code, "free-shipping");
  EXPECT_EQ(decision->awarded[2].badge_id, "monthly");
  EXPECT_EQ(decision->awarded[2].level_number, 1);
  EXPECT_FALSE(decision->awarded[2].claw_back);

  // The bonus lot is the LotCreation just before each award with bonus_lot.
  const std::vector<Change>& changes = decision->changes.changes;
  for (size_t i = 0; i < changes.size(); ++i) {
    const auto* award = std::get_if<BadgeAwarded>(&changes[i]);
    if (award == nullptr || !award->bonus_lot) continue;
    SCOPED_TRACE(award->level_code);
    ASSERT_GE(i, 4u);
    const auto* lot = std::get_if<LotCreation>(&changes[i - 4]);
    ASSERT_NE(lot, nullptr);
    const auto* entry = std::get_if<EntryChange>(&changes[i - 3]);
    ASSERT_NE(entry, nullptr);
    EXPECT_EQ(entry->kind, EntryKind::kAccrual);
    EXPECT_EQ(entry->description, absl::StrCat("badge big-spender ", award->level_code));
    EXPECT_EQ(lot->amount, entry->points);
  }

  const absl::StatusOr<MemberState> after = Apply(decision->changes, member, kNow);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->enrolments[0].debt, 0);
  ASSERT_EQ(after->lots.size(), 2u);
  EXPECT_EQ(after->lots[0].remaining, 70);
  EXPECT_EQ(after->lots[1].remaining, 500);
  ASSERT_EQ(after->totals.size(), 1u);
  EXPECT_EQ(after->totals[0].lifetime, 600);
}

TEST(DecideBadgeAwardsTest, AnUnknownBonusPointTypeIsInvalidArgument) {
  ProgramConfig program = Program();
  program.badges[0].levels[1].bonus_point_type = "miles";
  const absl::StatusOr<BadgeDecision> decision =
      DecideBadgeAwards(program, Member(), RichFacts(), PurchaseTrigger(), kNow);
  EXPECT_EQ(decision.status().code(), absl::StatusCode::kInvalidArgument);

  // Below the level of the unknown type, nothing asks for it.
  BadgeFacts low;
  low.spend = {{0, {10000, 0}}};
  const absl::StatusOr<BadgeDecision> bronze_only =
      DecideBadgeAwards(program, Member(), low, PurchaseTrigger(), kNow);
  ASSERT_TRUE(bronze_only.ok()) << bronze_only.status();
  ASSERT_EQ(bronze_only->awarded.size(), 1u);
  EXPECT_EQ(bronze_only->awarded[0].level_code, "bronze");
}

// --- DecideBonusClawbacks ---

HeldBadgeLevel Held(std::string level, int64_t threshold, Points bonus,
                    std::optional<int64_t> lot_id, std::string type = "base",
                    std::string badge_id = "big-spender") {
  HeldBadgeLevel held;
  held.badge_id = std::move(badge_id);
  held.level_code = std::move(level);
  held.threshold = threshold;
  held.bonus_points = bonus;
  held.bonus_point_type = std::move(type);
  held.bonus_lot_id = lot_id;
  held.claw_back = true;
  return held;
}

struct ClawbackCase {
  std::string name;
  std::vector<HeldBadgeLevel> held;
  std::vector<Lot> lots;
  int64_t before;  // lifetime spend amount
  int64_t after;
  std::vector<std::string> changes;
};

TEST(DecideBadgeBonusClawbacksTest, Table) {
  const HeldBadgeLevel bronze = Held("bronze", 10000, 100, 7);
  const HeldBadgeLevel silver = Held("silver", 50000, 500, 8);
  HeldBadgeLevel kept = bronze;
  kept.claw_back = false;
  HeldBadgeLevel done = bronze;
  done.clawed_back = true;
  HeldBadgeLevel no_bonus = bronze;
  no_bonus.bonus_points = 0;
  HeldBadgeLevel gone_badge = bronze;
  gone_badge.badge_id = "retired";
  HeldBadgeLevel advocacy = Held("r5", 5, 50, 7, "base", "reviewer");
  const std::vector<Lot> lot7 = {MakeLot(7, "base", 60, 0, 100)};
  const std::string entry_bronze =
      "entry m1 shop/base reversal -100 order='' 'badge big-spender bronze clawed back' actor=''";
  const std::string totals_bronze = "totals m1 shop/base lifetime -100 qualifying -100";
  const std::string clawed_bronze = "clawed back m1 shop/big-spender bronze";

  const std::vector<ClawbackCase> cases = {
      {"the lot's free points first, the rest becomes debt",
       {bronze},
       lot7,
       12000,
       9000,
       {"consume m1 lot 7 60", entry_bronze, totals_bronze, "enrolment m1 shop debt 40 active",
        clawed_bronze}},
      {"from exactly the threshold to just below",
       {bronze},
       lot7,
       10000,
       9999,
       {"consume m1 lot 7 60", entry_bronze, totals_bronze, "enrolment m1 shop debt 40 active",
        clawed_bronze}},
      {"the lot holds it all",
       {bronze},
       {MakeLot(7, "base", 100)},
       12000,
       0,
       {"consume m1 lot 7 100", entry_bronze, totals_bronze, "enrolment m1 shop debt 0 active",
        clawed_bronze}},
      {"points held by a reservation are not taken",
       {bronze},
       {MakeLot(7, "base", 60, /*held=*/50, 100)},
       12000,
       9000,
       {"consume m1 lot 7 10", entry_bronze, totals_bronze, "enrolment m1 shop debt 90 active",
        clawed_bronze}},
      {"the lot is gone: all debt",
       {bronze},
       {MakeLot(9, "base", 500)},
       12000,
       9000,
       {entry_bronze, totals_bronze, "enrolment m1 shop debt 100 active", clawed_bronze}},
      {"no bonus lot (the bonus repaid debt): all debt",
       {Held("bronze", 10000, 100, std::nullopt)},
       lot7,
       12000,
       9000,
       {entry_bronze, totals_bronze, "enrolment m1 shop debt 100 active", clawed_bronze}},
      {"a type not redeemable leaves no debt",
       {Held("bronze", 10000, 100, 7, "status")},
       {MakeLot(7, "status", 60, 0, 100)},
       12000,
       9000,
       {"consume m1 lot 7 60",
        "entry m1 shop/status reversal -60 order='' 'badge big-spender bronze clawed back' "
        "actor=''",
        "totals m1 shop/status lifetime -100 qualifying -100", "enrolment m1 shop debt 0 active",
        clawed_bronze}},
      {"a type not counted toward tiers lowers no qualifying points",
       {Held("bronze", 10000, 100, 7, "bonus")},
       {MakeLot(7, "bonus", 60, 0, 100)},
       12000,
       9000,
       {"consume m1 lot 7 60",
        "entry m1 shop/bonus reversal -100 order='' 'badge big-spender bronze clawed back' "
        "actor=''",
        "totals m1 shop/bonus lifetime -100 qualifying 0", "enrolment m1 shop debt 40 active",
        clawed_bronze}},
      {"two levels at once, in the order held",
       {bronze, silver},
       {MakeLot(7, "base", 60, 0, 100), MakeLot(8, "base", 500)},
       60000,
       9000,
       {"consume m1 lot 7 60", entry_bronze, totals_bronze, "enrolment m1 shop debt 40 active",
        clawed_bronze, "consume m1 lot 8 500",
        "entry m1 shop/base reversal -500 order='' 'badge big-spender silver clawed back' "
        "actor=''",
        "totals m1 shop/base lifetime -500 qualifying -500", "enrolment m1 shop debt 0 active",
        "clawed back m1 shop/big-spender silver"}},
      {"only the level whose threshold is crossed",
       {bronze, silver},
       {MakeLot(7, "base", 60, 0, 100), MakeLot(8, "base", 500)},
       60000,
       20000,
       {"consume m1 lot 8 500",
        "entry m1 shop/base reversal -500 order='' 'badge big-spender silver clawed back' "
        "actor=''",
        "totals m1 shop/base lifetime -500 qualifying -500", "enrolment m1 shop debt 0 active",
        "clawed back m1 shop/big-spender silver"}},
      {"the threshold as awarded, not the badge's current one",
       {Held("bronze", 8000, 100, 7)},
       lot7,
       12000,
       9000,
       {}},
      {"not marked claw_back", {kept}, lot7, 12000, 9000, {}},
      {"already clawed back", {done}, lot7, 12000, 9000, {}},
      {"no bonus to take", {no_bonus}, lot7, 12000, 9000, {}},
      {"the measure stays at the threshold", {bronze}, lot7, 12000, 10000, {}},
      {"the measure stays above the threshold", {bronze}, lot7, 12000, 11000, {}},
      {"already below before the return", {bronze}, lot7, 9500, 9000, {}},
      {"a badge the program no longer has", {gone_badge}, lot7, 12000, 9000, {}},
      {"not a spend badge", {advocacy}, lot7, 12000, 0, {}},
  };
  for (const ClawbackCase& c : cases) {
    SCOPED_TRACE(c.name);
    MemberState member = Member(0, /*qualifying=*/500);
    member.lots = c.lots;
    BadgeFacts before;
    before.spend = {{0, {c.before, 0}}};
    before.actions = {{"review", 9}};
    before.held = c.held;
    BadgeFacts after = before;
    after.spend = {{0, {c.after, 0}}};
    after.actions = {{"review", 0}};
    const absl::StatusOr<BadgeDecision> decision =
        DecideBonusClawbacks(Program(), member, before, after, kNow);
    ASSERT_TRUE(decision.ok()) << decision.status();
    EXPECT_THAT(Texts(decision->changes), ElementsAreArray(c.changes));
    EXPECT_THAT(decision->awarded, IsEmpty());
    std::vector<std::string> clawed;
    for (const BadgeBonusClawedBack& back : decision->clawed_back) {
      clawed.push_back(absl::StrCat("clawed back ", back.member_id, " ", back.program_id, "/",
                                    back.badge_id, " ", back.level_code));
    }
    std::vector<std::string> expected_clawed;
    for (const std::string& text : c.changes) {
      if (text.starts_with("clawed back")) expected_clawed.push_back(text);
    }
    EXPECT_EQ(clawed, expected_clawed);
  }
}

TEST(DecideBadgeBonusClawbacksTest, AReturnTakingTheMeasureBelowMovesTheTierDownAndOwesTheRest) {
  const absl::Time reached = kPeriodStart + absl::Hours(24);
  MemberState member = Member(0, /*qualifying=*/1050, "gold", reached);
  member.lots = {MakeLot(7, "base", 60, 0, 100), MakeLot(8, "base", 500)};
  BadgeFacts before;
  before.spend = {{0, {60000, 600}}, {30, {60000, 600}}};
  before.held = {Held("bronze", 10000, 100, 7), Held("silver", 50000, 500, 8)};
  // The purchase was 40 days ago: the 30-day window no longer holds it, the lifetime one does.
  const BadgeFacts after = AfterReturn(before, kNow - absl::Hours(24 * 40), kNow, 51000, 510);
  EXPECT_EQ(SpendText(after), "0:9000/90 30:60000/600");
  const absl::StatusOr<BadgeDecision> decision =
      DecideBonusClawbacks(Program(), member, before, after, kNow);
  ASSERT_TRUE(decision.ok()) << decision.status();
  // The first clawback moves the tier down; the second starts from the state after it (no tier
  // left to move).
  EXPECT_THAT(
      Texts(decision->changes),
      ElementsAre("consume m1 lot 7 60",
                  "entry m1 shop/base reversal -100 order='' 'badge big-spender bronze clawed "
                  "back' actor=''",
                  "totals m1 shop/base lifetime -100 qualifying -100",
                  "enrolment m1 shop debt 40 tier '' active",
                  "clawed back m1 shop/big-spender bronze", "consume m1 lot 8 500",
                  "entry m1 shop/base reversal -500 order='' 'badge big-spender silver clawed "
                  "back' actor=''",
                  "totals m1 shop/base lifetime -500 qualifying -500",
                  "enrolment m1 shop debt 0 active", "clawed back m1 shop/big-spender silver"));

  const absl::StatusOr<MemberState> state = Apply(decision->changes, member, kNow);
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(state->lots[0].remaining, 0);
  EXPECT_EQ(state->lots[1].remaining, 0);
  EXPECT_EQ(state->enrolments[0].debt, 40);
  EXPECT_EQ(state->enrolments[0].tier, "");
  EXPECT_EQ(state->totals[0].qualifying, 450);
}

TEST(DecideBadgeBonusClawbacksTest, AWindowBadgeIsClawedBackOnlyWhenItsWindowDrops) {
  ProgramConfig program = Program();
  Badge monthly =
      MakeBadge("monthly-amount", BadgeCriterion::kSpendAmount, {Level("m", 5000, 20, true)}, 30);
  program.badges.push_back(monthly);
  MemberState member = Member(0, 500);
  member.lots = {MakeLot(3, "base", 20)};
  BadgeFacts before;
  before.spend = {{0, {6000, 60}}, {30, {6000, 60}}};
  before.held = {Held("m", 5000, 20, 3, "base", "monthly-amount")};
  const struct {
    std::string name;
    absl::Time purchase_day;
    size_t clawed;
  } cases[] = {
      {"bought 10 days ago: the window drops", kNow - absl::Hours(24 * 10), 1},
      {"bought 30 days ago: the window no longer holds it", kNow - absl::Hours(24 * 30), 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const BadgeFacts after = AfterReturn(before, c.purchase_day, kNow, 2000, 20);
    const absl::StatusOr<BadgeDecision> decision =
        DecideBonusClawbacks(program, member, before, after, kNow);
    ASSERT_TRUE(decision.ok()) << decision.status();
    EXPECT_EQ(decision->clawed_back.size(), c.clawed);
  }
}

}  // namespace
}  // namespace loyalty::ledger
