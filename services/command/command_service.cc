#include "services/command/command_service.h"

#include "services/command/accrue.h"
#include "services/command/cancel.h"
#include "services/command/redeem.h"
#include "services/command/reservation.h"
#include "services/command/reverse.h"
#include "services/command/transfer.h"

namespace loyalty::command {

grpc::Status CommandService::Accrue(grpc::ServerContext*, const v1::AccrueRequest* request,
                                    v1::AccrueResponse* response) {
  return metrics_.Observe("Accrue", [&] { return command::Accrue(context_, *request, response); });
}

grpc::Status CommandService::Reverse(grpc::ServerContext*, const v1::ReverseRequest* request,
                                     v1::ReverseResponse* response) {
  return metrics_.Observe("Reverse",
                          [&] { return command::Reverse(context_, *request, response); });
}

grpc::Status CommandService::Redeem(grpc::ServerContext*, const v1::RedeemRequest* request,
                                    v1::RedeemResponse* response) {
  return metrics_.Observe("Redeem", [&] { return command::Redeem(context_, *request, response); });
}

grpc::Status CommandService::GroupRedeem(grpc::ServerContext*,
                                         const v1::GroupRedeemRequest* request,
                                         v1::RedeemResponse* response) {
  return metrics_.Observe("GroupRedeem",
                          [&] { return command::GroupRedeem(context_, *request, response); });
}

grpc::Status CommandService::IsRedeemable(grpc::ServerContext*,
                                          const v1::IsRedeemableRequest* request,
                                          v1::IsRedeemableResponse* response) {
  return metrics_.Observe("IsRedeemable",
                          [&] { return command::IsRedeemable(context_, *request, response); });
}

grpc::Status CommandService::Transfer(grpc::ServerContext*, const v1::TransferRequest* request,
                                      v1::TransferResponse* response) {
  return metrics_.Observe("Transfer",
                          [&] { return command::Transfer(context_, *request, response); });
}

grpc::Status CommandService::IsTransferable(grpc::ServerContext*,
                                            const v1::IsTransferableRequest* request,
                                            v1::IsTransferableResponse* response) {
  return metrics_.Observe("IsTransferable",
                          [&] { return command::IsTransferable(context_, *request, response); });
}

grpc::Status CommandService::CancelRedemption(grpc::ServerContext*,
                                              const v1::CancelRedemptionRequest* request,
                                              v1::CancelRedemptionResponse* response) {
  return metrics_.Observe("CancelRedemption",
                          [&] { return command::CancelRedemption(context_, *request, response); });
}

grpc::Status CommandService::ReservePoints(grpc::ServerContext*,
                                           const v1::ReservePointsRequest* request,
                                           v1::ReservePointsResponse* response) {
  return metrics_.Observe("ReservePoints",
                          [&] { return command::ReservePoints(context_, *request, response); });
}

grpc::Status CommandService::CapturePoints(grpc::ServerContext*,
                                           const v1::CapturePointsRequest* request,
                                           v1::CapturePointsResponse* response) {
  return metrics_.Observe("CapturePoints",
                          [&] { return command::CapturePoints(context_, *request, response); });
}

grpc::Status CommandService::VoidReservation(grpc::ServerContext*,
                                             const v1::VoidReservationRequest* request,
                                             v1::VoidReservationResponse* response) {
  return metrics_.Observe("VoidReservation",
                          [&] { return command::VoidReservation(context_, *request, response); });
}

}  // namespace loyalty::command
