// Every RPC of every service over real mutual TLS, by each kind of caller: no certificate, a
// certificate of an untrusted CA, an expired certificate, a role the method does not allow,
// another organisation (existing or not), and an allowed caller. Each refusal has its exact
// status and reason, and the refused calls write nothing.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "libs/rpc/access_policy.h"
#include "loyalty/v1/admin.grpc.pb.h"
#include "loyalty/v1/command.grpc.pb.h"
#include "loyalty/v1/partner.grpc.pb.h"
#include "loyalty/v1/query.grpc.pb.h"
#include "tests/security/access_env.h"
#include "tests/support/raw_call.h"
#include "tests/support/status_details.h"

namespace loyalty::testing {
namespace {

struct Method {
  std::string service;  // "loyalty.v1.CommandService"
  std::string name;     // "Accrue"
  const google::protobuf::Descriptor* request;
  std::string Path() const { return "/" + service + "/" + name; }
};

std::vector<Method> EveryMethod() {
  std::vector<Method> methods;
  for (const char* service : {"loyalty.v1.CommandService", "loyalty.v1.AdminService",
                              "loyalty.v1.QueryService", "loyalty.v1.PartnerService"}) {
    const google::protobuf::ServiceDescriptor* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
    for (int i = 0; i < descriptor->method_count(); ++i) {
      methods.push_back({service, descriptor->method(i)->name(),
                         descriptor->method(i)->input_type()});
    }
  }
  return methods;
}

// The method's request with every field at its default but org_id.
std::string RequestFor(const Method& method, const std::string& org_id) {
  std::unique_ptr<google::protobuf::Message> request(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(method.request)->New());
  const google::protobuf::FieldDescriptor* field = method.request->FindFieldByName("org_id");
  EXPECT_NE(field, nullptr) << method.Path() << " names no organisation";
  if (field != nullptr) request->GetReflection()->SetString(request.get(), field, org_id);
  return request->SerializeAsString();
}

class AccessMatrixTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { env_ = new AccessEnv(); }
  static void TearDownTestSuite() {
    delete env_;
    env_ = nullptr;
  }

  // The call of `method` on `org_id` by `caller`, on a channel of its own.
  static grpc::Status Call(const Method& method, const rpc::ClientTls& caller,
                           const std::string& org_id) {
    const bool query = method.service == "loyalty.v1.QueryService";
    grpc::GenericStub stub(query ? env_->query().Channel(caller)
                                 : env_->command().Channel(caller));
    std::string reply;
    return RawCall(stub, method.Path(), RequestFor(method, org_id), &reply);
  }

  // The caller whose role allows `method` on acme, and one whose role does not.
  static const rpc::ClientTls& Allowed(const Method& method) {
    switch (rpc::RequiredRole(method.service, method.name, true)) {
      case rpc::Role::kEarnBurn: return env_->shop;
      case rpc::Role::kAdmin: return env_->admin;
      case rpc::Role::kRead: return env_->reader;
      case rpc::Role::kPartner:
        return env_->partner;
      default: return env_->acme_op;
    }
  }
  static const rpc::ClientTls& WrongRole(const Method& method) {
    switch (rpc::RequiredRole(method.service, method.name, true)) {
      case rpc::Role::kEarnBurn: return env_->reader;
      case rpc::Role::kOperator: return env_->admin;  // CreateOrganisation: admin is not enough
      default: return env_->shop;
    }
  }

  // Runs `refused` (calls that must all be refused) and expects the database unchanged.
  template <typename Calls>
  static void ExpectNothingWritten(Calls refused) {
    const std::string before = DatabaseFingerprint(env_->command().database_url());
    refused();
    EXPECT_EQ(DatabaseFingerprint(env_->command().database_url()), before)
        << "a refused call wrote to the database";
  }

  static AccessEnv* env_;
};

AccessEnv* AccessMatrixTest::env_ = nullptr;

TEST_F(AccessMatrixTest, ACallWithoutACertificateIsUnauthenticated) {
  ExpectNothingWritten([] {
    for (const Method& method : EveryMethod()) {
      const grpc::Status status = Call(method, env_->anonymous, kOrg);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << method.Path();
      EXPECT_EQ(ErrorReason(status), "UNAUTHENTICATED") << method.Path();
      EXPECT_TRUE(absl::StrContains(status.error_message(), "client certificate"))
          << method.Path() << ": " << status.error_message();
    }
  });
}

// A certificate that does not verify fails the TLS handshake: the call never reaches a service.
TEST_F(AccessMatrixTest, ACertificateOfAnUntrustedCaOrExpiredFailsTheHandshake) {
  ExpectNothingWritten([] {
    for (const Method& method : EveryMethod()) {
      for (const rpc::ClientTls* caller : {&env_->untrusted, &env_->expired}) {
        const grpc::Status status = Call(method, *caller, kOrg);
        EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
            << method.Path() << " by " << caller->cert << ": " << status.error_message();
      }
    }
  });
}

TEST_F(AccessMatrixTest, ARoleTheMethodDoesNotAllowIsDeniedNamingTheMethod) {
  ExpectNothingWritten([] {
    for (const Method& method : EveryMethod()) {
      const grpc::Status status = Call(method, WrongRole(method), kOrg);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << method.Path();
      EXPECT_EQ(ErrorReason(status), rpc::kCallerNotAllowed) << method.Path();
      EXPECT_TRUE(absl::StrContains(status.error_message(), method.Path().substr(1)))
          << status.error_message();
    }
  });
}

// Another organisation is refused the same way whether it exists or not: nothing about it leaks.
TEST_F(AccessMatrixTest, AnotherOrganisationIsDeniedAlikeWhetherItExistsOrNot) {
  ExpectNothingWritten([] {
    for (const Method& method : EveryMethod()) {
      const grpc::Status existing = Call(method, Allowed(method), kOtherOrg);
      const grpc::Status missing = Call(method, Allowed(method), kMissingOrg);
      for (const grpc::Status* status : {&existing, &missing}) {
        EXPECT_EQ(status->error_code(), grpc::StatusCode::PERMISSION_DENIED) << method.Path();
        EXPECT_EQ(ErrorReason(*status), rpc::kCallerNotAllowed) << method.Path();
      }
      EXPECT_TRUE(absl::StrContains(existing.error_message(), kOtherOrg))
          << existing.error_message();
      EXPECT_EQ(absl::StrReplaceAll(existing.error_message(), {{kOtherOrg, "X"}}),
                absl::StrReplaceAll(missing.error_message(), {{kMissingOrg, "X"}}))
          << method.Path();
      EXPECT_EQ(ErrorInfoOf(existing).metadata_size(), ErrorInfoOf(missing).metadata_size());
    }
  });
}

// An allowed caller's call reaches its handler: whatever it answers to a request of defaults
// (often INVALID_ARGUMENT), it is not an access refusal. Operator may call every method.
TEST_F(AccessMatrixTest, AnAllowedCallerReachesTheMethod) {
  for (const Method& method : EveryMethod()) {
    for (const rpc::ClientTls* caller : {&Allowed(method), &std::as_const(env_->op)}) {
      const grpc::Status status = Call(method, *caller, kOrg);
      EXPECT_NE(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << method.Path();
      EXPECT_NE(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
          << method.Path() << ": " << status.error_message();
      EXPECT_NE(status.error_code(), grpc::StatusCode::UNAVAILABLE) << method.Path();
      EXPECT_NE(ErrorReason(status), rpc::kCallerNotAllowed) << method.Path();
    }
  }
}

// The identity is the SPIFFE ID (shop's DNS SAN is ignored), else the DNS SAN (admin's common
// name is ignored), else the common name (reader), and a grant may match by prefix (app).
TEST_F(AccessMatrixTest, EachKindOfIdentityIsRecognised) {
  auto commands = v1::CommandService::NewStub(env_->command().Channel(env_->shop));
  grpc::ClientContext accrue_context;
  v1::AccrueRequest accrue;
  accrue.set_org_id(kOrg);
  accrue.set_member_id("ann");
  accrue.set_idempotency_key("access-accrue-1");
  accrue.set_point_type("base");
  accrue.mutable_explicit_points()->set_points(40);
  accrue.mutable_explicit_points()->set_description("welcome");
  v1::AccrueResponse accrued;
  const grpc::Status status = commands->Accrue(&accrue_context, accrue, &accrued);
  ASSERT_TRUE(status.ok()) << status.error_message();

  v1::GetMemberRequest get_member;
  get_member.set_org_id(kOrg);
  get_member.set_member_id("ann");
  v1::Member member;
  grpc::ClientContext member_context;
  EXPECT_TRUE(v1::AdminService::NewStub(env_->command().Channel(env_->admin))
                  ->GetMember(&member_context, get_member, &member)
                  .ok());

  for (const rpc::ClientTls* caller : {&env_->reader, &env_->app}) {
    v1::GetBalancesRequest balances;
    balances.set_org_id(kOrg);
    balances.set_member_id("ann");
    balances.set_min_position(accrued.ledger_position());
    v1::GetBalancesResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    const grpc::Status read = v1::QueryService::NewStub(env_->query().Channel(*caller))
                                  ->GetBalances(&context, balances, &response);
    EXPECT_TRUE(read.ok()) << caller->cert << ": " << read.error_message();
  }
}

}  // namespace
}  // namespace loyalty::testing
