// Partner programs through the query service: the projector's views of links, conversions and
// vouchers, read-your-writes by ledger position, and a rebuild that finds them equal.
#include "loyalty/v1/query.grpc.pb.h"
#include "services/query/rebuild.h"
#include "tests/integration/partners/partner_test_base.h"
#include "tests/support/query_server.h"

namespace loyalty::testing {
namespace {

class PartnerViewTest : public PartnerTest {
 protected:
  template <typename Request>
  Request Query(int64_t min_position) {
    Request request;
    request.set_org_id("acme");
    request.set_member_id("alice");
    request.set_min_position(min_position);
    return request;
  }

  static std::unique_ptr<grpc::ClientContext> Deadline() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return context;
  }
};

TEST_F(PartnerViewTest, SummaryConversionsAndVouchersFollowTheCommands) {
  QueryServer query(server_.database_url(), &server_.clock(), /*project=*/true);
  auto queries = v1::QueryService::NewStub(query.Channel());
  v1::LinkPartnerAccountResponse link;
  ASSERT_TRUE(Link("alice", "FF-1", "Smith", &link).ok());
  v1::AccrueResponse earned;
  ASSERT_TRUE(Accrue(Purchase("alice", "order-1", 25000), &earned).ok());

  v1::GetPartnerSummaryResponse summary;
  ASSERT_TRUE(queries
                  ->GetPartnerSummary(Deadline().get(),
                                      Query<v1::GetPartnerSummaryRequest>(earned.ledger_position()),
                                      &summary)
                  .ok());
  ASSERT_EQ(summary.partners_size(), 1);
  EXPECT_EQ(summary.partners(0).partner_code(), "jetair");
  EXPECT_EQ(summary.partners(0).link().state(), v1::PARTNER_LINK_STATE_ACTIVE);
  EXPECT_EQ(summary.partners(0).unconverted_points(), 250);
  EXPECT_EQ(summary.partners(0).converted_points(), 0);

  server_.clock().Advance(absl::Hours(24 * 31));
  ConvertAndSend();
  const int64_t converted_at = QueryInt("SELECT max(position) FROM outbox");
  ASSERT_TRUE(queries
                  ->GetPartnerSummary(Deadline().get(),
                                      Query<v1::GetPartnerSummaryRequest>(converted_at), &summary)
                  .ok());
  EXPECT_EQ(summary.partners(0).unconverted_points(), 50);
  EXPECT_EQ(summary.partners(0).converting_points(), 0);
  EXPECT_EQ(summary.partners(0).converted_points(), 200);
  EXPECT_EQ(summary.partners(0).converted_partner_points(), 6);

  v1::ListConversionsResponse conversions;
  ASSERT_TRUE(queries
                  ->ListConversions(Deadline().get(),
                                    Query<v1::ListConversionsRequest>(converted_at), &conversions)
                  .ok());
  ASSERT_EQ(conversions.conversions_size(), 1);
  EXPECT_EQ(conversions.conversions(0).status(), v1::CONVERSION_STATUS_CONFIRMED);
  EXPECT_EQ(conversions.conversions(0).partner_reference(), "credit-1");
  EXPECT_EQ(conversions.conversions(0).attempts(), 1);

  // History shows the conversion.
  v1::ListLedgerEntriesRequest history = Query<v1::ListLedgerEntriesRequest>(converted_at);
  history.add_kinds(v1::LEDGER_ENTRY_KIND_CONVERSION);
  v1::ListLedgerEntriesResponse entries;
  ASSERT_TRUE(queries->ListLedgerEntries(Deadline().get(), history, &entries).ok());
  ASSERT_EQ(entries.entries_size(), 1);
  EXPECT_EQ(entries.entries(0).points(), -200);

  // A voucher is visible at the notification's position, and its spend at the spend's.
  v1::NotifyPartnerRedemptionResponse loaded;
  ASSERT_TRUE(Notify("r-1", "FF-1", 2000, v1::VOUCHER_KIND_CREDIT, &loaded).ok());
  v1::ListVouchersResponse vouchers;
  ASSERT_TRUE(queries
                  ->ListVouchers(Deadline().get(),
                                 Query<v1::ListVouchersRequest>(loaded.ledger_position()),
                                 &vouchers)
                  .ok());
  ASSERT_EQ(vouchers.vouchers_size(), 1);
  EXPECT_EQ(vouchers.vouchers(0).remaining().minor_units(), 1000);
  v1::RedeemVoucherResponse spent;
  ASSERT_TRUE(SpendVoucher("alice", loaded.voucher().voucher_id(), 1000, &spent).ok());
  v1::ListVouchersRequest active = Query<v1::ListVouchersRequest>(spent.ledger_position());
  active.set_active_only(true);
  ASSERT_TRUE(queries->ListVouchers(Deadline().get(), active, &vouchers).ok());
  EXPECT_EQ(vouchers.vouchers_size(), 0);

  ASSERT_TRUE(Unlink("alice").ok());
  const int64_t unlinked_at = QueryInt("SELECT max(position) FROM outbox");
  ASSERT_TRUE(queries
                  ->GetPartnerSummary(Deadline().get(),
                                      Query<v1::GetPartnerSummaryRequest>(unlinked_at), &summary)
                  .ok());
  EXPECT_EQ(summary.partners(0).link().state(), v1::PARTNER_LINK_STATE_UNLINKED);
  EXPECT_EQ(summary.partners(0).unconverted_points(), 0);
  EXPECT_EQ(summary.partners(0).converted_points(), 200);

  absl::StatusOr<query::RebuildReport> report = query::RebuildAndCompare(server_.database_url());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->differences, 0) << (report->samples.empty() ? "" : report->samples[0]);
}

TEST_F(PartnerViewTest, ListsPageNewestFirst) {
  QueryServer query(server_.database_url(), &server_.clock(), /*project=*/true);
  auto queries = v1::QueryService::NewStub(query.Channel());
  v1::LinkPartnerAccountResponse link;
  ASSERT_TRUE(Link("alice", "FF-1", "Smith", &link).ok());
  int64_t position = 0;
  for (int i = 0; i < 3; ++i) {
    v1::NotifyPartnerRedemptionResponse loaded;
    ASSERT_TRUE(
        Notify(absl::StrCat("r-", i), "FF-1", 1000 + i, v1::VOUCHER_KIND_REWARD, &loaded).ok());
    position = loaded.ledger_position();
  }
  v1::ListVouchersRequest request = Query<v1::ListVouchersRequest>(position);
  request.set_page_size(2);
  v1::ListVouchersResponse page;
  ASSERT_TRUE(queries->ListVouchers(Deadline().get(), request, &page).ok());
  ASSERT_EQ(page.vouchers_size(), 2);
  EXPECT_EQ(page.vouchers(0).partner_request_id(), "r-2");
  ASSERT_FALSE(page.next_page_token().empty());
  request.set_page_token(page.next_page_token());
  ASSERT_TRUE(queries->ListVouchers(Deadline().get(), request, &page).ok());
  ASSERT_EQ(page.vouchers_size(), 1);
  EXPECT_EQ(page.vouchers(0).partner_request_id(), "r-0");
  EXPECT_TRUE(page.next_page_token().empty());
  request.set_page_token("garbage");
  EXPECT_EQ(queries->ListVouchers(Deadline().get(), request, &page).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace loyalty::testing
