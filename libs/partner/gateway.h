#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "libs/partner/circuit_breaker.h"
#include "libs/rpc/tls.h"
#include "loyalty/partner/v1/gateway.grpc.pb.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace loyalty::partner {

// How the platform calls partners' gateways (loyalty-command's and loyalty-worker's --partner_*
// flags; docs/partners.md, "Retries").
struct GatewayOptions {
  rpc::ClientTls tls;  // the platform's client certificate and the partners' CA bundle
  absl::Duration deadline = absl::Seconds(2);        // of each call
  int attempts = 3;                                  // calls per request at most, 1..10
  absl::Duration backoff = absl::Milliseconds(100);  // before the second call, doubling after
  int breaker_failures = 5;                          // consecutive failed calls that open a breaker
  absl::Duration breaker_open = absl::Seconds(30);   // how long it stays open before a trial
};

// A partner's name towards its gateway and in metrics: "<org_id>/<partner_code>".
std::string PartnerKey(const std::string& org_id, const std::string& partner_code);

// OK, or INVALID_ARGUMENT naming what is out of range.
absl::Status CheckGatewayOptions(const GatewayOptions& options);

// What a request to a partner came to.
struct GatewayAnswer {
  enum class Kind {
    kOk,          // the partner answered
    kRefused,     // a definite refusal (FAILED_PRECONDITION, NOT_FOUND, INVALID_ARGUMENT,
                  // PERMISSION_DENIED): never retried
    kUnavailable  // no answer within the attempts, or the partner's breaker is open
  };
  Kind kind = Kind::kOk;
  std::string message;  // refused or unavailable: why
};

// The partners' gateways: one channel and one circuit breaker per partner ("<org>/<code>") and
// gateway address, kept for the process's life. Each request makes at most `attempts`
// calls, each with the deadline, with backoff between them, and only while the partner's breaker
// lets it. Exports loyalty_partner_calls_total{partner, method, result} and
// loyalty_partner_breaker_open{partner}. Thread-safe.
class Gateways final {
 public:
  Gateways(GatewayOptions options, prometheus::Registry& registry);

  GatewayAnswer VerifyAccount(const std::string& partner, const std::string& address,
                              const partner::v1::VerifyAccountRequest& request,
                              partner::v1::VerifyAccountResponse* response);
  GatewayAnswer CreditPoints(const std::string& partner, const std::string& address,
                             const partner::v1::CreditPointsRequest& request,
                             partner::v1::CreditPointsResponse* response);

  // True while the partner's breaker is open and no trial call is due, and always in a process
  // that calls no partner (no --partner_tls_ca nor --partner_insecure_plaintext): a caller with
  // work that can wait (the worker's conversions) leaves it for later instead of spending an
  // attempt.
  bool Refusing(const std::string& partner, const std::string& address);

  // At most this many partners' channels and breakers are kept; past it, a new partner's request
  // is unavailable.
  static constexpr size_t kMaxPartners = 10000;

 private:
  // Told how to reach partners: TLS with a CA bundle, or plaintext.
  bool Configured() const { return options_.tls.insecure_plaintext || !options_.tls.ca.empty(); }

  struct Partner {
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<partner::v1::PartnerGateway::Stub> stub;
    std::unique_ptr<CircuitBreaker> breaker;
    prometheus::Gauge* breaker_open;
  };
  using Call =
      std::function<grpc::Status(partner::v1::PartnerGateway::Stub&, grpc::ClientContext&)>;

  GatewayAnswer Request(const std::string& partner, const std::string& address,
                        const std::string& method, const Call& call);
  Partner* Find(const std::string& partner, const std::string& address);
  void Count(const std::string& partner, const std::string& method, const char* result);

  const GatewayOptions options_;
  prometheus::Family<prometheus::Counter>& calls_;
  prometheus::Family<prometheus::Gauge>& breaker_open_;
  absl::Mutex mutex_;
  // By "<partner>@<address>".
  absl::flat_hash_map<std::string, std::unique_ptr<Partner>> partners_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace loyalty::partner
