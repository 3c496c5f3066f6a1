#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "loyalty/partner/v1/gateway.grpc.pb.h"

namespace loyalty::testing {

// The airline in tests: a PartnerGateway on a real gRPC port at 127.0.0.1:<free port> (plaintext,
// or with the credentials given: mutual TLS as a partner would ask), with switches for refusals,
// timeouts and failures. It stands in for the partner, never for our services. Credits are
// idempotent by conversion id, as the protocol asks.
class PartnerSimulator final : public partner::v1::PartnerGateway::Service {
 public:
  // How it answers every call from now on.
  enum class Mode {
    kAnswer,  // verifies against its accounts, credits
    kRefuse,  // FAILED_PRECONDITION "account closed" (a definite refusal)
    kFail,    // UNAVAILABLE
    kStall,   // sleeps past any test deadline (stall_for), then answers as kAnswer
  };

  explicit PartnerSimulator(std::shared_ptr<grpc::ServerCredentials> credentials = nullptr);
  ~PartnerSimulator() override;

  std::string address() const;  // "127.0.0.1:<port>"
  void AddAccount(const std::string& external_number, const std::string& identity);
  void SetMode(Mode mode);
  void set_stall_for(absl::Duration stall) ABSL_LOCKS_EXCLUDED(mutex_);

  // What it has seen.
  int calls(const std::string& method);                  // "VerifyAccount" / "CreditPoints"
  int64_t credited(const std::string& external_number);  // partner points credited, once per id
  int credits();                                         // distinct conversion ids credited

  grpc::Status VerifyAccount(grpc::ServerContext* context,
                             const partner::v1::VerifyAccountRequest* request,
                             partner::v1::VerifyAccountResponse* response) override;
  grpc::Status CreditPoints(grpc::ServerContext* context,
                            const partner::v1::CreditPointsRequest* request,
                            partner::v1::CreditPointsResponse* response) override;

 private:
  // The status the mode gives, after stalling when it says so; OK for kAnswer.
  grpc::Status Answer(const std::string& method);

  absl::Mutex mutex_;
  Mode mode_ ABSL_GUARDED_BY(mutex_) = Mode::kAnswer;
  absl::Duration stall_for_ ABSL_GUARDED_BY(mutex_) = absl::Seconds(2);
  std::map<std::string, std::string> accounts_ ABSL_GUARDED_BY(mutex_);  // number -> identity
  std::map<std::string, int> calls_ ABSL_GUARDED_BY(mutex_);
  std::map<std::string, std::string> credit_references_ ABSL_GUARDED_BY(mutex_);  // by id
  std::map<std::string, int64_t> credited_ ABSL_GUARDED_BY(mutex_);               // by account
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace loyalty::testing
