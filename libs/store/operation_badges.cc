// Operation's rows of badges (docs/badges.md): the levels awarded and the bonuses taken back.
#include <utility>

#include "libs/base/status_macros.h"
#include "libs/ledger/change_set.h"
#include "libs/store/operation.h"
#include "libs/wire/badges.h"
#include "libs/wire/time.h"

namespace loyalty::store {
namespace {

constexpr pg::Statement kInsertAward{
    "operation_insert_badge_award",
    "INSERT INTO member_badges (org_id, member_id, program_id, badge_id, level_code,"
    " level_number, threshold, badge_version, awarded_at, operation_id, order_ref, bonus_points,"
    " bonus_point_type, bonus_lot_id, benefit_code, claw_back)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"};

constexpr pg::Statement kClawBack{
    "operation_claw_back_badge_bonus",
    "UPDATE member_badges SET clawed_back_at = $6"
    " WHERE org_id = $1 AND member_id = $2 AND program_id = $3 AND badge_id = $4"
    " AND level_code = $5 AND clawed_back_at IS NULL"
    " RETURNING level_number, threshold, badge_version, awarded_at, order_ref, bonus_points,"
    " bonus_point_type, benefit_code"};

}  // namespace

void Operation::Record(const ledger::BadgeAwarded& award) {
  pg::Params row;
  row.Add(event_.org_id())
      .Add(award.member_id)
      .Add(award.program_id)
      .Add(award.badge_id)
      .Add(award.level_code)
      .Add(award.level_number)
      .Add(award.threshold)
      .Add(award.badge_version)
      .Add(now_)
      .Add(id())
      .Add(award.order_ref)
      .Add(award.bonus_points)
      .Add(award.bonus_point_type)
      .Add(award.bonus_lot ? std::optional<int64_t>(last_lot_id_) : std::nullopt)
      .Add(award.benefit_code)
      .Add(award.claw_back);
  tx_->Defer(kInsertAward, std::move(row));
  internal::v1::BadgeAwardState* state = event_.add_badge_awards();
  state->set_member_id(award.member_id);
  wire::ToBadgeAward(award, now_, state->mutable_award());
}

absl::Status Operation::Record(const ledger::BadgeBonusClawedBack& clawed) {
  pg::Params params;
  params.Add(event_.org_id())
      .Add(clawed.member_id)
      .Add(clawed.program_id)
      .Add(clawed.badge_id)
      .Add(clawed.level_code)
      .Add(now_);
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx_->Execute(kClawBack, params));
  if (row.Rows() != 1) {
    return absl::InternalError("the badge level whose bonus to take back is not held");
  }
  const ledger::BadgeAwarded award{clawed.member_id,
                                   clawed.program_id,
                                   clawed.badge_id,
                                   row.Int32(0, 2),
                                   clawed.level_code,
                                   row.Int32(0, 0),
                                   row.Int64(0, 1),
                                   std::string(row.Text(0, 4)),
                                   row.Int64(0, 5),
                                   std::string(row.Text(0, 6)),
                                   false,
                                   std::string(row.Text(0, 7)),
                                   true};
  internal::v1::BadgeAwardState* state = event_.add_badge_awards();
  state->set_member_id(clawed.member_id);
  wire::ToBadgeAward(award, row.Time(0, 3), state->mutable_award());
  wire::ToTimestamp(now_, state->mutable_award()->mutable_bonus_clawed_back_at());
  return absl::OkStatus();
}

}  // namespace loyalty::store
