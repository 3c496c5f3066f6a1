// loyalty-noop-server: CommandService with handlers that answer an empty response at once,
// started with the same rpc::StartServer settings as loyalty-command and its calls run by the
// same call queue. The benchmark's gRPC baseline: what the transport, the server's threads and
// the client cost without any work.
//   loyalty-noop-server --listen=127.0.0.1:50061 [--workers=16] [--max_queued_calls=1024]

#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "libs/base/log.h"
#include "libs/rpc/metrics.h"
#include "libs/rpc/queued_calls.h"
#include "libs/rpc/server.h"
#include "libs/rpc/unary_service.h"
#include "loyalty/v1/command.pb.h"
#include "prometheus/registry.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50061", "gRPC listen address (host:port)");
ABSL_FLAG(int, max_threads, loyalty::rpc::kDefaultMaxThreads,
          "gRPC server threads (4..1024), as loyalty-command");
ABSL_FLAG(int, workers, loyalty::rpc::CallLimits{}.workers,
          "threads that run the calls (1..1024), as loyalty-command");
ABSL_FLAG(int, max_queued_calls, loyalty::rpc::CallLimits{}.max_queued,
          "calls that wait for a worker (1..100000), as loyalty-command");

namespace loyalty::bench {
namespace {

// Every call is parsed and goes through rpc::QueuedCalls (rpc::UnaryService), as
// loyalty-command's do, and answers at once.
class NoopCommandService final : public rpc::UnaryService {
 public:
  NoopCommandService(rpc::RpcMetrics& metrics, rpc::CallLimits limits)
      : rpc::UnaryService("loyalty.v1.CommandService", "no-op", metrics, limits, nullptr) {
    Noop<v1::AccrueRequest, v1::AccrueResponse>("Accrue");
    Noop<v1::ReverseRequest, v1::ReverseResponse>("Reverse");
    Noop<v1::RedeemRequest, v1::RedeemResponse>("Redeem");
    Noop<v1::GroupRedeemRequest, v1::RedeemResponse>("GroupRedeem");
    Noop<v1::IsRedeemableRequest, v1::IsRedeemableResponse>("IsRedeemable");
    Noop<v1::TransferRequest, v1::TransferResponse>("Transfer");
    Noop<v1::IsTransferableRequest, v1::IsTransferableResponse>("IsTransferable");
    Noop<v1::CancelRedemptionRequest, v1::CancelRedemptionResponse>("CancelRedemption");
    Noop<v1::ReservePointsRequest, v1::ReservePointsResponse>("ReservePoints");
    Noop<v1::CapturePointsRequest, v1::CapturePointsResponse>("CapturePoints");
    Noop<v1::VoidReservationRequest, v1::VoidReservationResponse>("VoidReservation");
  }

 private:
  template <typename Request, typename Response>
  void Noop(absl::string_view method) {
    Handle<Request, Response>(
        method, [](const Request&, const rpc::CallInfo&, Response*) { return absl::OkStatus(); });
  }
};

int Serve() {
  const int max_threads = absl::GetFlag(FLAGS_max_threads);
  if (max_threads < 4 || max_threads > 1024) {
    LogError("--max_threads must be 4..1024");
    return 1;
  }
  const rpc::CallLimits limits{absl::GetFlag(FLAGS_workers), absl::GetFlag(FLAGS_max_queued_calls)};
  if (absl::Status checked = rpc::CheckCallLimits(limits); !checked.ok()) {
    LogError(std::string(checked.message()));
    return 1;
  }
  prometheus::Registry registry;
  rpc::RpcMetrics metrics(registry);
  NoopCommandService service(metrics, limits);
  absl::StatusOr<rpc::RunningServer> server = rpc::StartServer(
      {absl::GetFlag(FLAGS_listen), 4 * 1024 * 1024, max_threads, nullptr, &metrics}, {&service});
  if (!server.ok()) {
    LogError(server.status().ToString());
    return 1;
  }
  LogInfo(absl::StrCat("loyalty-noop-server serving gRPC on port ", server->port));
  const int signal_number = rpc::WaitForShutdownSignal();
  LogInfo(absl::StrCat("signal ", signal_number, ": stopping"));
  server->server->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  return 0;
}

}  // namespace
}  // namespace loyalty::bench

int main(int argc, char** argv) {
  loyalty::rpc::PrepareServerProcess();
  absl::ParseCommandLine(argc, argv);
  return loyalty::bench::Serve();
}
