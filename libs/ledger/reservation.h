#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/ledger/burn.h"
#include "libs/ledger/change_set.h"
#include "libs/ledger/member.h"
#include "libs/ledger/redemption.h"
#include "libs/ledger/types.h"

namespace loyalty::ledger {

// Reason codes of a reservation that is no longer open.
inline constexpr char kReservationNotOpen[] = "RESERVATION_NOT_OPEN";
inline constexpr char kReservationExpired[] = "RESERVATION_EXPIRED";

// A reservation as read (after the member's lock released those whose timeout passed).
struct Reservation {
  int64_t reservation_id = 0;
  std::string program_id;  // the pricing program
  bool group = false;
  Points points = 0;
  std::string order_ref;
  std::string reward;
  std::string status;         // open | captured | voided | expired
  std::vector<LotHold> lots;  // by lot id
};

struct Reserve {
  BurnPlan plan;  // the lots held
  absl::Time expires_at;
  // The reservation (ReservationCreated), then the holds.
  ChangeSet changes;
};

// Decides ReservePoints: a redemption's rules without overdraft (PlanRedemption), its lots held
// until `now + timeout`.
absl::StatusOr<Reserve> DecideReserve(const BurnScope& scope, const MemberState& member,
                                      const BurnCommand& command, const BurnFacts& facts,
                                      absl::Duration timeout, absl::Time now);

// The reservation `reservation_id` (`reservation`: as read, nullopt when the member has none)
// when it is open: NOT_FOUND, RESERVATION_EXPIRED or RESERVATION_NOT_OPEN otherwise.
absl::StatusOr<const Reservation*> RequireOpen(int64_t reservation_id,
                                               const std::optional<Reservation>& reservation);

struct Release {
  Points points_released = 0;
  // Every hold released, then the reservation resolved.
  ChangeSet changes;
};

// Decides VoidReservation of `member_id`'s reservation: RequireOpen, then its holds released.
absl::StatusOr<Release> DecideVoid(int64_t reservation_id,
                                   const std::optional<Reservation>& reservation,
                                   const std::string& member_id);

// The points a capture of `requested` points (0: all) takes: RequireOpen, then INVALID_ARGUMENT
// on points when more than were reserved.
absl::StatusOr<Points> CapturedPoints(int64_t reservation_id,
                                      const std::optional<Reservation>& reservation,
                                      Points requested);

struct Capture {
  BurnPlan plan;
  Points points_released = 0;  // reserved but not captured
  // Every hold released, the reservation resolved, then the redemption of the points from the
  // reservation's own lots (AddRedemption).
  ChangeSet changes;
};

// Decides CapturePoints of `points` (as CapturedPoints accepted them) from the open
// `reservation` of `member` (read under its lock, holds included) in `scope` at `now`: the
// points come from this reservation's share of its lots, in burn order; INSUFFICIENT_POINTS when
// part of them expired. No other redemption rule applies again.
absl::StatusOr<Capture> DecideCapture(const Reservation& reservation, const BurnScope& scope,
                                      const MemberState& member, Points points, absl::Time now);

}  // namespace loyalty::ledger
