#include "libs/partner/gateway_flags.h"

#include <string>

#include "absl/flags/flag.h"
#include "libs/base/log.h"
#include "libs/base/status_macros.h"

ABSL_FLAG(std::string, partner_tls_cert, "",
          "PEM file of this process's client certificate towards partners' gateways");
ABSL_FLAG(std::string, partner_tls_key, "", "PEM file of its private key");
ABSL_FLAG(std::string, partner_tls_ca, "",
          "PEM file of the CAs partners' gateway certificates chain to; without it (or "
          "--partner_insecure_plaintext) no partner is called");
ABSL_FLAG(bool, partner_insecure_plaintext, false,
          "call partners' gateways without TLS (local development and tests only)");
ABSL_FLAG(int, partner_deadline_ms, 2000, "deadline of each call to a partner (1..300000)");
ABSL_FLAG(int, partner_attempts, 3,
          "calls per request to a partner at most, on transient failures (1..10)");
ABSL_FLAG(int, partner_breaker_failures, 5,
          "consecutive failed calls that open a partner's circuit breaker (1..1000)");
ABSL_FLAG(int, partner_breaker_open_ms, 30000,
          "how long an open breaker refuses calls before one trial call (1..86400000)");

namespace loyalty::partner {

absl::StatusOr<GatewayOptions> GatewayOptionsFromFlags() {
  GatewayOptions options;
  options.tls.cert = absl::GetFlag(FLAGS_partner_tls_cert);
  options.tls.key = absl::GetFlag(FLAGS_partner_tls_key);
  options.tls.ca = absl::GetFlag(FLAGS_partner_tls_ca);
  options.tls.insecure_plaintext = absl::GetFlag(FLAGS_partner_insecure_plaintext);
  options.deadline = absl::Milliseconds(absl::GetFlag(FLAGS_partner_deadline_ms));
  options.attempts = absl::GetFlag(FLAGS_partner_attempts);
  options.breaker_failures = absl::GetFlag(FLAGS_partner_breaker_failures);
  options.breaker_open = absl::Milliseconds(absl::GetFlag(FLAGS_partner_breaker_open_ms));
  LOYALTY_RETURN_IF_ERROR(CheckGatewayOptions(options));
  if (options.tls.insecure_plaintext) {
    LogWarning("--partner_insecure_plaintext: partners' gateways are called without TLS");
  } else if (options.tls.ca.empty()) {
    LogInfo(
        "no --partner_tls_ca: this process calls no partner (links are UNAVAILABLE, "
        "conversions wait)");
  }
  return options;
}

}  // namespace loyalty::partner
