#include "libs/partner/gateway.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"
#include "libs/base/flag_range.h"
#include "libs/base/status_macros.h"

namespace loyalty::partner {
namespace {

bool IsDefiniteRefusal(grpc::StatusCode code) {
  return code == grpc::StatusCode::FAILED_PRECONDITION || code == grpc::StatusCode::NOT_FOUND ||
         code == grpc::StatusCode::INVALID_ARGUMENT || code == grpc::StatusCode::PERMISSION_DENIED;
}

}  // namespace

std::string PartnerKey(const std::string& org_id, const std::string& partner_code) {
  return absl::StrCat(org_id, "/", partner_code);
}

absl::Status CheckGatewayOptions(const GatewayOptions& options) {
  LOYALTY_RETURN_IF_ERROR(CheckFlagRange("partner_attempts", options.attempts, 1, 10));
  LOYALTY_RETURN_IF_ERROR(
      CheckFlagRange("partner_breaker_failures", options.breaker_failures, 1, 1000));
  if (options.deadline <= absl::ZeroDuration() || options.deadline > absl::Minutes(5)) {
    return absl::InvalidArgumentError("--partner_deadline_ms must be 1..300000");
  }
  if (options.breaker_open <= absl::ZeroDuration() || options.breaker_open > absl::Hours(24)) {
    return absl::InvalidArgumentError("--partner_breaker_open_ms must be 1..86400000");
  }
  if (!options.tls.insecure_plaintext && options.tls.ca.empty()) {
    if (options.tls.cert.empty() && options.tls.key.empty()) return absl::OkStatus();
    return absl::InvalidArgumentError(
        "--partner_tls_cert and --partner_tls_key need --partner_tls_ca");
  }
  const absl::Status tls = rpc::CheckClientTls(options.tls);
  if (tls.ok()) return tls;
  return absl::InvalidArgumentError(
      absl::StrCat("the --partner_tls_* flags (as the --tls_* ones): ", tls.message()));
}

Gateways::Gateways(GatewayOptions options, prometheus::Registry& registry)
    : options_(std::move(options)),
      calls_(prometheus::BuildCounter()
                 .Name("loyalty_partner_calls_total")
                 .Help("Calls to partners' gateways, by partner, method and result (ok, refused, "
                       "failed, short_circuited: not made because the breaker was open)")
                 .Register(registry)),
      breaker_open_(prometheus::BuildGauge()
                        .Name("loyalty_partner_breaker_open")
                        .Help("1 while the partner's circuit breaker is open or half-open")
                        .Register(registry)) {}

GatewayAnswer Gateways::VerifyAccount(const std::string& partner, const std::string& address,
                                      const partner::v1::VerifyAccountRequest& request,
                                      partner::v1::VerifyAccountResponse* response) {
  return Request(partner, address, "VerifyAccount",
                 [&](partner::v1::PartnerGateway::Stub& stub, grpc::ClientContext& context) {
                   return stub.VerifyAccount(&context, request, response);
                 });
}

GatewayAnswer Gateways::CreditPoints(const std::string& partner, const std::string& address,
                                     const partner::v1::CreditPointsRequest& request,
                                     partner::v1::CreditPointsResponse* response) {
  return Request(partner, address, "CreditPoints",
                 [&](partner::v1::PartnerGateway::Stub& stub, grpc::ClientContext& context) {
                   return stub.CreditPoints(&context, request, response);
                 });
}

GatewayAnswer Gateways::Request(const std::string& partner, const std::string& address,
                                const std::string& method, const Call& call) {
  if (!Configured()) {
    return {GatewayAnswer::Kind::kUnavailable,
            "this process has no --partner_tls_ca (or --partner_insecure_plaintext): it calls no "
            "partner"};
  }
  Partner* found = Find(partner, address);
  if (found == nullptr) {
    return {GatewayAnswer::Kind::kUnavailable, "too many partners' gateways in this process"};
  }
  absl::Duration backoff = options_.backoff;
  std::string last_error;
  for (int attempt = 1; attempt <= options_.attempts; ++attempt) {
    if (attempt > 1) {
      absl::SleepFor(backoff);
      backoff *= 2;
    }
    if (!found->breaker->Allow(absl::Now())) {
      Count(partner, method, "short_circuited");
      found->breaker_open->Set(1);
      return {GatewayAnswer::Kind::kUnavailable,
              absl::StrCat("partner '", partner, "' is not answering (circuit breaker open)",
                           last_error.empty() ? "" : ": ", last_error)};
    }
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + options_.deadline));
    const grpc::Status status = call(*found->stub, context);
    if (status.ok()) {
      found->breaker->Succeeded();
      found->breaker_open->Set(0);
      Count(partner, method, "ok");
      return {};
    }
    if (IsDefiniteRefusal(status.error_code())) {
      found->breaker->Succeeded();  // the partner answered
      found->breaker_open->Set(0);
      Count(partner, method, "refused");
      return {GatewayAnswer::Kind::kRefused, status.error_message()};
    }
    found->breaker->Failed(absl::Now());
    found->breaker_open->Set(found->breaker->state() == CircuitBreaker::State::kClosed ? 0 : 1);
    Count(partner, method, "failed");
    last_error = absl::StrCat("status ", static_cast<int>(status.error_code()), ": ",
                              status.error_message());
  }
  return {GatewayAnswer::Kind::kUnavailable,
          absl::StrCat("partner '", partner, "' did not answer in ", options_.attempts,
                       " calls; last: ", last_error)};
}

Gateways::Partner* Gateways::Find(const std::string& partner, const std::string& address) {
  const std::string key = absl::StrCat(partner, "@", address);
  absl::MutexLock lock(&mutex_);
  auto found = partners_.find(key);
  if (found != partners_.end()) return found->second.get();
  if (partners_.size() >= kMaxPartners) return nullptr;
  auto entry = std::make_unique<Partner>();
  entry->channel = rpc::OpenChannel(address, options_.tls);
  entry->stub = partner::v1::PartnerGateway::NewStub(entry->channel);
  entry->breaker =
      std::make_unique<CircuitBreaker>(options_.breaker_failures, options_.breaker_open);
  entry->breaker_open = &breaker_open_.Add({{"partner", partner}});
  return partners_.emplace(key, std::move(entry)).first->second.get();
}

bool Gateways::Refusing(const std::string& partner, const std::string& address) {
  if (!Configured()) return true;
  Partner* found = Find(partner, address);
  return found != nullptr && found->breaker->Refusing(absl::Now());
}

void Gateways::Count(const std::string& partner, const std::string& method, const char* result) {
  calls_.Add({{"partner", partner}, {"method", method}, {"result", result}}).Increment();
}

}  // namespace loyalty::partner
