#pragma once

#include "absl/status/statusor.h"
#include "libs/partner/gateway.h"

namespace loyalty::partner {

// loyalty-command's and loyalty-worker's flags of the calls to partners (docs/partners.md,
// "Operating"): --partner_tls_cert, --partner_tls_key, --partner_tls_ca,
// --partner_insecure_plaintext, --partner_deadline_ms, --partner_attempts,
// --partner_breaker_failures, --partner_breaker_open_ms. Without --partner_tls_ca or
// --partner_insecure_plaintext the process calls no partner (logged): links are UNAVAILABLE
// and conversions wait.
absl::StatusOr<GatewayOptions> GatewayOptionsFromFlags();

}  // namespace loyalty::partner
