#pragma once

// A fixture of the concurrency tests (concurrency_test.cc): the command side as several
// loyalty-command processes on one database.

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/ledger/member.h"
#include "libs/pg/connection.h"
#include "tests/integration/command_test_base.h"

namespace loyalty::testing {

inline constexpr size_t kReplicas = 3;
// The demo org's members, whom the replicated tests load.
inline const std::vector<std::string> kReplicatedMembers = {"alice", "bob", "carol"};

// The command side as kReplicas loyalty-command processes on one database: the fixture's
// server_ (which created and migrated it, and holds the demo org) and replicas that join it
// (CommandServer::Join), each with its own pool, caches, member batcher, metrics and gRPC server;
// they share only the database and server_'s clock. The load's calls pick a replica with On().
class ReplicatedCommandTest : public CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    replicas_.push_back(&server_);
    while (replicas_.size() < kReplicas) {
      joined_.push_back(std::make_unique<CommandServer>(server_.JoinThis()));
      replicas_.push_back(joined_.back().get());
    }
    for (CommandServer* replica : replicas_) {
      stubs_.push_back(v1::CommandService::NewStub(replica->Channel()));
    }
  }

  // The stub of replica `replica % kReplicas`, for one call: the call is counted as sent there.
  v1::CommandService::Stub& On(size_t replica) {
    sent_[replica % kReplicas].fetch_add(1);
    return *stubs_[replica % kReplicas];
  }

  // From here on, the calls sent with On() and those the replicas served are counted.
  void StartCounting() {
    for (size_t replica = 0; replica < kReplicas; ++replica) {
      sent_[replica] = 0;
      served_before_[replica] = CommandCallsServed(*replicas_[replica]);
    }
  }

  // The load was spread: every replica served calls, and exactly those the test sent it (each
  // server counts a call before its answer leaves, so a client has seen none it did not count).
  void ExpectEveryReplicaServedItsShare() {
    for (size_t replica = 0; replica < kReplicas; ++replica) {
      SCOPED_TRACE(absl::StrCat("replica ", replica));
      EXPECT_GT(sent_[replica].load(), 0);
      EXPECT_EQ(CommandCallsServed(*replicas_[replica]) - served_before_[replica],
                sent_[replica].load());
    }
  }

  // The CommandService calls a replica has answered (grpc_server_handled_total, every code).
  static int64_t CommandCallsServed(CommandServer& replica) {
    double total = 0;
    for (const prometheus::MetricFamily& family : replica.registry().Collect()) {
      if (family.name != "grpc_server_handled_total") continue;
      for (const prometheus::ClientMetric& metric : family.metric) {
        for (const prometheus::ClientMetric::Label& label : metric.label) {
          if (label.name == "grpc_service" && label.value == "loyalty.v1.CommandService") {
            total += metric.counter.value;
          }
        }
      }
    }
    return static_cast<int64_t>(total);
  }

  // The member's available points by program (zeros left out), as a command answers them.
  static std::map<std::string, int64_t> AvailableIn(const v1::Balances& balances) {
    std::map<std::string, int64_t> available;
    for (const v1::ProgramBalance& program : balances.programs()) {
      if (program.available() != 0) available[program.program_id()] = program.available();
    }
    return available;
  }

  // The same from the database at the clock's time, as ledger::ComputeBalances counts them:
  // the free points of the redeemable lots that are available and not expired, minus the debt.
  std::map<std::string, int64_t> AvailableInDatabase(pg::Connection& connection,
                                                     const std::string& member) {
    const std::string now =
        absl::StrCat("to_timestamp(", absl::ToUnixSeconds(server_.clock().Now()), ")");
    auto result = connection.ExecuteText(absl::StrCat(
        "SELECT n.program_id, coalesce((SELECT sum(greatest(l.remaining - l.held, 0)) FROM lots l"
        "  WHERE l.org_id = n.org_id AND l.member_id = n.member_id AND l.program_id = n.program_id"
        "  AND l.redeemable AND l.available_at <= ",
        now, "  AND (l.expires_at IS NULL OR l.expires_at > ", now,
        ")), 0) - n.debt"
        " FROM enrolments n WHERE n.org_id = 'acme' AND n.member_id = '",
        member, "'"));
    EXPECT_TRUE(result.ok()) << result.status();
    if (!result.ok()) return {};
    std::map<std::string, int64_t> available;
    for (int row = 0; row < result->Rows(); ++row) {
      if (result->Int64(row, 1) != 0) {
        available[std::string(result->Text(row, 0))] = result->Int64(row, 1);
      }
    }
    return available;
  }

  // After the load: each member's commands go round the replicas twice, so each replica's first
  // call on the member finds the state it cached itself (in the load, or the round before)
  // outdated by the other replicas' writes since; the second accrual may take the state the
  // first one just cached, and the redemption reads every lot. Every answer's balances must be
  // the database's. Afterwards every replica still holds a cached state of each member, and only
  // the one that wrote last holds its current state version: the others' are stale, and were
  // not taken. Each call adds 1 point of `point_type` to "shop" or redeems 1 from it.
  void ExpectEveryReplicaAnswersFromTheCurrentState(const std::string& point_type) {
    auto database = pg::Connection::Open(server_.database_url());
    ASSERT_TRUE(database.ok()) << database.status();
    for (int round = 0; round < 2; ++round) {
      for (size_t replica = 0; replica < kReplicas; ++replica) {
        for (const std::string& member : kReplicatedMembers) {
          SCOPED_TRACE(absl::StrCat(member, " on replica ", replica, ", round ", round));
          for (int accrual = 0; accrual < 2; ++accrual) {
            v1::AccrueRequest accrue;
            accrue.set_org_id("acme");
            accrue.set_idempotency_key(NewKey());
            accrue.set_member_id(member);
            accrue.set_program_id("shop");
            accrue.set_point_type(point_type);
            accrue.mutable_explicit_points()->set_points(1);
            accrue.mutable_explicit_points()->set_description("check");
            v1::AccrueResponse accrued;
            grpc::ClientContext context;
            const grpc::Status status = On(replica).Accrue(&context, accrue, &accrued);
            ASSERT_TRUE(status.ok()) << status.error_message();
            EXPECT_EQ(AvailableIn(accrued.balances()), AvailableInDatabase(**database, member));
          }
          v1::RedeemRequest redeem;
          redeem.set_org_id("acme");
          redeem.set_idempotency_key(NewKey());
          redeem.set_member_id(member);
          redeem.set_program_id("shop");
          redeem.set_points(1);
          v1::RedeemResponse redeemed;
          grpc::ClientContext context;
          const grpc::Status status = On(replica).Redeem(&context, redeem, &redeemed);
          ASSERT_TRUE(status.ok()) << status.error_message();
          EXPECT_EQ(AvailableIn(redeemed.balances()), AvailableInDatabase(**database, member));
        }
      }
    }
    for (const std::string& member : kReplicatedMembers) {
      const int64_t version =
          QueryInt("SELECT state_version FROM members WHERE org_id = 'acme' AND member_id = '" +
                   member + "'");
      for (size_t replica = 0; replica < kReplicas; ++replica) {
        SCOPED_TRACE(absl::StrCat(member, " cached by replica ", replica));
        const std::shared_ptr<const ledger::MemberState> cached =
            replicas_[replica]->member_cache().Get("acme", member);
        ASSERT_NE(cached, nullptr);
        if (replica + 1 == kReplicas) {
          EXPECT_EQ(cached->state_version, version);
        } else {
          EXPECT_LT(cached->state_version, version);
        }
      }
    }
  }

  std::vector<std::unique_ptr<CommandServer>> joined_;            // the replicas besides server_
  std::vector<CommandServer*> replicas_;                          // server_ first
  std::vector<std::unique_ptr<v1::CommandService::Stub>> stubs_;  // one per replica
  std::array<std::atomic<int64_t>, kReplicas> sent_{};
  std::array<int64_t, kReplicas> served_before_{};
};

}  // namespace loyalty::testing
