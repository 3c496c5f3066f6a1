// Audit: every operation records its caller's identity on its ledger entries and its outbox
// event, the history queries return it, and the worker's own operations say "loyalty-worker".
// The commands run through the use cases with the Context a service builds for a call (the caller
// comes from the client certificate, which the in-process servers' plaintext does not have).

#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "loyalty/internal/v1/events.pb.h"
#include "loyalty/v1/query.grpc.pb.h"
#include "services/command/accrue.h"
#include "services/command/cancel.h"
#include "services/command/redeem.h"
#include "services/command/reverse.h"
#include "services/command/transfer.h"
#include "services/query/rebuild.h"
#include "services/worker/jobs.h"
#include "tests/integration/command_test_base.h"
#include "tests/support/query_server.h"

namespace loyalty::testing {
namespace {

constexpr char kPos[] = "spiffe://shop.example/pos";
constexpr char kApp[] = "spiffe://shop.example/app";
constexpr char kBackOffice[] = "spiffe://shop.example/back-office";

class AuditTest : public CommandTest {
 protected:
  // The Context a service runs a call of `caller` on.
  store::Context As(const std::string& caller) {
    store::Context context{&server_.pool(), &server_.clock(), pg::RetryPolicy{}};
    context.caller = caller;
    return context;
  }

  v1::AccrueRequest AccrueFor(const std::string& member) {
    v1::AccrueRequest request;
    request.set_org_id("acme");
    request.set_idempotency_key(NewKey());
    request.set_member_id(member);
    request.set_program_id("shop");
    return request;
  }

  // Runs `request` as `caller`; returns its ledger position, noting who it was for the history.
  int64_t Accrue(const std::string& caller, const v1::AccrueRequest& request) {
    v1::AccrueResponse response;
    const absl::Status status = command::Accrue(As(caller), request, &response);
    EXPECT_TRUE(status.ok()) << status;
    return Note(response.ledger_position(), caller);
  }

  int64_t Note(int64_t position, const std::string& caller) {
    callers_[position] = caller;
    return position;
  }

  internal::v1::LedgerEvent EventAt(int64_t position) {
    auto connection = pg::Connection::Open(server_.database_url());
    EXPECT_TRUE(connection.ok());
    auto row = (*connection)->ExecuteText(
        absl::StrCat("SELECT event FROM outbox WHERE position = ", position));
    EXPECT_TRUE(row.ok() && row->Rows() == 1) << position;
    internal::v1::LedgerEvent event;
    EXPECT_TRUE(event.ParseFromString(row->Bytes(0, 0)));
    return event;
  }

  // The operation at `position` carries `caller` on its outbox event and on each of its ledger
  // entry rows (it wrote at least one).
  void ExpectRecorded(int64_t position, const std::string& caller) {
    const internal::v1::LedgerEvent event = EventAt(position);
    EXPECT_EQ(event.caller(), caller) << event.operation();
    EXPECT_GT(event.entries_size(), 0) << event.operation();
    const std::string rows =
        absl::StrCat("FROM ledger_entries WHERE operation_id = ", event.operation_id());
    EXPECT_EQ(QueryInt(absl::StrCat("SELECT count(*) ", rows)), event.entries_size());
    EXPECT_EQ(QueryInt(absl::StrCat("SELECT count(*) ", rows, " AND caller = '", caller, "'")),
              event.entries_size())
        << event.operation();
  }

  std::map<int64_t, std::string> callers_;  // by ledger position
};

TEST_F(AuditTest, EveryOperationRecordsItsCallerOnItsEntriesItsEventAndTheHistory) {
  v1::AccrueRequest purchase = AccrueFor("alice");
  purchase.mutable_purchase()->set_order_ref("o-1");
  purchase.mutable_purchase()->mutable_amount()->set_currency("USD");
  purchase.mutable_purchase()->mutable_amount()->set_minor_units(10000);  // 100 points
  Accrue(kPos, purchase);

  v1::AccrueRequest adjustment = AccrueFor("alice");
  adjustment.mutable_adjustment()->set_points(25);
  adjustment.mutable_adjustment()->set_reason("goodwill");
  adjustment.mutable_adjustment()->set_actor("staff-7");
  Accrue(kBackOffice, adjustment);

  v1::RedeemRequest redeem;
  redeem.set_org_id("acme");
  redeem.set_idempotency_key(NewKey());
  redeem.set_member_id("alice");
  redeem.set_program_id("shop");
  redeem.set_points(30);
  v1::RedeemResponse redeemed;
  ASSERT_TRUE(command::Redeem(As(kApp), redeem, &redeemed).ok());
  EXPECT_EQ(redeemed.redemption().caller(), kApp);
  Note(redeemed.ledger_position(), kApp);

  v1::TransferRequest transfer;
  transfer.set_org_id("acme");
  transfer.set_idempotency_key(NewKey());
  transfer.set_from_member_id("alice");
  transfer.set_to_member_id("bob");
  transfer.set_program_id("shop");
  transfer.set_points(20);
  v1::TransferResponse transferred;
  ASSERT_TRUE(command::Transfer(As(kApp), transfer, &transferred).ok());
  Note(transferred.ledger_position(), kApp);

  v1::ReverseRequest reverse;
  reverse.set_org_id("acme");
  reverse.set_idempotency_key(NewKey());
  reverse.set_member_id("alice");
  reverse.set_program_id("shop");
  reverse.set_order_ref("o-1");
  reverse.mutable_returned_amount()->set_currency("USD");
  reverse.mutable_returned_amount()->set_minor_units(1000);
  v1::ReverseResponse reversed;
  ASSERT_TRUE(command::Reverse(As(kPos), reverse, &reversed).ok());
  Note(reversed.ledger_position(), kPos);

  v1::CancelRedemptionRequest cancel;
  cancel.set_org_id("acme");
  cancel.set_idempotency_key(NewKey());
  cancel.set_member_id("alice");
  cancel.set_redemption_id(redeemed.redemption().redemption_id());
  v1::CancelRedemptionResponse cancelled;
  ASSERT_TRUE(command::CancelRedemption(As(kBackOffice), cancel, &cancelled).ok());
  Note(cancelled.ledger_position(), kBackOffice);

  for (const auto& [position, caller] : callers_) ExpectRecorded(position, caller);
  // The staff actor stays beside the caller that vouches for it.
  EXPECT_EQ(QueryInt(absl::StrCat("SELECT count(*) FROM ledger_entries WHERE kind = 'adjustment'"
                                  " AND actor = 'staff-7' AND caller = '", kBackOffice, "'")),
            1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM ledger_entries WHERE caller = ''"), 0);
  EXPECT_GE(QueryInt("SELECT count(*) FROM ledger_entries"), 7);

  // The history, once projected, says who did each entry, and who redeemed.
  QueryServer query(server_.database_url(), &server_.clock(), false);
  ASSERT_TRUE(query.NewProjector()->RunOnce().ok());
  std::unique_ptr<v1::QueryService::Stub> queries = v1::QueryService::NewStub(query.Channel());
  int entries = 0;
  for (const char* member : {"alice", "bob"}) {
    v1::ListLedgerEntriesRequest request;
    request.set_org_id("acme");
    request.set_member_id(member);
    request.set_min_position(cancelled.ledger_position());
    request.set_page_size(100);
    v1::ListLedgerEntriesResponse response;
    grpc::ClientContext context;
    const grpc::Status status = queries->ListLedgerEntries(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const v1::LedgerEntry& entry : response.entries()) {
      ASSERT_EQ(callers_.count(entry.ledger_position()), 1u) << entry.DebugString();
      EXPECT_EQ(entry.caller(), callers_[entry.ledger_position()]) << entry.DebugString();
      ++entries;
    }
  }
  EXPECT_EQ(entries, QueryInt("SELECT count(*) FROM ledger_entries"));

  v1::ListRedemptionsRequest list;
  list.set_org_id("acme");
  list.set_member_id("alice");
  v1::ListRedemptionsResponse redemptions;
  grpc::ClientContext context;
  ASSERT_TRUE(queries->ListRedemptions(&context, list, &redemptions).ok());
  ASSERT_EQ(redemptions.redemptions_size(), 1);
  EXPECT_TRUE(redemptions.redemptions(0).cancelled());
  EXPECT_EQ(redemptions.redemptions(0).caller(), kApp);  // the cancellation's caller is not it

  const absl::StatusOr<query::RebuildReport> report =
      query::RebuildAndCompare(server_.database_url());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->differences, 0) << (report->samples.empty() ? "" : report->samples[0]);
}

TEST_F(AuditTest, TheWorkersExpiryIsRecordedAsTheWorkers) {
  v1::AccrueRequest bonus = AccrueFor("alice");
  bonus.set_point_type("bonus");  // expires after 30 days
  bonus.mutable_explicit_points()->set_points(40);
  bonus.mutable_explicit_points()->set_description("campaign");
  ExpectRecorded(Accrue(kPos, bonus), kPos);
  server_.clock().Advance(absl::Hours(24 * 31));

  // The worker's own Context has no caller; one with a caller does not change what it records.
  const absl::StatusOr<int64_t> expired = worker::ExpirePoints(As(kPos), 100);
  ASSERT_TRUE(expired.ok()) << expired.status();
  ASSERT_EQ(*expired, 1);
  const int64_t position = QueryInt("SELECT max(position) FROM outbox");
  EXPECT_EQ(EventAt(position).operation(), "Expire");
  ExpectRecorded(position, "loyalty-worker");
  EXPECT_EQ(QueryInt("SELECT count(*) FROM ledger_entries WHERE kind = 'expiry'"
                     " AND caller = 'loyalty-worker'"),
            1);
}

}  // namespace
}  // namespace loyalty::testing
