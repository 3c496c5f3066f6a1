#include "libs/wire/burn.h"

#include "libs/wire/time.h"

namespace loyalty::wire {

void ToLotConsumptions(const ledger::ConsumptionPlan& consumption,
                       google::protobuf::RepeatedPtrField<v1::LotConsumption>* out) {
  for (const ledger::LotTake& take : consumption.takes) {
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

}  // namespace loyalty::wire
