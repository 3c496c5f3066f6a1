#include "services/command/household.h"

#include "libs/base/status_macros.h"
#include "libs/ledger/household.h"
#include "libs/ledger/member.h"
#include "libs/ledger/program.h"
#include "libs/store/member_repository.h"

namespace loyalty::command {

absl::Status RollUpQualifying(pg::Transaction& tx, store::Operation& operation,
                              const ledger::ProgramConfig& program,
                              const ledger::HouseholdRollup& rollup, const std::string& point_type,
                              ledger::Points delta, const std::string& order_ref) {
  if (delta == 0) return absl::OkStatus();
  LOYALTY_ASSIGN_OR_RETURN(ledger::MemberState household,
                           store::LoadMember(tx, program.org_id, rollup.household_id));
  operation.Track(household);
  return operation
      .Write(ledger::DecideRollUp(program, household, rollup, point_type, delta, order_ref))
      .status();
}

}  // namespace loyalty::command
