#pragma once

#include "absl/status/status.h"
#include "libs/partner/gateway.h"
#include "libs/store/context.h"
#include "loyalty/v1/command.pb.h"
#include "loyalty/v1/partner.pb.h"

namespace loyalty::command {

// Partner programs' use cases of loyalty-command (docs/partners.md).

// CommandService.LinkPartnerAccount: checks the partner, the member and the links, has the
// partner verify the account (outside any SQL transaction), then links it under the member's lock
// with the same checks again. Linking the account the member holds already answers that link.
absl::Status LinkPartnerAccount(const store::Context& context, partner::Gateways& gateways,
                                const v1::LinkPartnerAccountRequest& request,
                                v1::LinkPartnerAccountResponse* response);

// CommandService.UnlinkPartnerAccount: ends the member's active link (NOT_LINKED when none).
absl::Status UnlinkPartnerAccount(const store::Context& context,
                                  const v1::UnlinkPartnerAccountRequest& request,
                                  v1::UnlinkPartnerAccountResponse* response);

// CommandService.RedeemVoucher (ledger::DecideVoucherSpend), under the member's lock.
absl::Status RedeemVoucher(const store::Context& context, const v1::RedeemVoucherRequest& request,
                           v1::RedeemVoucherResponse* response);

// PartnerService.NotifyPartnerRedemption: one voucher per (partner, partner_request_id), loaded
// under the member's lock.
absl::Status NotifyPartnerRedemption(const store::Context& context,
                                     const v1::NotifyPartnerRedemptionRequest& request,
                                     v1::NotifyPartnerRedemptionResponse* response);

}  // namespace loyalty::command
