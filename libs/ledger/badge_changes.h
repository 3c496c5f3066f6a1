#pragma once

#include <cstdint>
#include <string>

#include "libs/ledger/types.h"

namespace loyalty::ledger {

// The changes of badges (docs/badges.md) that a ChangeSet carries beside the points' own. The
// store writes each and publishes the level's state after it.

// A badge level awarded to the member (at the operation's time). With `bonus_lot`, the bonus
// points went to the lot the LotCreation just before it in the change set created.
struct BadgeAwarded {
  std::string member_id;
  std::string program_id;
  std::string badge_id;
  int32_t badge_version = 0;
  std::string level_code;
  int32_t level_number = 0;
  int64_t threshold = 0;
  std::string order_ref;  // the purchase that reached it, or empty
  Points bonus_points = 0;
  std::string bonus_point_type;
  bool bonus_lot = false;
  std::string benefit_code;
  bool claw_back = false;
};

// A return took a held level's bonus points back (at the operation's time); the level stays.
struct BadgeBonusClawedBack {
  std::string member_id;
  std::string program_id;
  std::string badge_id;
  std::string level_code;
};

}  // namespace loyalty::ledger
