#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/ledger/cancellation.h"
#include "libs/ledger/member.h"
#include "libs/ledger/reservation.h"
#include "libs/pg/transaction.h"
#include "libs/store/member_repository.h"

namespace loyalty::store {

// The reads (libs/store/read_plan.h) of a member's redemptions and reservations with the lots
// they took or hold. Their writes are the operation's (operation_redemptions.cc).

// A redemption, and the lots it took from as they are now.
struct StoredRedemption {
  ledger::RedemptionRecord record;
  std::vector<ledger::Lot> lots;
};

// The member's redemption with the lots it took (nullopt when it has none).
struct RedemptionRead {
  using Value = std::optional<StoredRedemption>;
  const std::string& org_id;
  const std::string& member_id;
  int64_t redemption_id;

  void Declare(pg::Transaction& tx) const;
  absl::StatusOr<Value> Load(pg::Transaction& tx) const;
};

// The member's reservation with its holds (nullopt when it has none).
struct ReservationRead {
  using Value = std::optional<ledger::Reservation>;
  const std::string& org_id;
  const std::string& member_id;
  int64_t reservation_id;

  void Declare(pg::Transaction& tx) const;
  absl::StatusOr<Value> Load(pg::Transaction& tx) const;
};

// Members with an open reservation whose timeout passed by `now`, at most `limit` (locking such a
// member for a command releases them: LockForCommand).
absl::StatusOr<std::vector<MemberKey>> MembersWithTimedOutReservations(pg::Transaction& tx,
                                                                       absl::Time now,
                                                                       int32_t limit);
// How many of the member's open reservations timed out by `now`.
absl::StatusOr<int64_t> CountTimedOutReservations(pg::Transaction& tx, const std::string& org_id,
                                                  const std::string& member_id, absl::Time now);

}  // namespace loyalty::store
