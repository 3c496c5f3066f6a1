// loyalty-noop-server: CommandService with handlers that answer an empty response at once,
// started with the same rpc::StartServer settings as loyalty-command. The benchmark's gRPC
// baseline: what the transport, the server threads and the client cost without any work.
//   loyalty-noop-server --listen=127.0.0.1:50061 [--max_threads=256]

#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "libs/base/log.h"
#include "libs/rpc/server.h"
#include "loyalty/v1/command.grpc.pb.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50061", "gRPC listen address (host:port)");
ABSL_FLAG(int, max_threads, loyalty::rpc::kDefaultMaxThreads,
          "gRPC server threads (4..1024), as loyalty-command");

namespace loyalty::bench {
namespace {

using grpc::ServerContext;
using grpc::Status;

class NoopCommandService final : public v1::CommandService::Service {
 public:
  Status Accrue(ServerContext*, const v1::AccrueRequest*, v1::AccrueResponse*) override {
    return Status::OK;
  }
  Status Reverse(ServerContext*, const v1::ReverseRequest*, v1::ReverseResponse*) override {
    return Status::OK;
  }
  Status Redeem(ServerContext*, const v1::RedeemRequest*, v1::RedeemResponse*) override {
    return Status::OK;
  }
  Status GroupRedeem(ServerContext*, const v1::GroupRedeemRequest*,
                     v1::RedeemResponse*) override {
    return Status::OK;
  }
  Status IsRedeemable(ServerContext*, const v1::IsRedeemableRequest*,
                      v1::IsRedeemableResponse*) override {
    return Status::OK;
  }
  Status Transfer(ServerContext*, const v1::TransferRequest*, v1::TransferResponse*) override {
    return Status::OK;
  }
  Status IsTransferable(ServerContext*, const v1::IsTransferableRequest*,
                        v1::IsTransferableResponse*) override {
    return Status::OK;
  }
  Status CancelRedemption(ServerContext*, const v1::CancelRedemptionRequest*,
                          v1::CancelRedemptionResponse*) override {
    return Status::OK;
  }
  Status ReservePoints(ServerContext*, const v1::ReservePointsRequest*,
                       v1::ReservePointsResponse*) override {
    return Status::OK;
  }
  Status CapturePoints(ServerContext*, const v1::CapturePointsRequest*,
                       v1::CapturePointsResponse*) override {
    return Status::OK;
  }
  Status VoidReservation(ServerContext*, const v1::VoidReservationRequest*,
                         v1::VoidReservationResponse*) override {
    return Status::OK;
  }
};

int Serve() {
  const int max_threads = absl::GetFlag(FLAGS_max_threads);
  if (max_threads < 4 || max_threads > 1024) {
    LogError("--max_threads must be 4..1024");
    return 1;
  }
  NoopCommandService service;
  absl::StatusOr<rpc::RunningServer> server =
      rpc::StartServer({absl::GetFlag(FLAGS_listen), 4 * 1024 * 1024, max_threads}, {&service});
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
