// The read plan (libs/store/read_plan.h): one list of reads, declared for the first round trip
// and loaded in its order, with the values in that order and the first failure.
#include "libs/store/read_plan.h"

#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"
#include "libs/pg/transaction.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/round_trip_observer.h"

namespace loyalty::store {
namespace {

constexpr pg::Statement kEcho = {"test_plan_echo", "SELECT $1::bigint"};
constexpr pg::Statement kWords = {"test_plan_words",
                                  "SELECT w FROM unnest(string_to_array($1, ' ')) AS w"};
constexpr pg::Statement kFail = {"test_plan_fail", "SELECT 1 / $1::int"};

int64_t EchoOf(const pg::Result& row) { return row.Int64(0, 0); }

std::vector<std::string> WordsOf(const pg::Result& rows) {
  std::vector<std::string> words;
  for (int i = 0; i < rows.Rows(); ++i) words.emplace_back(rows.Text(i, 0));
  return words;
}

StatementRead<int64_t> Echo(int64_t value) { return {&kEcho, pg::Params().Add(value), &EchoOf}; }

StatementRead<std::vector<std::string>> Words(const std::string& text) {
  return {&kWords, pg::Params().Add(text), &WordsOf};
}

// A read that counts its loads, to show that the reads after a failure are not made.
struct CountedRead {
  using Value = int64_t;
  int* loads;
  void Declare(pg::Transaction& tx) const { Echo(7).Declare(tx); }
  absl::StatusOr<int64_t> Load(pg::Transaction& tx) const {
    ++*loads;
    return Echo(7).Load(tx);
  }
};

class ReadPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_ = std::make_unique<pg::Pool>(
        pg::PoolOptions{.url = loyalty::testing::SharedPgCluster().CreateDatabase(), .size = 1},
        &observer_);
  }

  absl::Status Run(const std::function<absl::Status(pg::Transaction&)>& body) {
    observer_.Take();
    return pg::RunInTransaction(*pool_, pg::Isolation::kReadCommitted,
                                pg::RetryPolicy{.max_attempts = 1}, body);
  }

  loyalty::testing::RoundTripObserver observer_;
  std::unique_ptr<pg::Pool> pool_;
};

TEST_F(ReadPlanTest, DeclaredPlanLoadsItsValuesInOrderInOneRoundTrip) {
  const auto plan = [] { return std::tuple(Echo(41), Words("earn and burn"), Echo(-3)); };
  std::tuple<int64_t, std::vector<std::string>, int64_t> values;
  const absl::Status status = Run([&](pg::Transaction& tx) -> absl::Status {
    Declare(tx, plan());
    tx.PrefetchCommit();
    absl::StatusOr<std::tuple<int64_t, std::vector<std::string>, int64_t>> loaded =
        Load(tx, plan());
    if (!loaded.ok()) return loaded.status();
    values = *std::move(loaded);
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(std::get<0>(values), 41);
  EXPECT_EQ(std::get<1>(values), (std::vector<std::string>{"earn", "and", "burn"}));
  EXPECT_EQ(std::get<2>(values), -3);
  // BEGIN, the three reads and COMMIT together.
  EXPECT_EQ(observer_.Take(), 1);
}

TEST_F(ReadPlanTest, UndeclaredPlanLoadsTheSameValuesOneRoundTripEach) {
  int64_t first = 0;
  std::vector<std::string> words;
  const absl::Status status = Run([&](pg::Transaction& tx) -> absl::Status {
    absl::StatusOr<std::tuple<int64_t, std::vector<std::string>>> loaded =
        Load(tx, std::tuple(Echo(5), Words("tier")));
    if (!loaded.ok()) return loaded.status();
    std::tie(first, words) = *std::move(loaded);
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(first, 5);
  EXPECT_EQ(words, std::vector<std::string>{"tier"});
  EXPECT_EQ(observer_.Take(), 3);  // each read, then COMMIT
}

TEST_F(ReadPlanTest, LoadStopsAtTheFirstFailedReadAndReturnsItsStatus) {
  int loads = 0;
  const absl::Status status = Run([&](pg::Transaction& tx) -> absl::Status {
    const auto plan = std::tuple(
        Echo(1), StatementRead<int64_t>{&kFail, pg::Params().Add(0), &EchoOf}, CountedRead{&loads});
    Declare(tx, plan);
    return Load(tx, plan).status();
  });
  EXPECT_FALSE(status.ok());  // division by zero
  EXPECT_EQ(loads, 0);
}

}  // namespace
}  // namespace loyalty::store
