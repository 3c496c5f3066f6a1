#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/store/context.h"

namespace loyalty::worker {

// The batch jobs. Each handles at most `batch` members (or records) per call and returns how
// many items it changed; calling it again continues. Every job picks candidates without locks,
// then for each member locks it, re-checks and acts in one SQL transaction through the same
// ledger and outbox as commands: running it twice, or on several workers at once, changes nothing
// more (no double expiry).

// Lots past expires_at, and lots of inactivity-expiring types whose member has not earned or
// burned in the program for the type's days, become expiry entries (their free points; points
// held by a reservation expire once it is resolved).
absl::StatusOr<int64_t> ExpirePoints(const store::Context& context, int32_t batch);

// Open reservations past their timeout are released.
absl::StatusOr<int64_t> ReleaseExpiredReservations(const store::Context& context, int32_t batch);

// At each enrolment's period end, the new tier is the highest whose threshold the ended period's
// qualifying points meet (up, down or the same), and a new period begins with none.
absl::StatusOr<int64_t> RequalifyTiers(const store::Context& context, int32_t batch);

// Idempotency records older than `retention` are deleted.
absl::StatusOr<int64_t> PruneIdempotencyKeys(const store::Context& context, int32_t batch,
                                             absl::Duration retention);

}  // namespace loyalty::worker
