#include "services/command/request_checks.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/limits.h"
#include "libs/ledger/types.h"
#include "libs/rpc/validate.h"

namespace loyalty::command {
namespace {

const absl::Duration kDefaultTimeout = absl::Minutes(15);
const absl::Duration kMinTimeout = absl::Seconds(1);
const absl::Duration kMaxTimeout = absl::Hours(24 * 7);

// 1..kMaxCommandPoints points (the bounds of libs/ledger/limits.h).
absl::Status CheckPositivePoints(absl::string_view field, ledger::Points points) {
  if (points <= 0) return InvalidField(field, "must be positive");
  return rpc::ValidateRange(field, points, 1, ledger::kMaxCommandPoints);
}

// 0..kMaxAmountMinor minor units, or 1..kMaxAmountMinor when `positive`.
absl::Status CheckAmount(absl::string_view field, int64_t minor_units, bool positive) {
  if (minor_units < 0) return InvalidField(field, "must not be negative");
  if (positive && minor_units == 0) return InvalidField(field, "must be positive");
  return rpc::ValidateRange(field, minor_units, 0, ledger::kMaxAmountMinor);
}

absl::Status CheckPurchase(const v1::Purchase& purchase) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateKey("purchase.order_ref", purchase.order_ref()));
  if (!purchase.has_amount()) return InvalidField("purchase.amount", "is required");
  LOYALTY_RETURN_IF_ERROR(CheckAmount("purchase.amount.minor_units",
                                      purchase.amount().minor_units(),
                                      /*positive=*/false));
  return rpc::ValidateCurrency("purchase.amount.currency", purchase.amount().currency());
}

absl::Status CheckKind(const v1::AccrueRequest& request) {
  switch (request.kind_case()) {
    case v1::AccrueRequest::kPurchase:
      return CheckPurchase(request.purchase());
    case v1::AccrueRequest::kAction:
      LOYALTY_RETURN_IF_ERROR(
          rpc::ValidateId("action.action_code", request.action().action_code()));
      return rpc::ValidateText("action.reference", request.action().reference(),
                               /*required=*/false);
    case v1::AccrueRequest::kExplicitPoints:
      LOYALTY_RETURN_IF_ERROR(
          CheckPositivePoints("explicit_points.points", request.explicit_points().points()));
      return rpc::ValidateText("explicit_points.description",
                               request.explicit_points().description(), /*required=*/true);
    case v1::AccrueRequest::kAdjustment:
      if (request.adjustment().points() == 0) {
        return InvalidField("adjustment.points", "must not be zero");
      }
      LOYALTY_RETURN_IF_ERROR(rpc::ValidateRange("adjustment.points", request.adjustment().points(),
                                         -ledger::kMaxCommandPoints, ledger::kMaxCommandPoints));
      LOYALTY_RETURN_IF_ERROR(rpc::ValidateText("adjustment.reason", request.adjustment().reason(),
                                                /*required=*/true));
      return rpc::ValidateKey("adjustment.actor", request.adjustment().actor());
    case v1::AccrueRequest::KIND_NOT_SET:
      break;
  }
  return InvalidField("kind", "one of purchase, action, explicit_points, adjustment is required");
}

// The fields every burn request (redeem, group redeem, reserve, the dry run) shares.
absl::Status CheckBurn(const std::string& org_id, const std::string& member_id,
                       const std::string& program_id, ledger::Points points,
                       const std::string& order_ref, const std::string& reward) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", org_id));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("member_id", member_id));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateOptionalId("program_id", program_id));
  LOYALTY_RETURN_IF_ERROR(CheckPositivePoints("points", points));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateOptionalKey("order_ref", order_ref));
  return rpc::ValidateText("reward", reward, /*required=*/false);
}

// The fields a transfer and its dry run share.
template <typename Request>
absl::Status CheckTransfer(const Request& request) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("from_member_id", request.from_member_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("to_member_id", request.to_member_id()));
  if (request.from_member_id() == request.to_member_id()) {
    return InvalidField("to_member_id", "must differ from from_member_id");
  }
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateOptionalId("program_id", request.program_id()));
  return CheckPositivePoints("points", request.points());
}

// The fields capturing and voiding a reservation share.
template <typename Request>
absl::Status CheckResolve(const Request& request) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateKey("idempotency_key", request.idempotency_key()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("member_id", request.member_id()));
  if (request.reservation_id() <= 0) return InvalidField("reservation_id", "must be positive");
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckRequest(const v1::AccrueRequest& request) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateKey("idempotency_key", request.idempotency_key()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("member_id", request.member_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateOptionalId("program_id", request.program_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateOptionalId("point_type", request.point_type()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateOptionalId("subtype", request.subtype()));
  if (request.has_occurred_at()) {
    LOYALTY_RETURN_IF_ERROR(rpc::ValidateTimestamp("occurred_at", request.occurred_at()));
  }
  if (request.has_available_at()) {
    LOYALTY_RETURN_IF_ERROR(rpc::ValidateTimestamp("available_at", request.available_at()));
  }
  if (request.has_expires_at()) {
    LOYALTY_RETURN_IF_ERROR(rpc::ValidateTimestamp("expires_at", request.expires_at()));
  }
  return CheckKind(request);
}

absl::Status CheckRequest(const v1::ReverseRequest& request) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateKey("idempotency_key", request.idempotency_key()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("member_id", request.member_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateOptionalId("program_id", request.program_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateKey("order_ref", request.order_ref()));
  switch (request.scope_case()) {
    case v1::ReverseRequest::kReturnedAmount:
      LOYALTY_RETURN_IF_ERROR(CheckAmount("returned_amount.minor_units",
                                  request.returned_amount().minor_units(), /*positive=*/true));
      return rpc::ValidateCurrency("returned_amount.currency",
                                   request.returned_amount().currency());
    case v1::ReverseRequest::kFull:
      if (!request.full()) return InvalidField("full", "must be true when set");
      return absl::OkStatus();
    case v1::ReverseRequest::SCOPE_NOT_SET:
      break;
  }
  return InvalidField("scope", "one of returned_amount or full is required");
}

absl::Status CheckRequest(const v1::RedeemRequest& request) {
  LOYALTY_RETURN_IF_ERROR(CheckBurn(request.org_id(), request.member_id(), request.program_id(),
                            request.points(), request.order_ref(), request.reward()));
  return rpc::ValidateKey("idempotency_key", request.idempotency_key());
}

absl::Status CheckRequest(const v1::GroupRedeemRequest& request) {
  LOYALTY_RETURN_IF_ERROR(CheckBurn(request.org_id(), request.member_id(), "", request.points(),
                            request.order_ref(), request.reward()));
  return rpc::ValidateKey("idempotency_key", request.idempotency_key());
}

absl::Status CheckRequest(const v1::IsRedeemableRequest& request) {
  return CheckBurn(request.org_id(), request.member_id(), request.program_id(), request.points(),
                   request.order_ref(), "");
}

absl::Status CheckRequest(const v1::TransferRequest& request) {
  LOYALTY_RETURN_IF_ERROR(CheckTransfer(request));
  return rpc::ValidateKey("idempotency_key", request.idempotency_key());
}

absl::Status CheckRequest(const v1::IsTransferableRequest& request) {
  return CheckTransfer(request);
}

absl::Status CheckRequest(const v1::CancelRedemptionRequest& request) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateKey("idempotency_key", request.idempotency_key()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("member_id", request.member_id()));
  if (request.redemption_id() <= 0) return InvalidField("redemption_id", "must be positive");
  return absl::OkStatus();
}

absl::Status CheckRequest(const v1::ReservePointsRequest& request) {
  LOYALTY_RETURN_IF_ERROR(CheckBurn(request.org_id(), request.member_id(), request.program_id(),
                            request.points(), request.order_ref(), request.reward()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateKey("idempotency_key", request.idempotency_key()));
  if (request.has_timeout()) {
    LOYALTY_RETURN_IF_ERROR(rpc::ValidateDuration("timeout", request.timeout()));
    const absl::Duration timeout = ReservationTimeout(request);
    if (timeout < kMinTimeout || timeout > kMaxTimeout) {
      return InvalidField("timeout", "must be between 1 second and 7 days");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckRequest(const v1::CapturePointsRequest& request) {
  LOYALTY_RETURN_IF_ERROR(CheckResolve(request));
  if (request.points() < 0) return InvalidField("points", "must not be negative");
  return rpc::ValidateRange("points", request.points(), 0, ledger::kMaxCommandPoints);
}

absl::Status CheckRequest(const v1::VoidReservationRequest& request) {
  return CheckResolve(request);
}

absl::Duration ReservationTimeout(const v1::ReservePointsRequest& request) {
  if (!request.has_timeout()) return kDefaultTimeout;
  return absl::Seconds(request.timeout().seconds()) + absl::Nanoseconds(request.timeout().nanos());
}

// ---- Partner programs (docs/partners.md) -------------------------------------------------

namespace {

constexpr int64_t kMaxPartnerPoints = 1'000'000'000;  // in one partner-side redemption

}  // namespace

absl::Status ValidateExternalNumber(absl::string_view field, absl::string_view value) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateKey(field, value));
  if (value.size() > rpc::kMaxIdLength) {
    return InvalidField(field, absl::StrCat("is longer than ", rpc::kMaxIdLength, " characters"));
  }
  return absl::OkStatus();
}

absl::Status CheckRequest(const v1::LinkPartnerAccountRequest& request) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateKey("idempotency_key", request.idempotency_key()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("member_id", request.member_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("partner_code", request.partner_code()));
  LOYALTY_RETURN_IF_ERROR(ValidateExternalNumber("external_number", request.external_number()));
  return rpc::ValidateText("identity", request.identity(), /*required=*/true);
}

absl::Status CheckRequest(const v1::UnlinkPartnerAccountRequest& request) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateKey("idempotency_key", request.idempotency_key()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("member_id", request.member_id()));
  return rpc::ValidateId("partner_code", request.partner_code());
}

absl::Status CheckRequest(const v1::RedeemVoucherRequest& request) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateKey("idempotency_key", request.idempotency_key()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("member_id", request.member_id()));
  if (request.voucher_id() <= 0) return InvalidField("voucher_id", "must be positive");
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateKey("order_ref", request.order_ref()));
  if (!request.has_amount()) return InvalidField("amount", "is required");
  if (request.amount().minor_units() <= 0) {
    return InvalidField("amount.minor_units", "must be positive");
  }
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateRange("amount.minor_units", request.amount().minor_units(),
                                             1, ledger::kMaxAmountMinor));
  return rpc::ValidateCurrency("amount.currency", request.amount().currency());
}

absl::Status CheckRequest(const v1::NotifyPartnerRedemptionRequest& request) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("partner_code", request.partner_code()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateKey("partner_request_id", request.partner_request_id()));
  LOYALTY_RETURN_IF_ERROR(ValidateExternalNumber("external_number", request.external_number()));
  if (request.partner_points() <= 0) return InvalidField("partner_points", "must be positive");
  LOYALTY_RETURN_IF_ERROR(
      rpc::ValidateRange("partner_points", request.partner_points(), 1, kMaxPartnerPoints));
  if (request.kind() != v1::VOUCHER_KIND_REWARD && request.kind() != v1::VOUCHER_KIND_CREDIT) {
    return InvalidField("kind", "must be REWARD or CREDIT");
  }
  return absl::OkStatus();
}

}  // namespace loyalty::command
