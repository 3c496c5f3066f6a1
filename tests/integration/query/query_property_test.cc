// Property: after a random concurrent command workload, projected by a projector that is killed
// and restarted mid-stream, every view equals a from-scratch rebuild from the outbox and agrees
// with the command tables it mirrors.

#include <atomic>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/query/rebuild.h"
#include "services/worker/jobs.h"
#include "tests/integration/command_test_base.h"
#include "tests/support/query_server.h"

namespace loyalty::testing {
namespace {

constexpr int kClients = 4;
constexpr int kOperationsPerClient = 30;
const std::vector<std::string> kMembers = {"alice", "bob", "carol"};

// Ids the clients learnt, for the commands that refer to earlier ones.
struct Known {
  std::mutex mutex;
  std::vector<std::pair<std::string, std::string>> orders;  // member, order_ref
  std::vector<std::pair<std::string, int64_t>> redemptions;
  std::vector<std::pair<std::string, int64_t>> reservations;

  template <typename T>
  bool Pick(std::vector<T>& items, std::mt19937& random, T* out) {
    std::lock_guard<std::mutex> lock(mutex);
    if (items.empty()) return false;
    *out = items[random() % items.size()];
    return true;
  }
  template <typename T>
  void Add(std::vector<T>& items, T item) {
    std::lock_guard<std::mutex> lock(mutex);
    items.push_back(std::move(item));
  }
};

class QueryPropertyTest : public CommandTest {
 protected:
  template <typename Request>
  void Fill(Request& request) {
    request.set_org_id("acme");
    request.set_idempotency_key(NewKey());
  }

  void RunOne(std::mt19937& random, Known& known, int client, int step) {
    const std::string member = kMembers[random() % kMembers.size()];
    grpc::ClientContext context;
    switch (random() % 9) {
      case 0:
      case 1: {
        v1::AccrueRequest request;
        Fill(request);
        request.set_member_id(member);
        const std::string order = absl::StrCat("o-", client, "-", step);
        request.mutable_purchase()->set_order_ref(order);
        request.mutable_purchase()->mutable_amount()->set_minor_units(
            static_cast<int64_t>(1000 + random() % 20000));
        request.mutable_purchase()->mutable_amount()->set_currency("USD");
        v1::AccrueResponse response;
        if (commands_->Accrue(&context, request, &response).ok()) {
          known.Add(known.orders, std::make_pair(member, order));
        }
        break;
      }
      case 2: {
        std::pair<std::string, std::string> order;
        if (!known.Pick(known.orders, random, &order)) break;
        v1::ReverseRequest request;
        Fill(request);
        request.set_member_id(order.first);
        request.set_order_ref(order.second);
        request.set_full(true);
        v1::ReverseResponse response;
        (void)commands_->Reverse(&context, request, &response);
        break;
      }
      case 3:
      case 4: {
        v1::RedeemResponse response;
        const grpc::Status status =
            random() % 2 == 0
                ? Redeem(member, static_cast<int64_t>(5 + random() % 50), &response)
                : GroupRedeem(member, static_cast<int64_t>(10 + 5 * (random() % 10)), &response);
        if (status.ok()) {
          known.Add(known.redemptions,
                    std::make_pair(member, response.redemption().redemption_id()));
        }
        break;
      }
      case 5: {
        v1::TransferRequest request;
        Fill(request);
        request.set_from_member_id(member);
        request.set_to_member_id(kMembers[(random() % 2 + 1 + static_cast<size_t>(
                                               &member - &member)) % kMembers.size()]);
        if (request.to_member_id() == member) request.set_to_member_id("carol");
        if (request.to_member_id() == member) request.set_to_member_id("alice");
        request.set_program_id("shop");
        request.set_points(static_cast<int64_t>(1 + random() % 30));
        v1::TransferResponse response;
        (void)commands_->Transfer(&context, request, &response);
        break;
      }
      case 6: {
        v1::ReservePointsRequest request;
        Fill(request);
        request.set_member_id(member);
        request.set_program_id("shop");
        request.set_points(static_cast<int64_t>(1 + random() % 30));
        request.mutable_timeout()->set_seconds(600);
        v1::ReservePointsResponse response;
        if (commands_->ReservePoints(&context, request, &response).ok()) {
          known.Add(known.reservations, std::make_pair(member, response.reservation_id()));
        }
        break;
      }
      case 7: {
        std::pair<std::string, int64_t> reservation;
        if (!known.Pick(known.reservations, random, &reservation)) break;
        if (random() % 2 == 0) {
          v1::CapturePointsRequest request;
          Fill(request);
          request.set_member_id(reservation.first);
          request.set_reservation_id(reservation.second);
          v1::CapturePointsResponse response;
          (void)commands_->CapturePoints(&context, request, &response);
        } else {
          v1::VoidReservationRequest request;
          Fill(request);
          request.set_member_id(reservation.first);
          request.set_reservation_id(reservation.second);
          v1::VoidReservationResponse response;
          (void)commands_->VoidReservation(&context, request, &response);
        }
        break;
      }
      default: {
        std::pair<std::string, int64_t> redemption;
        if (!known.Pick(known.redemptions, random, &redemption)) break;
        v1::CancelRedemptionRequest request;
        Fill(request);
        request.set_member_id(redemption.first);
        request.set_redemption_id(redemption.second);
        v1::CancelRedemptionResponse response;
        (void)commands_->CancelRedemption(&context, request, &response);
        break;
      }
    }
  }

  // Rows in one query's result but not the other's, both ways.
  int64_t Differences(const std::string& left, const std::string& right) {
    return QueryInt(absl::StrCat("SELECT count(*) FROM ((", left, " EXCEPT ALL ", right,
                                 ") UNION ALL (", right, " EXCEPT ALL ", left, ")) d"));
  }
};

TEST_F(QueryPropertyTest, ViewsEqualRebuildAndCommandTablesAfterConcurrentWorkAndRestarts) {
  const absl::Time start = server_.clock().Now();
  for (const std::string& member : kMembers) {
    Give(member, 300);
    Give(member, 40, "shop", "bonus", start + absl::Hours(1));  // expires during the run
  }
  server_.clock().Advance(absl::Hours(2));
  QueryServer query(server_.database_url(), &server_.clock(), false);
  Known known;
  std::atomic<bool> done{false};
  std::atomic<int> restarts{0};
  std::thread projecting([&] {
    // Small batches, and a new projector every few rounds: a kill mid-stream each time.
    std::unique_ptr<query::Projector> projector = query.NewProjector(7);
    int rounds = 0;
    while (!done.load()) {
      absl::StatusOr<int> applied = projector->RunOnce();
      EXPECT_TRUE(applied.ok()) << applied.status();
      if (++rounds % 5 == 0) {
        projector = query.NewProjector(7);
        restarts.fetch_add(1);
      }
      if (applied.ok() && *applied == 0) std::this_thread::yield();
    }
  });
  // The batch worker expires lots while the clients work.
  std::thread expiring([&] {
    const store::Context context{&server_.pool(), &server_.clock(), pg::RetryPolicy{}};
    while (!done.load()) {
      absl::StatusOr<int64_t> expired = worker::ExpirePoints(context, 10);
      EXPECT_TRUE(expired.ok()) << expired.status();
      if (expired.ok() && *expired == 0) std::this_thread::yield();
    }
  });
  std::vector<std::thread> clients;
  for (int client = 0; client < kClients; ++client) {
    clients.emplace_back([&, client] {
      std::mt19937 random(static_cast<uint32_t>(1234 + client));
      for (int step = 0; step < kOperationsPerClient; ++step) RunOne(random, known, client, step);
    });
  }
  for (std::thread& client : clients) client.join();
  done.store(true);
  projecting.join();
  expiring.join();
  EXPECT_GT(QueryInt("SELECT count(*) FROM ledger_entries WHERE kind = 'expiry'"), 0);
  EXPECT_GT(restarts.load(), 0);

  // Drain: a round that stops at a gap applies nothing but takes a horizon, and a later round
  // skips the gap once every transaction that could fill it has ended.
  std::unique_ptr<query::Projector> last = query.NewProjector(500);
  const int64_t last_position = QueryInt("SELECT max(position) FROM outbox");
  for (int round = 0; round < 100; ++round) {
    absl::StatusOr<int> applied = last->RunOnce();
    ASSERT_TRUE(applied.ok()) << applied.status();
    if (QueryInt("SELECT position FROM view_checkpoint") == last_position) break;
  }
  EXPECT_EQ(QueryInt("SELECT position FROM view_checkpoint"),
            QueryInt("SELECT max(position) FROM outbox"));
  EXPECT_EQ(QueryInt("SELECT skipped FROM view_checkpoint"),
            QueryInt("SELECT max(position) - count(*) FROM outbox"));

  absl::StatusOr<query::RebuildReport> report = query::RebuildAndCompare(server_.database_url());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->differences, 0) << (report->samples.empty() ? "" : report->samples[0]);
  EXPECT_GT(report->events, kClients * 5);

  EXPECT_EQ(Differences("SELECT org_id, member_id, lot_id, program_id, point_type, subtype,"
                        " redeemable, amount, remaining, held, awarded_at, available_at,"
                        " expires_at FROM lots",
                        "SELECT * FROM view_lots"),
            0);
  EXPECT_EQ(Differences("SELECT * FROM point_totals", "SELECT * FROM view_totals"), 0);
  EXPECT_EQ(Differences("SELECT org_id, member_id, program_id, coalesce(tier, ''), debt,"
                        " period_start, period_end FROM enrolments",
                        "SELECT * FROM view_enrolments"),
            0);
  EXPECT_EQ(Differences("SELECT org_id, member_id, entry_id, operation_id, program_id,"
                        " point_type, kind, points, coalesce(order_ref, ''),"
                        " coalesce(description, ''), created_at, caller FROM ledger_entries",
                        "SELECT org_id, member_id, entry_id, operation_id, program_id,"
                        " point_type, kind, points, order_ref, description, created_at, caller"
                        " FROM view_entries"),
            0);
  EXPECT_EQ(Differences("SELECT org_id, member_id, redemption_id, points,"
                        " cancelled_at IS NOT NULL FROM redemptions",
                        "SELECT org_id, member_id, redemption_id, points, cancelled"
                        " FROM view_redemptions"),
            0);
}

}  // namespace
}  // namespace loyalty::testing
