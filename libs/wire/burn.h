#pragma once

#include <vector>

#include "google/protobuf/repeated_ptr_field.h"
#include "libs/ledger/burn.h"
#include "libs/ledger/consumption.h"
#include "loyalty/v1/common.pb.h"

namespace loyalty::wire {

// The lots a burn takes, as LotConsumption messages.
void ToLotConsumptions(const ledger::ConsumptionPlan& consumption,
                       google::protobuf::RepeatedPtrField<v1::LotConsumption>* out);

// A burn's points by program, as ProgramBreakup messages.
void ToProgramBreakups(const std::vector<ledger::ProgramPoints>& breakup,
                       google::protobuf::RepeatedPtrField<v1::ProgramBreakup>* out);

}  // namespace loyalty::wire
