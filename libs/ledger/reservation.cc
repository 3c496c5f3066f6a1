#include "libs/ledger/reservation.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/consumption.h"
#include "libs/ledger/redemption_rules.h"

namespace loyalty::ledger {
namespace {

// Releases every hold of the reservation and records how it ended.
void AddResolution(const Reservation& reservation, const std::string& member_id,
                   const std::string& status, ChangeSet* changes) {
  for (const LotHold& hold : reservation.lots) {
    changes->Add(LotChange{LotChange::Kind::kHold, member_id, hold.lot_id, -hold.points});
  }
  changes->Add(ReservationResolved{member_id, reservation.reservation_id, status});
}

}  // namespace

absl::StatusOr<Reserve> DecideReserve(const BurnScope& scope, const MemberState& member,
                                      const BurnCommand& command, const BurnFacts& facts,
                                      absl::Duration timeout, absl::Time now) {
  Reserve reserve;
  LOYALTY_ASSIGN_OR_RETURN(reserve.plan,
                           PlanRedemption(scope, member, command, facts, now,
                                          {.validate_redemption = true, .allow_overdraft = false}));
  reserve.expires_at = now + timeout;
  ReservationCreated created{
      member.member_id,  scope.pricing.program_id, scope.group,        command.points,
      command.order_ref, command.reward,           reserve.expires_at, {}};
  for (const LotTake& take : reserve.plan.consumption.takes) {
    created.lots.push_back({take.lot_id, take.points});
  }
  reserve.changes.Add(std::move(created));
  for (const LotTake& take : reserve.plan.consumption.takes) {
    reserve.changes.Add(
        LotChange{LotChange::Kind::kHold, member.member_id, take.lot_id, take.points});
  }
  return reserve;
}

absl::StatusOr<const Reservation*> RequireOpen(int64_t reservation_id,
                                               const std::optional<Reservation>& reservation) {
  if (!reservation.has_value()) return NotFound("reservation", absl::StrCat(reservation_id));
  if (reservation->status == "expired") {
    return Refused(kReservationExpired, absl::StrCat("reservation ", reservation_id, " timed out"));
  }
  if (reservation->status != "open") {
    return Refused(kReservationNotOpen,
                   absl::StrCat("reservation ", reservation_id, " is ", reservation->status));
  }
  return &*reservation;
}

absl::StatusOr<Release> DecideVoid(int64_t reservation_id,
                                   const std::optional<Reservation>& reservation,
                                   const std::string& member_id) {
  LOYALTY_ASSIGN_OR_RETURN(const Reservation* open, RequireOpen(reservation_id, reservation));
  Release release;
  release.points_released = open->points;
  AddResolution(*open, member_id, "voided", &release.changes);
  return release;
}

absl::StatusOr<Points> CapturedPoints(int64_t reservation_id,
                                      const std::optional<Reservation>& reservation,
                                      Points requested) {
  LOYALTY_ASSIGN_OR_RETURN(const Reservation* open, RequireOpen(reservation_id, reservation));
  const Points points = requested == 0 ? open->points : requested;
  if (points > open->points) {
    return InvalidField("points",
                        absl::StrCat("is more than the ", open->points, " points reserved"));
  }
  return points;
}

absl::StatusOr<Capture> DecideCapture(const Reservation& reservation, const BurnScope& scope,
                                      const MemberState& member, Points points, absl::Time now) {
  Capture capture;
  capture.points_released = reservation.points - points;
  AddResolution(reservation, member.member_id, "captured", &capture.changes);
  LOYALTY_ASSIGN_OR_RETURN(const MemberState released, Apply(capture.changes, member, now));
  std::vector<Lot> held_lots;
  for (const Lot& lot : released.lots) {
    for (const LotHold& hold : reservation.lots) {
      if (lot.lot_id == hold.lot_id) {
        // Only this reservation's share of the lot; other holds on it stay.
        held_lots.push_back(lot);
        held_lots.back().remaining = std::min(lot.remaining, lot.held + hold.points);
      }
    }
  }
  capture.plan.consumption = PlanConsumption(held_lots, points, now);
  if (capture.plan.consumption.shortfall > 0) {
    return Refused(kInsufficientPoints, "part of the reserved points expired before the capture");
  }
  capture.plan.breakup = BreakupByProgram(capture.plan.consumption, scope.pricing.program_id);
  capture.plan.value_minor = RedemptionValue(points, scope.pricing.ratio);
  AddRedemption(scope, member.member_id,
                BurnCommand{points, reservation.order_ref, reservation.reward}, capture.plan,
                reservation.reservation_id, &capture.changes);
  return capture;
}

}  // namespace loyalty::ledger
