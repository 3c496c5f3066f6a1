#include "libs/wire/burn.h"

#include "libs/wire/time.h"

namespace loyalty::wire {

void ToLotConsumptions(const ledger::ConsumptionPlan& consumption,
                       google::protobuf::RepeatedPtrField<v1::LotConsumption>* out) {
  ToLotConsumptions(consumption.takes, out);
}

void ToLotConsumptions(const std::vector<ledger::LotTake>& takes,
                       google::protobuf::RepeatedPtrField<v1::LotConsumption>* out) {
  for (const ledger::LotTake& take : takes) {
    v1::LotConsumption* lot = out->Add();
    lot->set_lot_id(take.lot_id);
    lot->set_program_id(take.program_id);
    lot->set_point_type(take.point_type);
    lot->set_points(take.points);
    ToOptionalTimestamp(take.expires_at, [&] { return lot->mutable_expires_at(); });
  }
}

void ToProgramBreakups(const std::vector<ledger::ProgramPoints>& breakup,
                       google::protobuf::RepeatedPtrField<v1::ProgramBreakup>* out) {
  for (const ledger::ProgramPoints& program : breakup) {
    v1::ProgramBreakup* part = out->Add();
    part->set_program_id(program.program_id);
    part->set_points(program.points);
  }
}

void ToRedemption(const ledger::RedemptionRecorded& redemption, int64_t redemption_id,
                  absl::Time created_at, const std::string& caller, v1::Redemption* out) {
  out->set_redemption_id(redemption_id);
  out->set_member_id(redemption.member_id);
  out->set_program_id(redemption.program_id);
  out->set_group(redemption.group);
  out->set_points(redemption.points);
  out->mutable_value()->set_minor_units(redemption.value_minor);
  out->mutable_value()->set_currency(redemption.currency);
  out->set_order_ref(redemption.order_ref);
  out->set_reward(redemption.reward);
  ToLotConsumptions(redemption.lots, out->mutable_lots());
  ToProgramBreakups(redemption.breakup, out->mutable_breakup_by_program());
  out->set_overdraft_points(redemption.overdraft_points);
  out->set_reservation_id(redemption.reservation_id);
  ToTimestamp(created_at, out->mutable_created_at());
  out->set_caller(caller);
}

void ToRedemption(const ledger::RedemptionCancelled& cancelled, v1::Redemption* out) {
  out->set_redemption_id(cancelled.redemption_id);
  out->set_member_id(cancelled.member_id);
  out->set_program_id(cancelled.program_id);
  out->set_points(cancelled.points);
  out->set_cancelled(true);
}

}  // namespace loyalty::wire
