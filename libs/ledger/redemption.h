#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/ledger/burn.h"
#include "libs/ledger/burn_changes.h"
#include "libs/ledger/change_set.h"
#include "libs/ledger/member.h"
#include "libs/ledger/types.h"

namespace loyalty::ledger {

// A redemption as the domain sees it (the request's fields, already checked for form).
struct BurnCommand {
  Points points = 0;
  std::string order_ref;  // empty: none
  std::string reward;     // empty: none
};

// What the store read for the decision beside the member (under its lock, but for a dry run).
struct BurnFacts {
  bool order_earned = false;  // the member's order (command.order_ref) already earned points
};

struct Burn {
  BurnPlan plan;
  // The burn's changes (AddBurnChanges, entries of kind redemption), then the redemption.
  ChangeSet changes;
};

// A redemption of `plan`: its burn (the reward as the entries' description), then its record.
// `reservation_id` is the reservation it captures, 0 for none.
void AddRedemption(const BurnScope& scope, const std::string& member_id, const BurnCommand& command,
                   const BurnPlan& plan, int64_t reservation_id, ChangeSet* changes);

// What a redemption (or a reservation, which may not overdraw) may take, or the refusal:
// MEMBER_NOT_ACTIVE, NOT_ENROLLED in the pricing program (unless a group redemption),
// EARN_AND_BURN_SAME_ORDER for an order that earned, then PlanBurn's.
absl::StatusOr<BurnPlan> PlanRedemption(const BurnScope& scope, const MemberState& member,
                                        const BurnCommand& command, const BurnFacts& facts,
                                        absl::Time now, const BurnRules& rules);

// Decides a redemption (Redeem, GroupRedeem) by `member`, read under its lock, at `now`:
// PlanRedemption, then AddRedemption.
absl::StatusOr<Burn> DecideBurn(const BurnScope& scope, const MemberState& member,
                                const BurnCommand& command, const BurnFacts& facts, absl::Time now,
                                const BurnRules& rules);

}  // namespace loyalty::ledger
