#include "services/command/command_service.h"

#include "services/command/accrue.h"
#include "services/command/cancel.h"
#include "services/command/redeem.h"
#include "services/command/reservation.h"
#include "services/command/reverse.h"
#include "services/command/transfer.h"

namespace loyalty::command {

grpc::ServerUnaryReactor* CommandService::Accrue(grpc::CallbackServerContext* server_context,
                                                 const v1::AccrueRequest* request,
                                                 v1::AccrueResponse* response) {
  return Queue("Accrue", server_context, &command::Accrue, request, response);
}

grpc::ServerUnaryReactor* CommandService::Reverse(grpc::CallbackServerContext* server_context,
                                                  const v1::ReverseRequest* request,
                                                  v1::ReverseResponse* response) {
  return Queue("Reverse", server_context, &command::Reverse, request, response);
}

grpc::ServerUnaryReactor* CommandService::Redeem(grpc::CallbackServerContext* server_context,
                                                 const v1::RedeemRequest* request,
                                                 v1::RedeemResponse* response) {
  return Queue("Redeem", server_context, &command::Redeem, request, response);
}

grpc::ServerUnaryReactor* CommandService::GroupRedeem(grpc::CallbackServerContext* server_context,
                                                      const v1::GroupRedeemRequest* request,
                                                      v1::RedeemResponse* response) {
  return Queue("GroupRedeem", server_context, &command::GroupRedeem, request, response);
}

grpc::ServerUnaryReactor* CommandService::IsRedeemable(grpc::CallbackServerContext* server_context,
                                                       const v1::IsRedeemableRequest* request,
                                                       v1::IsRedeemableResponse* response) {
  return Queue("IsRedeemable", server_context, &command::IsRedeemable, request, response);
}

grpc::ServerUnaryReactor* CommandService::Transfer(grpc::CallbackServerContext* server_context,
                                                   const v1::TransferRequest* request,
                                                   v1::TransferResponse* response) {
  return Queue("Transfer", server_context, &command::Transfer, request, response);
}

grpc::ServerUnaryReactor* CommandService::IsTransferable(
    grpc::CallbackServerContext* server_context, const v1::IsTransferableRequest* request,
    v1::IsTransferableResponse* response) {
  return Queue("IsTransferable", server_context, &command::IsTransferable, request, response);
}

grpc::ServerUnaryReactor* CommandService::CancelRedemption(
    grpc::CallbackServerContext* server_context, const v1::CancelRedemptionRequest* request,
    v1::CancelRedemptionResponse* response) {
  return Queue("CancelRedemption", server_context, &command::CancelRedemption, request, response);
}

grpc::ServerUnaryReactor* CommandService::ReservePoints(grpc::CallbackServerContext* server_context,
                                                        const v1::ReservePointsRequest* request,
                                                        v1::ReservePointsResponse* response) {
  return Queue("ReservePoints", server_context, &command::ReservePoints, request, response);
}

grpc::ServerUnaryReactor* CommandService::CapturePoints(grpc::CallbackServerContext* server_context,
                                                        const v1::CapturePointsRequest* request,
                                                        v1::CapturePointsResponse* response) {
  return Queue("CapturePoints", server_context, &command::CapturePoints, request, response);
}

grpc::ServerUnaryReactor* CommandService::VoidReservation(
    grpc::CallbackServerContext* server_context, const v1::VoidReservationRequest* request,
    v1::VoidReservationResponse* response) {
  return Queue("VoidReservation", server_context, &command::VoidReservation, request, response);
}

}  // namespace loyalty::command
