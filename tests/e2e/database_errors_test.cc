// What a client is told when the database fails, through the real binaries and real gRPC
// clients: a fixed message with a request id and a reason code, never libpq's or PostgreSQL's
// text (no "PostgreSQL", host, port, SQL or statement name); the service log has that text under
// the same request id. PostgreSQL stopped (UNAVAILABLE) for loyalty-command and loyalty-query,
// and a statement failing inside the server (INTERNAL); the log line names the trace id of the
// call's W3C traceparent.

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "libs/pg/connection.h"
#include "loyalty/v1/admin.grpc.pb.h"
#include "loyalty/v1/command.grpc.pb.h"
#include "loyalty/v1/query.grpc.pb.h"
#include "tests/support/demo_org.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/service_process.h"
#include "tests/support/status_details.h"

namespace loyalty::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

constexpr char kOrg[] = "db-errors";
constexpr absl::Duration kStartTimeout = absl::Seconds(60);
constexpr int kCallsWhileDown = 3;

std::string Loopback(int port) { return absl::StrCat("127.0.0.1:", port); }

std::string RequestIdOf(const grpc::Status& status) {
  const google::rpc::ErrorInfo info = ErrorInfoOf(status);
  auto found = info.metadata().find("request_id");
  return found == info.metadata().end() ? "" : found->second;
}

// The service log's line that names `request_id`, or "".
std::string LogLineOf(const std::string& log_path, const std::string& request_id) {
  std::ifstream log(log_path);
  std::string line;
  while (!request_id.empty() && std::getline(log, line)) {
    if (line.find(request_id) != std::string::npos) return line;
  }
  return "";
}

class DatabaseErrorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = cluster_.CreateDatabase();
    command_ = Service(LOYALTY_COMMAND_BINARY, command_port_, "command");
    ASSERT_TRUE(command_->Start(kStartTimeout)) << command_->LogTail();
    query_ = Service(LOYALTY_QUERY_BINARY, query_port_, "query");
    ASSERT_TRUE(query_->Start(kStartTimeout)) << query_->LogTail();
    auto channel = grpc::CreateChannel(Loopback(command_port_), grpc::InsecureChannelCredentials());
    admin_ = v1::AdminService::NewStub(channel);
    commands_ = v1::CommandService::NewStub(channel);
    queries_ = v1::QueryService::NewStub(
        grpc::CreateChannel(Loopback(query_port_), grpc::InsecureChannelCredentials()));
    CreateDemoOrg(*admin_, kOrg, {"ann"});
  }

  void TearDown() override {
    command_.reset();
    query_.reset();
    for (const auto& [name, log] : logs_) std::remove(log.c_str());
  }

  std::unique_ptr<ServiceProcess> Service(const char* binary, int port, const std::string& name) {
    const std::string log = absl::StrCat(::testing::TempDir(), "/db-errors-", name, "-", port, ".log");
    logs_[name] = log;
    return std::make_unique<ServiceProcess>(
        binary,
        std::vector<std::string>{"serve", "--database_url=" + url_, "--listen=" + Loopback(port),
                                 "--metrics_listen=", "--insecure_plaintext"},
        port, log);
  }

  // One call with a deadline; its status.
  template <typename Stub, typename Request, typename Response>
  static grpc::Status Call(Stub& stub,
                           grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                        Response*),
                           const Request& request) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    Response response;
    return (stub.*method)(&context, request, &response);
  }

  grpc::Status Accrue() {
    v1::AccrueRequest request;
    request.set_org_id(kOrg);
    request.set_idempotency_key(NewKey());
    request.set_member_id("ann");
    request.mutable_explicit_points()->set_points(10);
    request.mutable_explicit_points()->set_description("welcome");
    return Call(*commands_, &v1::CommandService::Stub::Accrue, request);
  }

  grpc::Status GetBalances() {
    v1::GetBalancesRequest request;
    request.set_org_id(kOrg);
    request.set_member_id("ann");
    return Call(*queries_, &v1::QueryService::Stub::GetBalances, request);
  }

  // Makes every insert of an org fail in the server (a trigger that raises).
  void RefuseOrgInserts() {
    auto sql = pg::Connection::Open(url_);
    ASSERT_TRUE(sql.ok()) << sql.status();
    ASSERT_TRUE((*sql)
                    ->ExecuteText("CREATE FUNCTION refuse_orgs() RETURNS trigger LANGUAGE plpgsql "
                                  "AS $$ BEGIN RAISE EXCEPTION 'secret internals of %', "
                                  "NEW.org_id; END $$; "
                                  "CREATE TRIGGER refuse_orgs BEFORE INSERT ON orgs FOR EACH ROW "
                                  "EXECUTE FUNCTION refuse_orgs()")
                    .ok());
  }

  // CreateOrganisation "refused-org", with `traceparent` metadata unless it is empty.
  grpc::Status CreateOrganisation(const std::string& traceparent) {
    v1::CreateOrganisationRequest request;
    request.set_idempotency_key(NewKey());
    request.set_org_id("refused-org");
    request.set_name("Refused");
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    if (!traceparent.empty()) context.AddMetadata("traceparent", traceparent);
    v1::Organisation response;
    return admin_->CreateOrganisation(&context, request, &response);
  }

  grpc::Status GetOrganisation() {
    v1::GetOrganisationRequest request;
    request.set_org_id(kOrg);
    return Call(*admin_, &v1::AdminService::Stub::GetOrganisation, request);
  }

  // Nothing of the database's text in what the client got: not in the message, not in the
  // details.
  void ExpectNoInternals(const grpc::Status& status, const std::string& what) {
    const std::string port = absl::StrCat(cluster_.port());
    for (const std::string& text : {status.error_message(), status.error_details()}) {
      for (const std::string& internal :
           {std::string("PostgreSQL"), std::string("postgres"), std::string("127.0.0.1"),
            std::string("connection to server"), std::string("libpq"), port,
            std::string("secret internals"), std::string("INSERT"), std::string("insert_org")}) {
        EXPECT_THAT(text, Not(HasSubstr(internal))) << what << ": " << status.error_message();
      }
    }
  }

  // The log line of the request id the status carries has the database's text (`detail`).
  void ExpectLogged(const grpc::Status& status, const std::string& service,
                    const std::string& detail, const std::string& what) {
    const std::string request_id = RequestIdOf(status);
    ASSERT_FALSE(request_id.empty()) << what << ": " << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr(request_id)) << what;
    EXPECT_THAT(LogLineOf(logs_[service], request_id), HasSubstr(detail))
        << what << ", request id " << request_id << "; log:\n"
        << (service == "command" ? command_ : query_)->LogTail();
  }

  PgCluster cluster_;
  std::string url_;
  const int command_port_ = FreeLoopbackPort();
  const int query_port_ = FreeLoopbackPort();
  std::map<std::string, std::string> logs_;
  std::unique_ptr<ServiceProcess> command_;
  std::unique_ptr<ServiceProcess> query_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
  std::unique_ptr<v1::CommandService::Stub> commands_;
  std::unique_ptr<v1::QueryService::Stub> queries_;
};

TEST_F(DatabaseErrorsTest, DatabaseStoppedIsUnavailableWithoutItsText) {
  ASSERT_TRUE(Accrue().ok());
  ASSERT_TRUE(GetBalances().ok());
  cluster_.Crash();
  // The first calls find their pooled connections broken, the next ones cannot connect.
  for (int i = 0; i < kCallsWhileDown; ++i) {
    const std::vector<std::pair<std::string, grpc::Status>> calls = {
        {"command", Accrue()}, {"command", GetOrganisation()}, {"query", GetBalances()}};
    for (const auto& [service, status] : calls) {
      const std::string what = absl::StrCat(service, " call ", i, ": ", status.error_message());
      EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << what;
      EXPECT_EQ(ErrorReason(status), "UNAVAILABLE") << what;
      EXPECT_THAT(status.error_message(),
                  MatchesRegex("the database is unavailable; retry with the same idempotency key "
                               "\\(request id [a-z0-9-]+\\)"));
      ExpectNoInternals(status, what);
      if (i == kCallsWhileDown - 1) {
        // By now the service reconnects and libpq says why it cannot.
        ExpectLogged(status, service, absl::StrCat("port ", cluster_.port()), what);
      }
    }
  }
  cluster_.Restart();
}

TEST_F(DatabaseErrorsTest, FailingStatementIsInternalWithoutItsText) {
  RefuseOrgInserts();
  const grpc::Status status = CreateOrganisation("");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL) << status.error_message();
  EXPECT_EQ(ErrorReason(status), "INTERNAL");
  EXPECT_THAT(status.error_message(), MatchesRegex("internal error \\(request id [a-z0-9-]+\\)"));
  ExpectNoInternals(status, "CreateOrganisation");
  ExpectLogged(status, "command", "secret internals of refused-org", "CreateOrganisation");
  ExpectLogged(status, "command", "admin_insert_org", "CreateOrganisation");
}

// The W3C trace id of a call's `traceparent` is on the log line of its request id; an invalid
// traceparent is left out.
TEST_F(DatabaseErrorsTest, TheTraceIdIsLoggedWithTheRequestId) {
  RefuseOrgInserts();
  const grpc::Status traced =
      CreateOrganisation("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  EXPECT_EQ(traced.error_code(), grpc::StatusCode::INTERNAL) << traced.error_message();
  ExpectLogged(traced, "command", "(trace 4bf92f3577b34da6a3ce929d0e0e4736): INTERNAL: ", "traced");
  const grpc::Status invalid =
      CreateOrganisation("00-00000000000000000000000000000000-00f067aa0ba902b7-01");
  EXPECT_EQ(invalid.error_code(), grpc::StatusCode::INTERNAL) << invalid.error_message();
  ExpectLogged(invalid, "command", "INTERNAL: admin_insert_org", "invalid traceparent");
  EXPECT_THAT(LogLineOf(logs_["command"], RequestIdOf(invalid)), Not(HasSubstr("trace")));
}

}  // namespace
}  // namespace loyalty::testing
