#include "services/command/command_service.h"

#include "absl/strings/str_cat.h"
#include "services/command/accrue.h"
#include "services/command/redeem.h"
#include "services/command/transfer.h"

namespace loyalty::command {
namespace {

// Two-phase redemption, returns and cancellations are planned for the next release; until then
// the RPCs exist in the API and answer UNIMPLEMENTED, with no effect.
absl::Status Unavailable(absl::string_view method) {
  return absl::UnimplementedError(absl::StrCat(method, " is not available in this release"));
}

}  // namespace

grpc::Status CommandService::Accrue(grpc::ServerContext*, const v1::AccrueRequest* request,
                                    v1::AccrueResponse* response) {
  return metrics_.Observe("Accrue", [&] { return command::Accrue(context_, *request, response); });
}

grpc::Status CommandService::Reverse(grpc::ServerContext*, const v1::ReverseRequest*,
                                     v1::ReverseResponse*) {
  return metrics_.Observe("Reverse", [&] { return Unavailable("Reverse"); });
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
                                              const v1::CancelRedemptionRequest*,
                                              v1::CancelRedemptionResponse*) {
  return metrics_.Observe("CancelRedemption", [&] { return Unavailable("CancelRedemption"); });
}

grpc::Status CommandService::ReservePoints(grpc::ServerContext*, const v1::ReservePointsRequest*,
                                           v1::ReservePointsResponse*) {
  return metrics_.Observe("ReservePoints", [&] { return Unavailable("ReservePoints"); });
}

grpc::Status CommandService::CapturePoints(grpc::ServerContext*, const v1::CapturePointsRequest*,
                                           v1::CapturePointsResponse*) {
  return metrics_.Observe("CapturePoints", [&] { return Unavailable("CapturePoints"); });
}

grpc::Status CommandService::VoidReservation(grpc::ServerContext*,
                                             const v1::VoidReservationRequest*,
                                             v1::VoidReservationResponse*) {
  return metrics_.Observe("VoidReservation", [&] { return Unavailable("VoidReservation"); });
}

}  // namespace loyalty::command
