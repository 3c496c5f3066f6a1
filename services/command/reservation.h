#pragma once

#include "absl/status/status.h"
#include "libs/store/context.h"
#include "loyalty/v1/command.pb.h"

namespace loyalty::command {

// Two-phase redemption: hold points, then capture all or part of them, or void. See
// docs/rules.md. A reservation resolves exactly once: captured, voided, or expired.
absl::Status ReservePoints(const store::Context& context, const v1::ReservePointsRequest& request,
                           v1::ReservePointsResponse* response);
absl::Status CapturePoints(const store::Context& context, const v1::CapturePointsRequest& request,
                           v1::CapturePointsResponse* response);
absl::Status VoidReservation(const store::Context& context,
                             const v1::VoidReservationRequest& request,
                             v1::VoidReservationResponse* response);

}  // namespace loyalty::command
