#include "services/command/command_service.h"

#include "services/command/accrue.h"
#include "services/command/cancel.h"
#include "services/command/partners.h"
#include "services/command/redeem.h"
#include "services/command/reservation.h"
#include "services/command/reverse.h"
#include "services/command/transfer.h"

namespace loyalty::command {

CommandService::CommandService(const store::Context& context, partner::Gateways& gateways,
                               rpc::RpcMetrics& metrics, rpc::CallLimits limits,
                               rpc::AccessControl* access)
    : ContextService("loyalty.v1.CommandService", "command", context, metrics, limits, access) {
  Serve("Accrue", &command::Accrue);
  Serve("Reverse", &command::Reverse);
  Serve("Redeem", &command::Redeem);
  Serve("GroupRedeem", &command::GroupRedeem);
  Serve("IsRedeemable", &command::IsRedeemable);
  Serve("Transfer", &command::Transfer);
  Serve("IsTransferable", &command::IsTransferable);
  Serve("CancelRedemption", &command::CancelRedemption);
  Serve("ReservePoints", &command::ReservePoints);
  Serve("CapturePoints", &command::CapturePoints);
  Serve("VoidReservation", &command::VoidReservation);
  Serve("LinkPartnerAccount", &command::LinkPartnerAccount, gateways);
  Serve("UnlinkPartnerAccount", &command::UnlinkPartnerAccount);
  Serve("RedeemVoucher", &command::RedeemVoucher);
}

PartnerService::PartnerService(const store::Context& context, rpc::RpcMetrics& metrics,
                               rpc::CallLimits limits, rpc::AccessControl* access)
    : ContextService("loyalty.v1.PartnerService", "partner", context, metrics, limits, access) {
  Serve("NotifyPartnerRedemption", &command::NotifyPartnerRedemption);
}

}  // namespace loyalty::command
