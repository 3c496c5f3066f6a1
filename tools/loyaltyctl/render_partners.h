#pragma once

#include <ostream>

#include "loyalty/v1/admin.pb.h"
#include "loyalty/v1/command.pb.h"
#include "loyalty/v1/partner.pb.h"

namespace loyalty::ctl {

// Partners, links and vouchers as text (docs/partners.md).
void RenderPartner(const v1::Partner& partner, std::ostream& out);
void RenderPartners(const v1::ListPartnersResponse& response, std::ostream& out);
void RenderLink(const v1::LinkPartnerAccountResponse& response, std::ostream& out);
void RenderUnlink(const v1::UnlinkPartnerAccountResponse& response, std::ostream& out);
void RenderNotify(const v1::NotifyPartnerRedemptionResponse& response, std::ostream& out);
void RenderVoucherSpend(const v1::RedeemVoucherResponse& response, std::ostream& out);

}  // namespace loyalty::ctl
