// Request bodies that do not parse, sent as raw bytes through real gRPC to every method of
// CommandService, AdminService and QueryService: INVALID_ARGUMENT naming the request message,
// nothing written, a bounded log, and the servers answer normally afterwards.

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "grpcpp/client_context.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "libs/pg/connection.h"
#include "loyalty/v1/admin.grpc.pb.h"
#include "loyalty/v1/command.grpc.pb.h"
#include "loyalty/v1/query.grpc.pb.h"
#include "tests/support/command_server.h"
#include "tests/support/demo_org.h"
#include "tests/support/query_server.h"
#include "tests/support/raw_call.h"
#include "tests/support/status_details.h"

namespace loyalty::testing {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;
using google::protobuf::ServiceDescriptor;

const ServiceDescriptor& Service(const std::string& name) {
  const ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
  EXPECT_NE(service, nullptr) << name;
  return *service;
}

// Whether `bytes` parse as `type`, as any protobuf library would decide.
bool Parses(const Descriptor& type, const std::string& bytes) {
  std::unique_ptr<google::protobuf::Message> message(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(&type)->New());
  return message->ParseFromString(bytes);
}

// A field of `type` of protobuf type string: its number, or 0 when it has none.
int StringField(const Descriptor& type) {
  for (int i = 0; i < type.field_count(); ++i) {
    if (type.field(i)->type() == FieldDescriptor::TYPE_STRING) return type.field(i)->number();
  }
  return 0;
}

// The string field `number` holding the two bytes C3 28 (not UTF-8).
std::string InvalidUtf8(int number) {
  std::string bytes;
  bytes.push_back(static_cast<char>((number << 3) | 2));
  bytes.append("\x02\xc3\x28");
  return bytes;
}

// Bodies that do not parse as `type`: invalid UTF-8 in a string field, a length past the end, a
// varint tag of eleven bytes, field number 0, wire type 7, and random bytes that do not parse.
std::vector<std::string> BadBodies(const Descriptor& type) {
  std::vector<std::string> bodies = {
      std::string("\x0a\x0a\x41\x42", 4),
      std::string(11, '\xff'),
      std::string("\x00\x01", 2),
      std::string("\x0f\x01", 2),
  };
  if (const int number = StringField(type); number != 0 && number < 16) {
    bodies.push_back(InvalidUtf8(number));
  }
  std::mt19937 random(7);
  for (int i = 0; i < 8; ++i) {
    std::string bytes(1 + random() % 40, '\0');
    for (char& byte : bytes) byte = static_cast<char>(random());
    if (!Parses(type, bytes)) bodies.push_back(bytes);
  }
  for (const std::string& body : bodies) EXPECT_FALSE(Parses(type, body));
  return bodies;
}

// Sends every bad body to every method of `service` and checks each answer.
void ExpectEveryMethodRefusesBadBodies(grpc::GenericStub& stub, const ServiceDescriptor& service) {
  ASSERT_GT(service.method_count(), 0);
  for (int i = 0; i < service.method_count(); ++i) {
    const MethodDescriptor& method = *service.method(i);
    const std::string path = absl::StrCat("/", service.full_name(), "/", method.name());
    for (const std::string& body : BadBodies(*method.input_type())) {
      std::string reply;
      const grpc::Status status = RawCall(stub, path, body, &reply);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << path;
      EXPECT_NE(status.error_message().find(absl::StrCat(
                    "the request is not a valid ", method.input_type()->full_name())),
                std::string::npos)
          << path << ": " << status.error_message();
      EXPECT_EQ(ErrorInfoOf(status).domain(), "loyalty.v1") << path;
      // It names no field: no google.rpc.BadRequest.
      EXPECT_EQ(ErrorField(status), "") << path;
      EXPECT_EQ(DetailOf<google::rpc::BadRequest>(status).field_violations_size(), 0) << path;
    }
  }
}

class MalformedRequestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    admin_ = v1::AdminService::NewStub(command_server_.Channel());
    CreateDemoOrg(*admin_, "acme", {"alice"});
  }

  int64_t QueryInt(const std::string& query) {
    auto sql = pg::Connection::Open(command_server_.database_url());
    EXPECT_TRUE(sql.ok());
    auto result = (*sql)->ExecuteText(query);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? result->Int64(0, 0) : -1;
  }

  // Rows of the tables a call could write.
  int64_t Rows() {
    return QueryInt(
        "SELECT (SELECT count(*) FROM idempotency_keys) + (SELECT count(*) FROM ledger_entries)"
        " + (SELECT count(*) FROM members) + (SELECT count(*) FROM programs)"
        " + (SELECT count(*) FROM orgs)");
  }

  CommandServer command_server_;
  QueryServer query_server_{command_server_.database_url(), &command_server_.clock(), true};
  std::unique_ptr<v1::AdminService::Stub> admin_;
};

TEST_F(MalformedRequestTest, EveryMethodRefusesABodyThatDoesNotParseAndChangesNothing) {
  const int64_t rows = Rows();
  grpc::GenericStub commands(command_server_.Channel());
  grpc::GenericStub queries(query_server_.Channel());
  ExpectEveryMethodRefusesBadBodies(commands, Service("loyalty.v1.CommandService"));
  ExpectEveryMethodRefusesBadBodies(commands, Service("loyalty.v1.AdminService"));
  ExpectEveryMethodRefusesBadBodies(queries, Service("loyalty.v1.QueryService"));
  EXPECT_EQ(Rows(), rows);

  // The servers go on answering well-formed calls.
  v1::AccrueRequest accrue;
  accrue.set_org_id("acme");
  accrue.set_idempotency_key(NewKey());
  accrue.set_member_id("alice");
  accrue.mutable_explicit_points()->set_points(5);
  accrue.mutable_explicit_points()->set_description("after the bad bodies");
  v1::AccrueResponse accrued;
  grpc::ClientContext accrue_context;
  const grpc::Status accrue_status = v1::CommandService::NewStub(command_server_.Channel())
                                         ->Accrue(&accrue_context, accrue, &accrued);
  EXPECT_TRUE(accrue_status.ok()) << accrue_status.error_message();

  v1::GetOrganisationRequest get_org;
  get_org.set_org_id("acme");
  v1::Organisation organisation;
  grpc::ClientContext org_context;
  EXPECT_TRUE(admin_->GetOrganisation(&org_context, get_org, &organisation).ok());
  EXPECT_EQ(organisation.org_id(), "acme");

  v1::GetBalancesRequest balances;
  balances.set_org_id("acme");
  balances.set_member_id("alice");
  balances.set_min_position(accrued.ledger_position());
  v1::GetBalancesResponse balances_response;
  grpc::ClientContext balances_context;
  const grpc::Status balances_status = v1::QueryService::NewStub(query_server_.Channel())
                                           ->GetBalances(&balances_context, balances,
                                                         &balances_response);
  EXPECT_TRUE(balances_status.ok()) << balances_status.error_message();
}

TEST_F(MalformedRequestTest, InvalidUtf8WritesABoundedNumberOfLogLines) {
  grpc::GenericStub commands(command_server_.Channel());
  const std::string body = InvalidUtf8(2);  // AccrueRequest.idempotency_key
  ASSERT_FALSE(Parses(*v1::AccrueRequest::descriptor(), body));
  constexpr int kCalls = 100;
  ::testing::internal::CaptureStderr();
  for (int i = 0; i < kCalls; ++i) {
    std::string reply;
    EXPECT_EQ(RawCall(commands, "/loyalty.v1.CommandService/Accrue", body, &reply).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
  const std::string log = ::testing::internal::GetCapturedStderr();
  int utf8_lines = 0;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (absl::StrContains(line, "UTF-8")) ++utf8_lines;
  }
  // At most 10 protobuf lines a minute; the rest are counted, not written.
  EXPECT_LE(utf8_lines, 10) << log;
}

}  // namespace
}  // namespace loyalty::testing
