#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "loyalty/v1/command.pb.h"
#include "loyalty/v1/partner.pb.h"

namespace loyalty::command {

// The checks of every CommandService request that need nothing but the request itself: ids,
// keys, texts, times and the bounds on points and money. A failed check is INVALID_ARGUMENT
// naming the field (libs/base/refusal.h) and the handler stops there, before any database work.
// Pure functions, so the fuzz targets (fuzz/) run them as the handlers do.
absl::Status CheckRequest(const v1::AccrueRequest& request);
absl::Status CheckRequest(const v1::ReverseRequest& request);
absl::Status CheckRequest(const v1::RedeemRequest& request);
absl::Status CheckRequest(const v1::GroupRedeemRequest& request);
absl::Status CheckRequest(const v1::IsRedeemableRequest& request);
absl::Status CheckRequest(const v1::TransferRequest& request);
absl::Status CheckRequest(const v1::IsTransferableRequest& request);
absl::Status CheckRequest(const v1::CancelRedemptionRequest& request);
absl::Status CheckRequest(const v1::ReservePointsRequest& request);
absl::Status CheckRequest(const v1::CapturePointsRequest& request);
absl::Status CheckRequest(const v1::VoidReservationRequest& request);
// Partner programs: a member's number in a partner's scheme is 1..64 printable ASCII characters.
absl::Status ValidateExternalNumber(absl::string_view field, absl::string_view value);
absl::Status CheckRequest(const v1::LinkPartnerAccountRequest& request);
absl::Status CheckRequest(const v1::UnlinkPartnerAccountRequest& request);
absl::Status CheckRequest(const v1::RedeemVoucherRequest& request);
absl::Status CheckRequest(const v1::NotifyPartnerRedemptionRequest& request);

// The hold of a checked ReservePointsRequest: its timeout (a valid Duration of 1 second to 7
// days), or 15 minutes when unset.
absl::Duration ReservationTimeout(const v1::ReservePointsRequest& request);

}  // namespace loyalty::command
