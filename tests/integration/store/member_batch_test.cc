// Commands queued on one member run together in one SQL transaction (MemberBatcher): each sees
// exactly what the ones before it wrote, a refused one leaves no trace, and a batch that fails
// as a whole runs each of its commands again alone.
#include "libs/store/member_batch.h"

#include <functional>
#include <future>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/types.h"
#include "libs/pg/transaction.h"
#include "tests/integration/command_test_base.h"

namespace loyalty::testing {
namespace {

constexpr pg::Statement kInsertMark{"test_insert_mark", "INSERT INTO batch_marks VALUES ($1)"};

class MemberBatchTest : public CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    auto connection = pg::Connection::Open(server_.database_url());
    ASSERT_TRUE(connection.ok());
    ASSERT_TRUE((*connection)
                    ->ExecuteText("CREATE TABLE batch_marks (mark int NOT NULL CHECK (mark > 0))")
                    .ok());
  }

  // Starts `call` on a thread of its own once the commands started before it are queued on
  // alice, so that they queue in the order they are started.
  void Start(std::function<void()> call) {
    WaitUntilQueued(threads_.size());
    threads_.emplace_back(std::move(call));
  }
  void WaitUntilQueued(size_t commands) {
    server_.member_batcher().AwaitQueued("acme", "alice", commands);
  }
  void JoinAll() {
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
  }

  // A counter of the command server's registry, summed over the label values that `label`
  // matches ("" for all).
  double Counter(const std::string& name, const std::string& label = "") {
    double total = 0;
    for (const prometheus::MetricFamily& family : server_.registry().Collect()) {
      if (family.name != name) continue;
      for (const prometheus::ClientMetric& metric : family.metric) {
        bool match = label.empty();
        for (const prometheus::ClientMetric::Label& pair : metric.label) {
          match = match || pair.value == label;
        }
        if (match) total += metric.counter.value;
      }
    }
    return total;
  }

  std::vector<int64_t> Marks() {
    auto connection = pg::Connection::Open(server_.database_url());
    EXPECT_TRUE(connection.ok());
    auto result = (*connection)->ExecuteText("SELECT mark FROM batch_marks ORDER BY mark");
    EXPECT_TRUE(result.ok()) << result.status();
    std::vector<int64_t> marks;
    for (int row = 0; row < result->Rows(); ++row) marks.push_back(result->Int64(row, 0));
    return marks;
  }

  // Runs `attempts` through the batcher on alice: the first alone, holding the member until the
  // rest are queued behind it, so that they run as one batch. Returns each one's status.
  std::vector<absl::Status> RunQueued(const std::vector<store::MemberBatcher::Attempt>& attempts) {
    std::vector<absl::Status> statuses(attempts.size() + 1);
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    const store::MemberBatcher::Attempt first = [&](pg::Transaction&) {
      released.wait();
      return absl::OkStatus();
    };
    auto run = [&](size_t i, const store::MemberBatcher::Attempt* attempt) {
      store::MemberCommandCache cached(nullptr, "acme", "alice");
      statuses[i] = server_.member_batcher().Run(cached, *attempt);
    };
    Start([&] { run(0, &first); });
    for (size_t i = 0; i < attempts.size(); ++i) Start([&, i] { run(i + 1, &attempts[i]); });
    WaitUntilQueued(attempts.size() + 1);
    release.set_value();
    JoinAll();
    statuses.erase(statuses.begin());
    return statuses;
  }

  // Inserts `mark`; counts its runs in `runs` when given.
  static store::MemberBatcher::Attempt Mark(int64_t mark, int* runs = nullptr) {
    return [mark, runs](pg::Transaction& tx) -> absl::Status {
      if (runs != nullptr) ++*runs;
      return tx.Execute(kInsertMark, pg::Params().Add(mark)).status();
    };
  }

  std::vector<std::thread> threads_;
};

TEST_F(MemberBatchTest, CommandsQueuedOnAMemberRunTogetherAndEachSeesTheOnesBefore) {
  // Another session holds alice's row, so the first accrual waits for it in the database while
  // the next seven queue behind it in the service.
  auto holder = pg::Connection::Open(server_.database_url());
  ASSERT_TRUE(holder.ok());
  ASSERT_TRUE((*holder)->ExecuteText("BEGIN").ok());
  ASSERT_TRUE((*holder)
                  ->ExecuteText("SELECT 1 FROM members WHERE org_id = 'acme'"
                                " AND member_id = 'alice' FOR UPDATE")
                  .ok());

  auto award = [](int64_t points, const std::string& key) {
    v1::AccrueRequest request;
    request.set_org_id("acme");
    request.set_idempotency_key(key);
    request.set_member_id("alice");
    request.set_program_id("shop");
    request.mutable_explicit_points()->set_points(points);
    request.mutable_explicit_points()->set_description("batch");
    return request;
  };
  auto registration = [] {
    v1::AccrueRequest request;
    request.set_org_id("acme");
    request.set_idempotency_key(NewKey());
    request.set_member_id("alice");
    request.set_program_id("shop");
    request.mutable_action()->set_action_code("register");
    return request;
  };
  const std::string key = NewKey();
  const std::vector<v1::AccrueRequest> accruals = {
      award(50, NewKey()),  // runs alone, first
      award(70, key),
      award(71, key),       // the same key for another request: ALREADY_EXISTS
  };
  std::vector<grpc::Status> accrued(accruals.size());
  std::vector<v1::AccrueResponse> accrue_responses(accruals.size());
  auto accrue = [&](size_t i) {
    return [&, i] {
      grpc::ClientContext context;
      accrued[i] = commands_->Accrue(&context, accruals[i], &accrue_responses[i]);
    };
  };
  std::vector<grpc::Status> redeemed(2);
  std::vector<v1::RedeemResponse> redeem_responses(2);
  auto redeem = [&](size_t i) {
    return [&, i] { redeemed[i] = Redeem("alice", 100, &redeem_responses[i]); };
  };
  const std::vector<v1::AccrueRequest> registrations = {registration(), registration()};
  std::vector<grpc::Status> registered(2);
  auto do_register = [&](size_t i) {
    return [&, i] {
      v1::AccrueResponse response;
      grpc::ClientContext context;
      registered[i] = commands_->Accrue(&context, registrations[i], &response);
    };
  };
  grpc::Status replayed_status;
  v1::AccrueResponse replayed;
  auto replay = [&] {
    grpc::ClientContext context;
    replayed_status = commands_->Accrue(&context, accruals[1], &replayed);
  };

  Start(accrue(0));
  Start(accrue(1));
  Start(accrue(2));
  Start(redeem(0));       // 100 of 50 + 70: sees both awards
  Start(redeem(1));       // 100 of the 20 left: INSUFFICIENT_POINTS
  Start(do_register(0));  // +50
  Start(do_register(1));  // once per member: ACTION_LIMIT_REACHED
  Start(replay);          // the second accrual again: its stored response
  WaitUntilQueued(8);
  ASSERT_TRUE((*holder)->ExecuteText("COMMIT").ok());
  JoinAll();

  ASSERT_TRUE(accrued[0].ok()) << accrued[0].error_message();
  ASSERT_TRUE(accrued[1].ok()) << accrued[1].error_message();
  EXPECT_EQ(accrued[2].error_code(), grpc::StatusCode::ALREADY_EXISTS);
  ASSERT_TRUE(redeemed[0].ok()) << redeemed[0].error_message();
  EXPECT_EQ(Available(redeem_responses[0].balances()), 20);
  EXPECT_EQ(redeemed[1].error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(redeemed[1]), ledger::kInsufficientPoints);
  ASSERT_TRUE(registered[0].ok()) << registered[0].error_message();
  EXPECT_EQ(ErrorReason(registered[1]), ledger::kActionLimitReached);
  ASSERT_TRUE(replayed_status.ok()) << replayed_status.error_message();
  EXPECT_TRUE(replayed.replayed());
  EXPECT_EQ(replayed.accrual_id(), accrue_responses[1].accrual_id());

  // One batch of the seven queued; the ledger holds each effect once, in the queue's order.
  EXPECT_EQ(Counter("loyalty_member_batches_total", "committed"), 1);
  EXPECT_EQ(Counter("loyalty_member_batches_total", "fell_back"), 0);
  EXPECT_EQ(Counter("loyalty_member_batched_commands_total"), 7);
  EXPECT_LT(accrue_responses[0].ledger_position(), accrue_responses[1].ledger_position());
  EXPECT_LT(accrue_responses[1].ledger_position(), redeem_responses[0].ledger_position());
  EXPECT_EQ(QueryInt("SELECT sum(points) FROM ledger_entries WHERE member_id = 'alice'"), 70);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM ledger_entries WHERE member_id = 'alice'"), 4);
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);

  // The next command on alice finds the state the batch left in the cache, and agrees.
  v1::RedeemResponse after;
  ASSERT_TRUE(Redeem("alice", 70, &after).ok());
  EXPECT_EQ(Available(after.balances()), 0);
}

TEST_F(MemberBatchTest, ARefusedCommandIsRolledBackToItsSavepointAndTheOthersCommit) {
  const std::vector<absl::Status> statuses = RunQueued({
      Mark(1),
      [](pg::Transaction& tx) -> absl::Status {  // ran a write and queued another, then refused
        LOYALTY_RETURN_IF_ERROR(tx.Execute(kInsertMark, pg::Params().Add(2)).status());
        tx.Defer(kInsertMark, pg::Params().Add(22));
        return absl::FailedPreconditionError("refused after writing");
      },
      [](pg::Transaction&) { return absl::FailedPreconditionError("refused at once"); },
      [](pg::Transaction& tx) { return tx.ExecuteText("SELECT 1 / 0").status(); },
      Mark(3),
  });
  EXPECT_TRUE(statuses[0].ok()) << statuses[0];
  EXPECT_EQ(statuses[1], absl::FailedPreconditionError("refused after writing"));
  EXPECT_EQ(statuses[2], absl::FailedPreconditionError("refused at once"));
  EXPECT_NE(statuses[3].message().find("division by zero"), std::string::npos) << statuses[3];
  EXPECT_TRUE(statuses[4].ok()) << statuses[4];
  EXPECT_EQ(Marks(), (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(Counter("loyalty_member_batches_total", "committed"), 1);
  EXPECT_EQ(Counter("loyalty_member_batched_commands_total"), 5);
}

TEST_F(MemberBatchTest, ARetryableFailureRunsEachCommandOfTheBatchAgainAlone) {
  int runs_of_first = 0;
  int runs_of_second = 0;
  const std::vector<absl::Status> statuses = RunQueued({
      Mark(1, &runs_of_first),
      [&](pg::Transaction& tx) -> absl::Status {  // a serialization failure, the first time
        if (++runs_of_second > 1) return tx.Execute(kInsertMark, pg::Params().Add(2)).status();
        return tx
            .ExecuteText("DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END $$")
            .status();
      },
      Mark(3),
  });
  for (const absl::Status& status : statuses) EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(runs_of_first, 2);  // in the batch, rolled back; then alone
  EXPECT_EQ(runs_of_second, 2);
  EXPECT_EQ(Marks(), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(Counter("loyalty_member_batches_total", "fell_back"), 1);
  EXPECT_EQ(Counter("loyalty_member_batches_total", "committed"), 0);
}

TEST_F(MemberBatchTest, AFailedPipelineRunsEachCommandOfTheBatchAgainAlone) {
  int runs_of_first = 0;
  int runs_of_second = 0;
  const std::vector<absl::Status> statuses = RunQueued({
      Mark(1, &runs_of_first),
      [&](pg::Transaction& tx) {  // a deferred write that fails at the flush, the first time
        tx.Defer(kInsertMark, pg::Params().Add(++runs_of_second > 1 ? 2 : -1));
        return absl::OkStatus();
      },
      Mark(3),
  });
  for (const absl::Status& status : statuses) EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(runs_of_first, 2);
  EXPECT_EQ(Marks(), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(Counter("loyalty_member_batches_total", "fell_back"), 1);
}

}  // namespace
}  // namespace loyalty::testing
