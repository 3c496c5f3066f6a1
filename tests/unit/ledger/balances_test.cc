#include "libs/ledger/balances.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace loyalty::ledger {
namespace {

using ::testing::ElementsAreArray;

const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);
absl::Time Day(int days) { return kNow + absl::Hours(24 * days); }

struct LotSpec {
  std::string program;
  std::string type;
  Points remaining;
  Points held = 0;
  int available_day = -30;  // relative to now
  std::optional<int> expires_day = std::nullopt;  // relative to now; nullopt: never
  bool redeemable = true;
};

std::vector<Lot> MakeLots(const std::vector<LotSpec>& specs) {
  std::vector<Lot> lots;
  int64_t id = 0;
  for (const LotSpec& spec : specs) {
    Lot lot;
    lot.lot_id = ++id;
    lot.program_id = spec.program;
    lot.point_type = spec.type;
    lot.amount = spec.remaining;
    lot.remaining = spec.remaining;
    lot.held = spec.held;
    lot.redeemable = spec.redeemable;
    lot.awarded_at = Day(-40);
    lot.available_at = Day(spec.available_day);
    if (spec.expires_day.has_value()) lot.expires_at = Day(*spec.expires_day);
    lots.push_back(lot);
  }
  return lots;
}

std::string ExpiringText(const std::optional<ExpiringSoon>& expiring) {
  if (!expiring.has_value()) return "-";
  return absl::StrCat(expiring->points, "@d", (expiring->at - kNow) / absl::Hours(24));
}

// One line per program: "program a/h/p/l/q/d expiring [type a/h/p/l/q expiring, ...]".
std::string Render(const ProgramBalance& program) {
  std::vector<std::string> types;
  for (const PointTypeBalance& type : program.point_types) {
    types.push_back(absl::StrCat(type.point_type, " ", type.available, "/", type.held, "/",
                                 type.pending, "/", type.lifetime, "/", type.qualifying, " ",
                                 ExpiringText(type.expiring)));
  }
  return absl::StrCat(program.program_id, " ", program.available, "/", program.held, "/",
                      program.pending, "/", program.lifetime, "/", program.qualifying, "/",
                      program.debt, " ", ExpiringText(program.expiring), " [",
                      absl::StrJoin(types, ", "), "]");
}

struct BalanceCase {
  std::string name;
  std::vector<LotSpec> lots;
  std::vector<PointTotals> totals;
  std::vector<ProgramDebt> debts;
  std::vector<std::string> expected;  // Render() of each program, in program order
};

std::vector<BalanceCase> BalanceCases() {
  return {
      {"nothing", {}, {}, {}, {}},
      {"one lot", {{"p1", "base", 100}}, {}, {}, {"p1 100/0/0/0/0/0 - [base 100/0/0/0/0 -]"}},
      {"held points are not available",
       {{"p1", "base", 100, 30}}, {}, {}, {"p1 70/30/0/0/0/0 - [base 70/30/0/0/0 -]"}},
      {"pending lot",
       {{"p1", "base", 100}, {"p1", "base", 40, 0, 3}}, {}, {},
       {"p1 100/0/40/0/0/0 - [base 100/0/40/0/0 -]"}},
      {"lot available exactly now is not pending",
       {{"p1", "base", 40, 0, 0}}, {}, {}, {"p1 40/0/0/0/0/0 - [base 40/0/0/0/0 -]"}},
      {"expired lot counts nowhere",
       {{"p1", "base", 100, 20, -30, -1}, {"p1", "base", 5, 0, -30, 0}}, {}, {},
       {"p1 0/0/0/0/0/0 - [base 0/0/0/0/0 -]"}},
      {"non-redeemable lot is not available but can be pending and expiring",
       {{"p1", "status", 100, 0, -30, 10, false}, {"p1", "status", 7, 0, 2, 12, false}}, {},
       {}, {"p1 0/0/7/0/0/0 100@d10 [status 0/0/7/0/0 100@d10]"}},
      {"expiring soon groups equal dates and ignores later ones",
       {{"p1", "base", 10, 0, -30, 5}, {"p1", "base", 20, 5, -30, 5},
        {"p1", "base", 40, 0, -30, 9}, {"p1", "base", 80}},
       {}, {}, {"p1 145/5/0/0/0/0 30@d5 [base 145/5/0/0/0 30@d5]"}},
      {"empty lots do not expire",
       {{"p1", "base", 0, 0, -30, 2}, {"p1", "base", 10, 0, -30, 6}}, {}, {},
       {"p1 10/0/0/0/0/0 10@d6 [base 10/0/0/0/0 10@d6]"}},
      {"program expiring is the earliest over types and adds equal dates",
       {{"p1", "bonus", 10, 0, -30, 4}, {"p1", "base", 20, 0, -30, 4},
        {"p1", "base", 30, 0, -30, 2}, {"p1", "bonus", 5, 0, -30, 2}},
       {}, {}, {"p1 65/0/0/0/0/0 35@d2 [base 50/0/0/0/0 30@d2, bonus 15/0/0/0/0 5@d2]"}},
      {"totals give lifetime and qualifying, and a row of their own",
       {{"p1", "base", 100}},
       {{"p1", "base", 250, 0}, {"p1", "status", 0, 900}},
       {}, {"p1 100/0/0/250/900/0 - [base 100/0/0/250/0 -, status 0/0/0/0/900 -]"}},
      {"debt is subtracted from the program's available",
       {{"p1", "base", 100}}, {}, {{"p1", 30}},
       {"p1 70/0/0/0/0/30 - [base 100/0/0/0/0 -]"}},
      {"debt larger than the points makes available negative",
       {{"p1", "base", 10}}, {}, {{"p1", 30}}, {"p1 -20/0/0/0/0/30 - [base 10/0/0/0/0 -]"}},
      {"a program with only debt",
       {}, {}, {{"p9", 15}}, {"p9 -15/0/0/0/0/15 - []"}},
      {"programs sorted by id, types sorted by name",
       {{"p2", "bonus", 5}, {"p1", "zeta", 1}, {"p2", "base", 6}, {"p1", "alpha", 2}},
       {{"p3", "base", 9, 9}}, {},
       {"p1 3/0/0/0/0/0 - [alpha 2/0/0/0/0 -, zeta 1/0/0/0/0 -]",
        "p2 11/0/0/0/0/0 - [base 6/0/0/0/0 -, bonus 5/0/0/0/0 -]",
        "p3 0/0/0/9/9/0 - [base 0/0/0/9/9 -]"}},
  };
}

TEST(ComputeBalancesTest, Table) {
  for (const BalanceCase& test_case : BalanceCases()) {
    SCOPED_TRACE(test_case.name);
    const std::vector<Lot> lots = MakeLots(test_case.lots);
    std::vector<std::string> rendered;
    for (const ProgramBalance& program :
         ComputeBalances(lots, test_case.totals, test_case.debts, kNow)) {
      rendered.push_back(Render(program));
    }
    EXPECT_THAT(rendered, ElementsAreArray(test_case.expected));
  }
}

TEST(ComputeBalancesTest, ExpiringSoonKeepsTheExactInstant) {
  const std::vector<Lot> lots = MakeLots({{"p1", "base", 10, 0, -30, 5}});
  const std::vector<ProgramBalance> balances = ComputeBalances(lots, {}, {}, kNow);
  ASSERT_EQ(balances.size(), 1u);
  ASSERT_TRUE(balances[0].expiring.has_value());
  EXPECT_EQ(balances[0].expiring->at, Day(5));
}

struct GroupCase {
  std::string name;
  std::vector<Points> available;
  Points group;
};

TEST(GroupAvailableTest, Table) {
  const std::vector<GroupCase> cases = {
      {"no programs", {}, 0},
      {"one program", {120}, 120},
      {"sums programs", {120, 30, 0}, 150},
      {"a program in debt reduces the group", {120, -20}, 100},
  };
  for (const GroupCase& test_case : cases) {
    SCOPED_TRACE(test_case.name);
    std::vector<ProgramBalance> programs;
    for (Points available : test_case.available) {
      ProgramBalance program;
      program.available = available;
      programs.push_back(program);
    }
    EXPECT_EQ(GroupAvailable(programs), test_case.group);
  }
}

TEST(GroupAvailableTest, FromComputedBalances) {
  const std::vector<Lot> lots =
      MakeLots({{"p1", "base", 100, 10}, {"p2", "base", 50}, {"p2", "base", 30, 0, 5}});
  const std::vector<ProgramDebt> debts = {{"p2", 20}};
  EXPECT_EQ(GroupAvailable(ComputeBalances(lots, {}, debts, kNow)), 90 + 30);
}

}  // namespace
}  // namespace loyalty::ledger
