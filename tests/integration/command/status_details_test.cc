// What a refused call carries, through real gRPC: the grpc-status-details-bin trailer is a
// google.rpc.Status (its code and message the call's) holding a real google.rpc.ErrorInfo and, for
// an invalid field, a google.rpc.BadRequest, both unpacked by type URL as every language's
// Any.Unpack does; the message does not repeat the reason. And the W3C trace context: a valid
// `traceparent` is kept on the call's ledger entries, an invalid one is ignored.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "tests/integration/command_test_base.h"

namespace loyalty::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The google.rpc.Status of `status`, checked against the call's code and message.
google::rpc::Status CheckedDetails(const grpc::Status& status) {
  google::rpc::Status details;
  EXPECT_TRUE(details.ParseFromString(status.error_details())) << status.error_message();
  EXPECT_EQ(details.code(), static_cast<int>(status.error_code()));
  EXPECT_EQ(details.message(), status.error_message());
  return details;
}

// How many details of `status` are a `Detail`.
template <typename Detail>
int Count(const google::rpc::Status& details) {
  int count = 0;
  for (const google::protobuf::Any& any : details.details()) count += any.Is<Detail>() ? 1 : 0;
  return count;
}

TEST_F(CommandTest, ARefusalCarriesAGoogleRpcErrorInfo) {
  Give("alice", 40);
  v1::RedeemResponse response;
  const grpc::Status refused = Redeem("alice", 100, &response);
  ASSERT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  const google::rpc::Status details = CheckedDetails(refused);
  ASSERT_EQ(details.details_size(), 1);
  EXPECT_EQ(details.details(0).type_url(), "type.googleapis.com/google.rpc.ErrorInfo");
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(details.details(0).UnpackTo(&info));
  EXPECT_EQ(info.reason(), "INSUFFICIENT_POINTS");
  EXPECT_EQ(info.domain(), "loyalty.v1");
  EXPECT_THAT(refused.error_message(), Not(HasSubstr("INSUFFICIENT_POINTS")));
  EXPECT_THAT(refused.error_message(), HasSubstr("40"));
  EXPECT_EQ(Count<google::rpc::BadRequest>(details), 0);
}

TEST_F(CommandTest, AnInvalidFieldCarriesABadRequestNamingIt) {
  v1::RedeemResponse response;
  const grpc::Status refused = Redeem("alice", 0, &response);
  ASSERT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const google::rpc::Status details = CheckedDetails(refused);
  ASSERT_EQ(Count<google::rpc::ErrorInfo>(details), 1);
  ASSERT_EQ(Count<google::rpc::BadRequest>(details), 1);
  const google::rpc::ErrorInfo info = DetailOf<google::rpc::ErrorInfo>(refused);
  EXPECT_EQ(info.reason(), "INVALID_FIELD");
  EXPECT_EQ(info.metadata().at("field"), "points");
  const google::rpc::BadRequest bad_request = DetailOf<google::rpc::BadRequest>(refused);
  ASSERT_EQ(bad_request.field_violations_size(), 1);
  EXPECT_EQ(bad_request.field_violations(0).field(), "points");
  EXPECT_FALSE(bad_request.field_violations(0).description().empty());
  EXPECT_EQ(refused.error_message(),
            absl::StrCat("points: ", bad_request.field_violations(0).description()));
}

class TraceContextTest : public CommandTest {
 protected:
  // An award to alice with `traceparent` metadata (none when empty); the trace_id of its ledger
  // entry.
  std::string AwardTraced(const std::vector<std::string>& traceparents) {
    v1::AccrueRequest request;
    request.set_org_id("acme");
    request.set_idempotency_key(NewKey());
    request.set_member_id("alice");
    request.mutable_explicit_points()->set_points(5);
    request.mutable_explicit_points()->set_description(request.idempotency_key());
    grpc::ClientContext context;
    for (const std::string& traceparent : traceparents) {
      context.AddMetadata("traceparent", traceparent);
    }
    v1::AccrueResponse response;
    const grpc::Status status = commands_->Accrue(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    auto connection = pg::Connection::Open(server_.database_url());
    EXPECT_TRUE(connection.ok());
    auto rows = (*connection)
                    ->ExecuteText("SELECT trace_id FROM ledger_entries WHERE description = $1",
                                  pg::Params().Add(request.idempotency_key()));
    EXPECT_TRUE(rows.ok()) << rows.status();
    EXPECT_EQ(rows->Rows(), 1);
    return rows->Rows() == 1 ? std::string(rows->Text(0, 0)) : "?";
  }
};

TEST_F(TraceContextTest, AValidTraceparentIsKeptOnTheLedgerEntries) {
  EXPECT_EQ(AwardTraced({"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}),
            "4bf92f3577b34da6a3ce929d0e0e4736");
  // A later version may add fields.
  EXPECT_EQ(AwardTraced({"01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00-extra"}),
            "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(AwardTraced({}), "");
}

TEST_F(TraceContextTest, AnInvalidTraceparentIsIgnoredAndTheCallServed) {
  for (const char* invalid : {
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01",    // upper case
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",    // all-zero trace id
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",    // all-zero parent id
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // version ff
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",  // 00 with more
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",       // no flags
           "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",    // separators
           "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",    // not hex
           "",
       }) {
    EXPECT_EQ(AwardTraced({invalid}), "") << invalid;
  }
  // Two traceparent headers: neither is taken.
  EXPECT_EQ(AwardTraced({"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                         "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}),
            "");
}

}  // namespace
}  // namespace loyalty::testing
