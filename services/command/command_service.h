#pragma once

#include "libs/rpc/metrics.h"
#include "libs/rpc/queued_calls.h"
#include "loyalty/v1/command.grpc.pb.h"
#include "services/command/context.h"

namespace loyalty::command {

// gRPC handlers of loyalty.v1.CommandService: each runs one use case and maps its status. Each
// call runs on rpc::QueuedCalls (a fixed set of workers behind a bounded queue; past it,
// RESOURCE_EXHAUSTED OVERLOADED). Shut the gRPC server down before destroying the service.
class CommandService final : public v1::CommandService::CallbackService {
 public:
  CommandService(const Context& context, rpc::RpcMetrics& metrics, rpc::CallLimits limits = {})
      : context_(context), calls_("command", metrics, limits) {}

  grpc::ServerUnaryReactor* Accrue(grpc::CallbackServerContext* server_context,
                                   const v1::AccrueRequest* request,
                                   v1::AccrueResponse* response) override;
  grpc::ServerUnaryReactor* Reverse(grpc::CallbackServerContext* server_context,
                                    const v1::ReverseRequest* request,
                                    v1::ReverseResponse* response) override;
  grpc::ServerUnaryReactor* Redeem(grpc::CallbackServerContext* server_context,
                                   const v1::RedeemRequest* request,
                                   v1::RedeemResponse* response) override;
  grpc::ServerUnaryReactor* GroupRedeem(grpc::CallbackServerContext* server_context,
                                        const v1::GroupRedeemRequest* request,
                                        v1::RedeemResponse* response) override;
  grpc::ServerUnaryReactor* IsRedeemable(grpc::CallbackServerContext* server_context,
                                         const v1::IsRedeemableRequest* request,
                                         v1::IsRedeemableResponse* response) override;
  grpc::ServerUnaryReactor* Transfer(grpc::CallbackServerContext* server_context,
                                     const v1::TransferRequest* request,
                                     v1::TransferResponse* response) override;
  grpc::ServerUnaryReactor* IsTransferable(grpc::CallbackServerContext* server_context,
                                           const v1::IsTransferableRequest* request,
                                           v1::IsTransferableResponse* response) override;
  grpc::ServerUnaryReactor* CancelRedemption(grpc::CallbackServerContext* server_context,
                                             const v1::CancelRedemptionRequest* request,
                                             v1::CancelRedemptionResponse* response) override;
  grpc::ServerUnaryReactor* ReservePoints(grpc::CallbackServerContext* server_context,
                                          const v1::ReservePointsRequest* request,
                                          v1::ReservePointsResponse* response) override;
  grpc::ServerUnaryReactor* CapturePoints(grpc::CallbackServerContext* server_context,
                                          const v1::CapturePointsRequest* request,
                                          v1::CapturePointsResponse* response) override;
  grpc::ServerUnaryReactor* VoidReservation(grpc::CallbackServerContext* server_context,
                                            const v1::VoidReservationRequest* request,
                                            v1::VoidReservationResponse* response) override;

 private:
  // Queues `use_case(context_, *request, response)`.
  template <typename Request, typename Response>
  grpc::ServerUnaryReactor* Queue(absl::string_view method,
                                  grpc::CallbackServerContext* server_context,
                                  absl::Status (*use_case)(const Context&, const Request&,
                                                           Response*),
                                  const Request* request, Response* response) {
    return calls_.Run(method, server_context,
                      [=, this](absl::Time) { return use_case(context_, *request, response); });
  }

  const Context& context_;
  rpc::QueuedCalls calls_;
};

}  // namespace loyalty::command
