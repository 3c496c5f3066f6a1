#pragma once

#include "loyalty/v1/command.grpc.pb.h"
#include "libs/rpc/metrics.h"
#include "services/command/context.h"

namespace loyalty::command {

// gRPC handlers of loyalty.v1.CommandService: each runs one use case and maps its status.
class CommandService final : public v1::CommandService::Service {
 public:
  CommandService(const Context& context, rpc::RpcMetrics& metrics)
      : context_(context), metrics_(metrics) {}

  grpc::Status Accrue(grpc::ServerContext*, const v1::AccrueRequest* request,
                      v1::AccrueResponse* response) override;
  grpc::Status Reverse(grpc::ServerContext*, const v1::ReverseRequest* request,
                       v1::ReverseResponse* response) override;
  grpc::Status Redeem(grpc::ServerContext*, const v1::RedeemRequest* request,
                      v1::RedeemResponse* response) override;
  grpc::Status GroupRedeem(grpc::ServerContext*, const v1::GroupRedeemRequest* request,
                           v1::RedeemResponse* response) override;
  grpc::Status IsRedeemable(grpc::ServerContext*, const v1::IsRedeemableRequest* request,
                            v1::IsRedeemableResponse* response) override;
  grpc::Status Transfer(grpc::ServerContext*, const v1::TransferRequest* request,
                        v1::TransferResponse* response) override;
  grpc::Status IsTransferable(grpc::ServerContext*, const v1::IsTransferableRequest* request,
                              v1::IsTransferableResponse* response) override;
  grpc::Status CancelRedemption(grpc::ServerContext*, const v1::CancelRedemptionRequest* request,
                                v1::CancelRedemptionResponse* response) override;
  grpc::Status ReservePoints(grpc::ServerContext*, const v1::ReservePointsRequest* request,
                             v1::ReservePointsResponse* response) override;
  grpc::Status CapturePoints(grpc::ServerContext*, const v1::CapturePointsRequest* request,
                             v1::CapturePointsResponse* response) override;
  grpc::Status VoidReservation(grpc::ServerContext*, const v1::VoidReservationRequest* request,
                               v1::VoidReservationResponse* response) override;

 private:
  const Context& context_;
  rpc::RpcMetrics& metrics_;
};

}  // namespace loyalty::command
