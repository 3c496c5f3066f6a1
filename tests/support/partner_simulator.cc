#include "tests/support/partner_simulator.h"

#include "absl/strings/str_cat.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "libs/base/check.h"

namespace loyalty::testing {

PartnerSimulator::PartnerSimulator(std::shared_ptr<grpc::ServerCredentials> credentials) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0",
                           credentials != nullptr ? credentials : grpc::InsecureServerCredentials(),
                           &port_);
  builder.RegisterService(this);
  server_ = builder.BuildAndStart();
  LOYALTY_CHECK(server_ != nullptr && port_ > 0);
}

PartnerSimulator::~PartnerSimulator() { server_->Shutdown(std::chrono::system_clock::now()); }

std::string PartnerSimulator::address() const { return absl::StrCat("127.0.0.1:", port_); }

void PartnerSimulator::AddAccount(const std::string& external_number, const std::string& identity) {
  absl::MutexLock lock(&mutex_);
  accounts_[external_number] = identity;
}

void PartnerSimulator::SetMode(Mode mode) {
  absl::MutexLock lock(&mutex_);
  mode_ = mode;
}

void PartnerSimulator::set_stall_for(absl::Duration stall) {
  absl::MutexLock lock(&mutex_);
  stall_for_ = stall;
}

int PartnerSimulator::calls(const std::string& method) {
  absl::MutexLock lock(&mutex_);
  return calls_[method];
}

int64_t PartnerSimulator::credited(const std::string& external_number) {
  absl::MutexLock lock(&mutex_);
  return credited_[external_number];
}

int PartnerSimulator::credits() {
  absl::MutexLock lock(&mutex_);
  return static_cast<int>(credit_references_.size());
}

grpc::Status PartnerSimulator::Answer(const std::string& method) {
  Mode mode;
  absl::Duration stall;
  {
    absl::MutexLock lock(&mutex_);
    ++calls_[method];
    mode = mode_;
    stall = stall_for_;
  }
  switch (mode) {
    case Mode::kAnswer:
      return grpc::Status::OK;
    case Mode::kRefuse:
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "account closed");
    case Mode::kFail:
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "partner down");
    case Mode::kStall:
      absl::SleepFor(stall);
      return grpc::Status::OK;
  }
  return grpc::Status::OK;
}

grpc::Status PartnerSimulator::VerifyAccount(grpc::ServerContext*,
                                             const partner::v1::VerifyAccountRequest* request,
                                             partner::v1::VerifyAccountResponse* response) {
  const grpc::Status status = Answer("VerifyAccount");
  if (!status.ok()) return status;
  absl::MutexLock lock(&mutex_);
  auto account = accounts_.find(request->external_number());
  if (account == accounts_.end()) {
    response->set_reason("unknown account");
  } else if (account->second != request->identity()) {
    response->set_reason("identity does not match");
  } else {
    response->set_verified(true);
  }
  return grpc::Status::OK;
}

grpc::Status PartnerSimulator::CreditPoints(grpc::ServerContext*,
                                            const partner::v1::CreditPointsRequest* request,
                                            partner::v1::CreditPointsResponse* response) {
  const grpc::Status status = Answer("CreditPoints");
  if (!status.ok()) return status;
  absl::MutexLock lock(&mutex_);
  if (!accounts_.contains(request->external_number())) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown account");
  }
  auto [reference, credited] = credit_references_.try_emplace(
      request->conversion_id(), absl::StrCat("credit-", credit_references_.size() + 1));
  if (credited) credited_[request->external_number()] += request->partner_points();
  response->set_partner_reference(reference->second);
  return grpc::Status::OK;
}

}  // namespace loyalty::testing
