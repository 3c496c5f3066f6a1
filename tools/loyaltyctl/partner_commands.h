#pragma once

#include "absl/status/statusor.h"
#include "tools/loyaltyctl/session.h"

namespace loyalty::ctl {

// Partner programs (docs/partners.md): partners (AdminService), links and vouchers
// (CommandService), and a partner's redemption notice (PartnerService, for operators).
absl::StatusOr<int> PartnerCreate(Session& session);
absl::StatusOr<int> PartnerShow(Session& session);
absl::StatusOr<int> PartnerList(Session& session);
absl::StatusOr<int> PartnerStatusSet(Session& session);
absl::StatusOr<int> PartnerLink(Session& session);
absl::StatusOr<int> PartnerUnlink(Session& session);
absl::StatusOr<int> PartnerNotify(Session& session);
absl::StatusOr<int> VoucherRedeem(Session& session);

}  // namespace loyalty::ctl
