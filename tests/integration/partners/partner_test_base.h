#pragma once

#include <functional>
#include <memory>
#include <string>

#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "loyalty/v1/partner.grpc.pb.h"
#include "services/worker/partner_jobs.h"
#include "tests/integration/command_test_base.h"
#include "tests/support/partner_simulator.h"

namespace loyalty::testing {

// The demo org "acme" with partner "jetair" (points of shop/base: 100 local buy 3 partner points
// after a 30-day window; 1,000 partner points are worth a 500-cent voucher, valid 90 days), the
// partner's gateway played by a PartnerSimulator that knows account "FF-1" of "Smith" and "FF-2"
// of "Jones", and stubs of the PartnerService.
class PartnerTest : public CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    partners_ = v1::PartnerService::NewStub(server_.Channel());
    airline_.AddAccount("FF-1", "Smith");
    airline_.AddAccount("FF-2", "Jones");
    ASSERT_TRUE(CreatePartner("jetair", &partner_).ok());
  }

  grpc::Status CreatePartner(const std::string& code, v1::Partner* response) {
    v1::CreatePartnerRequest request;
    request.set_idempotency_key(NewKey());
    request.set_org_id("acme");
    v1::Partner* partner = request.mutable_partner();
    partner->set_partner_code(code);
    partner->set_name("Jet Air Frequent Flyer");
    partner->set_program_id("shop");
    partner->set_point_type("base");
    partner->set_local_points(100);
    partner->set_partner_points(3);
    partner->set_return_window_days(30);
    partner->set_identity_field(v1::IDENTITY_FIELD_LAST_NAME);
    partner->set_voucher_points(1000);
    partner->mutable_voucher_value()->set_minor_units(500);
    partner->mutable_voucher_value()->set_currency("USD");
    partner->set_voucher_validity_days(90);
    partner->set_gateway_address(airline_.address());
    grpc::ClientContext context;
    return admin_->CreatePartner(&context, request, response);
  }

  grpc::Status Link(const std::string& member, const std::string& account,
                    const std::string& identity, v1::LinkPartnerAccountResponse* response,
                    const std::string& key = NewKey()) {
    v1::LinkPartnerAccountRequest request;
    request.set_org_id("acme");
    request.set_idempotency_key(key);
    request.set_member_id(member);
    request.set_partner_code("jetair");
    request.set_external_number(account);
    request.set_identity(identity);
    grpc::ClientContext context;
    return commands_->LinkPartnerAccount(&context, request, response);
  }

  grpc::Status Unlink(const std::string& member) {
    v1::UnlinkPartnerAccountRequest request;
    request.set_org_id("acme");
    request.set_idempotency_key(NewKey());
    request.set_member_id(member);
    request.set_partner_code("jetair");
    v1::UnlinkPartnerAccountResponse response;
    grpc::ClientContext context;
    return commands_->UnlinkPartnerAccount(&context, request, &response);
  }

  grpc::Status Notify(const std::string& request_id, const std::string& account, int64_t points,
                      v1::VoucherKind kind, v1::NotifyPartnerRedemptionResponse* response) {
    v1::NotifyPartnerRedemptionRequest request;
    request.set_org_id("acme");
    request.set_partner_code("jetair");
    request.set_partner_request_id(request_id);
    request.set_external_number(account);
    request.set_partner_points(points);
    request.set_kind(kind);
    grpc::ClientContext context;
    return partners_->NotifyPartnerRedemption(&context, request, response);
  }

  grpc::Status SpendVoucher(const std::string& member, int64_t voucher_id, int64_t cents,
                            v1::RedeemVoucherResponse* response,
                            const std::string& order = "till-1") {
    v1::RedeemVoucherRequest request;
    request.set_org_id("acme");
    request.set_idempotency_key(NewKey());
    request.set_member_id(member);
    request.set_voucher_id(voucher_id);
    request.set_order_ref(order);
    request.mutable_amount()->set_minor_units(cents);
    request.mutable_amount()->set_currency("USD");
    grpc::ClientContext context;
    return commands_->RedeemVoucher(&context, request, response);
  }

  // Polls `done` every 20 ms, at most 30 s: whether it came true.
  static bool WaitFor(const std::function<bool()>& done) {
    for (int i = 0; i < 1500; ++i) {
      if (done()) return true;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return done();
  }

  // The partner's circuit breaker in the test server lets calls through again.
  bool BreakerLetsCallsThrough() {
    return !server_.gateways().Refusing(partner::PartnerKey("acme", "jetair"), airline_.address());
  }

  store::Context WorkerContext() { return {&server_.pool(), &server_.clock(), pg::RetryPolicy{}}; }

  // One round of the worker's partner jobs: conversions made, then sent.
  void ConvertAndSend(const worker::ConversionRetry& retry = {}) {
    const store::Context context = WorkerContext();
    const absl::StatusOr<int64_t> converted =
        worker::ConvertPoints(context, server_.gateways(), 100);
    ASSERT_TRUE(converted.ok()) << converted.status();
    const absl::StatusOr<int64_t> sent =
        worker::SendConversions(context, server_.gateways(), 100, retry);
    ASSERT_TRUE(sent.ok()) << sent.status();
  }

  // The one value of `sql` as text.
  std::string QueryText(const std::string& sql) {
    auto connection = pg::Connection::Open(server_.database_url());
    EXPECT_TRUE(connection.ok());
    auto result = (*connection)->ExecuteText(sql);
    EXPECT_TRUE(result.ok()) << result.status();
    return result->Rows() == 0 || result->IsNull(0, 0) ? "" : std::string(result->Text(0, 0));
  }

  int64_t AvailableOf(const std::string& member) {
    return QueryInt("SELECT coalesce(sum(remaining - held), 0) FROM lots WHERE member_id = '" +
                    member + "' AND point_type = 'base'") -
           QueryInt("SELECT coalesce(sum(debt), 0) FROM enrolments WHERE member_id = '" + member +
                    "' AND program_id = 'shop'");
  }

  PartnerSimulator airline_;
  v1::Partner partner_;
  std::unique_ptr<v1::PartnerService::Stub> partners_;
};

}  // namespace loyalty::testing
