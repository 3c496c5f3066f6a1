// Many concurrent clients on a few hot members, spread over three replicas of the command side
// on one database (as three loyalty-command processes): no lost or duplicated effect, nothing
// spent twice, one effect per idempotency key whichever replicas its sends reach, and the ledger
// always adds up.

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/ledger/member.h"
#include "libs/pg/connection.h"
#include "tests/integration/command/replicated_command_test.h"

namespace loyalty::testing {
namespace {

constexpr int kClients = 32;
constexpr int kOperationsPerClient = 25;
const std::vector<std::string>& kMembers = kReplicatedMembers;

// What the clients saw succeed, per member: the balance it must add up to.
class Expected {
 public:
  void Add(const std::string& member, int64_t points) {
    std::lock_guard<std::mutex> lock(mutex_);
    points_[member] += points;
  }
  int64_t Of(const std::string& member) {
    std::lock_guard<std::mutex> lock(mutex_);
    return points_[member];
  }

 private:
  std::mutex mutex_;
  std::map<std::string, int64_t> points_;
};

class ConcurrencyTest : public ReplicatedCommandTest {
 protected:
  // One random command of client `client`, sent to replica `client` (On); its successful effect
  // is added to `expected` once, even when the client sends it twice (the second time to the
  // next replica).
  void RunOne(std::mt19937& random, size_t client, Expected& expected) {
    const std::string member = kMembers[random() % kMembers.size()];
    const std::string key = NewKey();
    const bool send_twice = random() % 4 == 0;
    switch (random() % 4) {
      case 0: {
        v1::AccrueRequest request;
        request.set_org_id("acme");
        request.set_idempotency_key(key);
        request.set_member_id(member);
        // Shop points of the non-counting "bonus" type: members stay silver, so no overdraft.
        const bool shop = random() % 2 == 0;
        request.set_program_id(shop ? "shop" : "travel");
        request.set_point_type(shop ? "bonus" : "miles");
        request.mutable_explicit_points()->set_points(static_cast<int64_t>(10 + random() % 90));
        request.mutable_explicit_points()->set_description("load");
        CallAndCount<v1::AccrueResponse>(
            client, send_twice,
            [&](v1::CommandService::Stub& stub, grpc::ClientContext* c, v1::AccrueResponse* r) {
              return stub.Accrue(c, request, r);
            },
            [&](const v1::AccrueResponse& r) { expected.Add(member, r.points()); });
        if (random() % 8 == 0) {  // same key, different request (on a third replica): refused
          request.mutable_explicit_points()->set_points(request.explicit_points().points() + 1);
          v1::AccrueResponse response;
          grpc::ClientContext context;
          const grpc::Status status = On(client + 2).Accrue(&context, request, &response);
          EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
        }
        break;
      }
      case 1: {
        v1::RedeemRequest request;
        request.set_org_id("acme");
        request.set_idempotency_key(key);
        request.set_member_id(member);
        request.set_points(static_cast<int64_t>(5 + random() % 60));
        CallAndCount<v1::RedeemResponse>(
            client, send_twice,
            [&](v1::CommandService::Stub& stub, grpc::ClientContext* c, v1::RedeemResponse* r) {
              return stub.Redeem(c, request, r);
            },
            [&](const v1::RedeemResponse& r) { expected.Add(member, -r.redemption().points()); });
        break;
      }
      case 2: {
        v1::GroupRedeemRequest request;
        request.set_org_id("acme");
        request.set_idempotency_key(key);
        request.set_member_id(member);
        request.set_points(static_cast<int64_t>(5 + random() % 80));
        CallAndCount<v1::RedeemResponse>(
            client, send_twice,
            [&](v1::CommandService::Stub& stub, grpc::ClientContext* c, v1::RedeemResponse* r) {
              return stub.GroupRedeem(c, request, r);
            },
            [&](const v1::RedeemResponse& r) { expected.Add(member, -r.redemption().points()); });
        break;
      }
      default: {
        const std::string other = kMembers[(random() % (kMembers.size() - 1) + 1 +
                                            IndexOf(member)) % kMembers.size()];
        v1::TransferRequest request;
        request.set_org_id("acme");
        request.set_idempotency_key(key);
        request.set_from_member_id(member);
        request.set_to_member_id(other);
        request.set_group(random() % 2 == 0);
        request.set_points(static_cast<int64_t>(5 + random() % 50));
        CallAndCount<v1::TransferResponse>(
            client, send_twice,
            [&](v1::CommandService::Stub& stub, grpc::ClientContext* c, v1::TransferResponse* r) {
              return stub.Transfer(c, request, r);
            },
            [&](const v1::TransferResponse& r) {
              expected.Add(member, -r.points());
              expected.Add(other, r.points());
            });
        break;
      }
    }
  }

  static size_t IndexOf(const std::string& member) {
    for (size_t i = 0; i < kMembers.size(); ++i) {
      if (kMembers[i] == member) return i;
    }
    return 0;
  }

  // Sends a request to replica `client` (twice when asked, as a client retrying after a lost
  // response: the retry to the next replica, as a load balancer may route it) and counts each
  // effect once. After a success the retry must be a replay of it, whichever replica answers it;
  // after a refusal (which leaves no trace) the retry is evaluated afresh and may succeed.
  template <typename Response, typename Call, typename Count>
  void CallAndCount(size_t client, bool send_twice, Call call, Count count) {
    Response first;
    grpc::ClientContext context;
    const grpc::Status status = call(On(client), &context, &first);
    if (status.ok()) {
      EXPECT_FALSE(first.replayed());
      count(first);
    } else {
      EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
          << status.error_message();
    }
    if (!send_twice) return;
    Response second;
    grpc::ClientContext retry_context;
    const grpc::Status retry = call(On(client + 1), &retry_context, &second);
    if (status.ok()) {
      ASSERT_TRUE(retry.ok()) << retry.error_message();
      EXPECT_TRUE(second.replayed());
      EXPECT_EQ(second.ledger_position(), first.ledger_position());
    } else if (retry.ok()) {
      EXPECT_FALSE(second.replayed());
      count(second);
    }
  }
};

TEST_F(ConcurrencyTest, HotMembersStayExactUnderConcurrentMixedCommands) {
  Expected expected;
  for (const std::string& member : kMembers) {
    expected.Add(member, Give(member, 500, "shop", "bonus").points());
    expected.Add(member, Give(member, 500, "travel").points());
  }
  StartCounting();
  std::vector<std::thread> clients;
  for (int client = 0; client < kClients; ++client) {
    clients.emplace_back([&, client] {
      std::mt19937 random(static_cast<uint32_t>(client + 1));
      for (int i = 0; i < kOperationsPerClient; ++i) {
        RunOne(random, static_cast<size_t>(client), expected);
      }
    });
  }
  for (std::thread& client : clients) client.join();
  ExpectEveryReplicaServedItsShare();

  for (const std::string& member : kMembers) {
    SCOPED_TRACE(member);
    EXPECT_EQ(QueryInt("SELECT coalesce(sum(remaining), 0) FROM lots WHERE member_id = '" +
                       member + "'"),
              expected.Of(member));
  }
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM enrolments WHERE debt <> 0"), 0);
  // Nothing spent twice: every lot's consumed points are exactly its redemptions and transfers.
  EXPECT_EQ(
      QueryInt("SELECT count(*) FROM lots l WHERE l.amount - l.remaining <>"
               " (SELECT coalesce(sum(points), 0) FROM redemption_lots r"
               "   WHERE r.org_id = l.org_id AND r.member_id = l.member_id AND r.lot_id = l.lot_id)"
               " + (SELECT coalesce(sum(amount), 0) FROM lots t"
               "   WHERE t.org_id = l.org_id AND t.origin_lot_id = l.lot_id)"),
      0);
  // Every redemption's lots add up to it.
  EXPECT_EQ(QueryInt("SELECT count(*) FROM redemptions d WHERE d.points <>"
                     " (SELECT sum(points) FROM redemption_lots r WHERE"
                     "  r.org_id = d.org_id AND r.member_id = d.member_id AND"
                     "  r.redemption_id = d.redemption_id)"),
            0);
  ExpectEveryReplicaAnswersFromTheCurrentState("bonus");
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

// Returns, reservations, cancellations and overdraft racing on gold members (who may overdraw):
// every member's lots minus debt must equal the sum of the effects the clients saw. A client's
// commands go round the replicas, so the steps of one purchase, redemption or reservation (buy
// then return, redeem then cancel, reserve then capture or void) run on different replicas.
class RulesConcurrencyTest : public ReplicatedCommandTest {
 protected:
  void RunOne(std::mt19937& random, int client, int step, Expected& expected) {
    const std::string member = kMembers[random() % kMembers.size()];
    const std::string order = absl::StrCat("order-", client, "-", step);
    size_t next = static_cast<size_t>(client + step);
    auto call = [&](auto method, const auto& request, auto* response) {
      grpc::ClientContext context;
      const grpc::Status status = (On(next++).*method)(&context, request, response);
      if (!status.ok()) {
        EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
            << status.error_message();
      }
      return status.ok();
    };
    switch (random() % 5) {
      case 0: {  // buy, then maybe return part or all of it
        v1::AccrueRequest buy;
        buy.set_org_id("acme");
        buy.set_idempotency_key(NewKey());
        buy.set_member_id(member);
        buy.mutable_purchase()->set_order_ref(order);
        buy.mutable_purchase()->mutable_amount()->set_minor_units(
            static_cast<int64_t>(1000 + random() % 9000));
        buy.mutable_purchase()->mutable_amount()->set_currency("USD");
        v1::AccrueResponse bought;
        if (!call(&v1::CommandService::Stub::Accrue, buy, &bought)) return;
        expected.Add(member, bought.points());
        v1::ReverseRequest give_back;
        give_back.set_org_id("acme");
        give_back.set_idempotency_key(NewKey());
        give_back.set_member_id(member);
        give_back.set_order_ref(order);
        if (random() % 2 == 0) {
          give_back.set_full(true);
        } else {
          give_back.mutable_returned_amount()->set_minor_units(
              static_cast<int64_t>(1 + random() % 3000));
          give_back.mutable_returned_amount()->set_currency("USD");
        }
        v1::ReverseResponse reversed;
        ASSERT_TRUE(call(&v1::CommandService::Stub::Reverse, give_back, &reversed));
        expected.Add(member, -reversed.points_reversed());
        break;
      }
      case 1:
      case 2: {  // redeem, maybe into overdraft, maybe cancel it again
        v1::RedeemRequest redeem;
        redeem.set_org_id("acme");
        redeem.set_idempotency_key(NewKey());
        redeem.set_member_id(member);
        redeem.set_points(static_cast<int64_t>(10 + random() % 200));
        v1::RedeemResponse redeemed;
        if (!call(&v1::CommandService::Stub::Redeem, redeem, &redeemed)) return;
        expected.Add(member, -redeemed.redemption().points());
        if (random() % 3 != 0) return;
        v1::CancelRedemptionRequest cancel;
        cancel.set_org_id("acme");
        cancel.set_idempotency_key(NewKey());
        cancel.set_member_id(member);
        cancel.set_redemption_id(redeemed.redemption().redemption_id());
        v1::CancelRedemptionResponse cancelled;
        ASSERT_TRUE(call(&v1::CommandService::Stub::CancelRedemption, cancel, &cancelled));
        expected.Add(member, cancelled.points_restored());
        break;
      }
      default: {  // reserve, then capture part of it or void it
        v1::ReservePointsRequest reserve;
        reserve.set_org_id("acme");
        reserve.set_idempotency_key(NewKey());
        reserve.set_member_id(member);
        reserve.set_points(static_cast<int64_t>(10 + random() % 100));
        v1::ReservePointsResponse reserved;
        if (!call(&v1::CommandService::Stub::ReservePoints, reserve, &reserved)) return;
        if (random() % 2 == 0) {
          v1::CapturePointsRequest capture;
          capture.set_org_id("acme");
          capture.set_idempotency_key(NewKey());
          capture.set_member_id(member);
          capture.set_reservation_id(reserved.reservation_id());
          capture.set_points(
              1 + static_cast<int64_t>(random() % static_cast<uint64_t>(reserve.points())));
          v1::CapturePointsResponse captured;
          ASSERT_TRUE(call(&v1::CommandService::Stub::CapturePoints, capture, &captured));
          expected.Add(member, -captured.redemption().points());
        } else {
          v1::VoidReservationRequest void_request;
          void_request.set_org_id("acme");
          void_request.set_idempotency_key(NewKey());
          void_request.set_member_id(member);
          void_request.set_reservation_id(reserved.reservation_id());
          v1::VoidReservationResponse voided;
          ASSERT_TRUE(call(&v1::CommandService::Stub::VoidReservation, void_request, &voided));
        }
        break;
      }
    }
  }
};

TEST_F(RulesConcurrencyTest, ReturnsReservationsCancellationsAndOverdraftStayExact) {
  Expected expected;
  for (const std::string& member : kMembers) {
    Give(member, 1000, "shop", "status");  // gold: overdraft up to 500
    expected.Add(member, Give(member, 300).points());
  }
  StartCounting();
  std::vector<std::thread> clients;
  for (int client = 0; client < kClients; ++client) {
    clients.emplace_back([&, client] {
      std::mt19937 random(static_cast<uint32_t>(1000 + client));
      for (int step = 0; step < kOperationsPerClient; ++step) {
        RunOne(random, client, step, expected);
      }
    });
  }
  for (std::thread& client : clients) client.join();
  ExpectEveryReplicaServedItsShare();
  for (const std::string& member : kMembers) {
    SCOPED_TRACE(member);
    EXPECT_EQ(QueryInt("SELECT (SELECT coalesce(sum(remaining), 0) FROM lots l"
                       "  WHERE l.member_id = '" + member + "' AND l.point_type <> 'status') -"
                       " (SELECT sum(debt) FROM enrolments WHERE member_id = '" + member + "')"),
              expected.Of(member));
  }
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM reservations WHERE status = 'open'"), 0);
  EXPECT_EQ(QueryInt("SELECT coalesce(sum(held), 0) FROM lots"), 0);
  // Burns never overdraw past the limit; only returns may push debt further.
  EXPECT_EQ(QueryInt("SELECT count(*) FROM redemptions WHERE overdraft_points > 500"), 0);
  for (const std::string& member : kMembers) {  // repaid, so that the check may redeem
    Give(member,
         10 + QueryInt("SELECT debt FROM enrolments WHERE org_id = 'acme' AND member_id = '" +
                       member + "' AND program_id = 'shop'"));
  }
  ExpectEveryReplicaAnswersFromTheCurrentState("");
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

// The clients send the key to the replicas in turn: idempotency holds across replicas.
TEST_F(ConcurrencyTest, OneKeySentByManyClientsAtOnceHasOneEffect) {
  v1::AccrueRequest request;
  request.set_org_id("acme");
  request.set_idempotency_key("the-one-key");
  request.set_member_id("alice");
  request.mutable_explicit_points()->set_points(77);
  request.mutable_explicit_points()->set_description("once");
  std::atomic<int> fresh{0};
  std::atomic<int> replays{0};
  StartCounting();
  std::vector<std::thread> clients;
  for (int i = 0; i < 16; ++i) {
    clients.emplace_back([&, i] {
      v1::AccrueResponse response;
      grpc::ClientContext context;
      const grpc::Status status = On(static_cast<size_t>(i)).Accrue(&context, request, &response);
      ASSERT_TRUE(status.ok()) << status.error_message();
      (response.replayed() ? replays : fresh).fetch_add(1);
    });
  }
  for (std::thread& client : clients) client.join();
  ExpectEveryReplicaServedItsShare();
  EXPECT_EQ(fresh.load(), 1);
  EXPECT_EQ(replays.load(), 15);
  EXPECT_EQ(QueryInt("SELECT sum(remaining) FROM lots WHERE member_id = 'alice'"), 77);
}

}  // namespace
}  // namespace loyalty::testing
