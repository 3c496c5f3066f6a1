#include "tests/support/health_check.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "tests/support/raw_call.h"

namespace loyalty::testing {

std::string HealthOf(int port, const std::string& service) {
  grpc::GenericStub stub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  std::string request;  // HealthCheckRequest{service}: field 1, a string
  if (!service.empty()) {
    request = std::string(1, '\x0a') + static_cast<char>(service.size()) + service;
  }
  std::string reply;
  const grpc::Status status = RawCall(stub, "/grpc.health.v1.Health/Check", request, &reply);
  if (!status.ok()) return absl::StrCat("error ", status.error_code());
  if (reply == std::string("\x08\x01", 2)) return "SERVING";
  if (reply == std::string("\x08\x02", 2)) return "NOT_SERVING";
  return "unknown reply";
}

std::string AwaitHealth(int port, const std::string& service, const std::string& want) {
  const absl::Time give_up = absl::Now() + absl::Seconds(30);
  std::string seen = HealthOf(port, service);
  while (seen != want && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(100));
    seen = HealthOf(port, service);
  }
  return seen;
}

}  // namespace loyalty::testing
