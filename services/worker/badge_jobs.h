#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "libs/store/context.h"

namespace loyalty::worker {

// Tenure badges (docs/badges.md): each active member whose enrolment reached the months of a
// tenure level not yet held gets it (with its bonus), in one operation per member under its lock.
// Awards each level once whatever the number of runs or workers; returns the levels awarded.
absl::StatusOr<int64_t> AwardTenureBadges(const store::Context& context, int32_t batch);

}  // namespace loyalty::worker
