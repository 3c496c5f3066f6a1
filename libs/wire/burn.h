#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "libs/ledger/burn.h"
#include "libs/ledger/change_set.h"
#include "libs/ledger/consumption.h"
#include "loyalty/v1/command.pb.h"
#include "loyalty/v1/common.pb.h"

namespace loyalty::wire {

// The lots a burn takes, as LotConsumption messages.
void ToLotConsumptions(const std::vector<ledger::LotTake>& takes,
                       google::protobuf::RepeatedPtrField<v1::LotConsumption>* out);
void ToLotConsumptions(const ledger::ConsumptionPlan& consumption,
                       google::protobuf::RepeatedPtrField<v1::LotConsumption>* out);

// A burn's points by program, as ProgramBreakup messages.
void ToProgramBreakups(const std::vector<ledger::ProgramPoints>& breakup,
                       google::protobuf::RepeatedPtrField<v1::ProgramBreakup>* out);

// A recorded redemption, with its id, time and caller (its operation's).
void ToRedemption(const ledger::RedemptionRecorded& redemption, int64_t redemption_id,
                  absl::Time created_at, const std::string& caller, v1::Redemption* out);

// A cancelled redemption, as the cancellation's event shows it.
void ToRedemption(const ledger::RedemptionCancelled& cancelled, v1::Redemption* out);

}  // namespace loyalty::wire
