#pragma once

#include <string>

namespace loyalty::testing {

// The status of `service` ("liveness", "readiness", "" ...) in the gRPC health service on the
// plaintext listener 127.0.0.1:port: "SERVING", "NOT_SERVING", or the call's error.
std::string HealthOf(int port, const std::string& service);

// Polls (at most 30 s) until `service` reports `want`; what it reported last.
std::string AwaitHealth(int port, const std::string& service, const std::string& want);

}  // namespace loyalty::testing
