#include "libs/wire/balances.h"

#include <optional>
#include <vector>

#include "libs/ledger/member.h"
#include "libs/ledger/program.h"
#include "libs/ledger/redemption_rules.h"
#include "libs/wire/time.h"

namespace loyalty::wire {
namespace {

void ToExpiring(const std::optional<ledger::ExpiringSoon>& expiring, v1::ExpiringSoon* out) {
  ToTimestamp(expiring->at, out->mutable_expires_at());
  out->set_points(expiring->points);
}

void ToPointTypeBalance(const ledger::PointTypeBalance& type, v1::PointTypeBalance* out) {
  out->set_point_type(type.point_type);
  out->set_available(type.available);
  out->set_held(type.held);
  out->set_pending(type.pending);
  out->set_lifetime(type.lifetime);
  out->set_qualifying(type.qualifying);
  if (type.expiring) ToExpiring(type.expiring, out->mutable_expiring());
}

}  // namespace

void ToBalances(const ledger::MemberState& member, absl::Time now,
                const ledger::GroupValuation& valuation, v1::Balances* balances) {
  balances->set_member_id(member.member_id);
  const std::vector<ledger::ProgramBalance> programs =
      ledger::ComputeBalances(member.lots, member.totals, ledger::DebtsOf(member), now);
  for (const ledger::ProgramBalance& program : programs) {
    v1::ProgramBalance* out = balances->add_programs();
    out->set_program_id(program.program_id);
    out->set_available(program.available);
    out->set_held(program.held);
    out->set_pending(program.pending);
    out->set_lifetime(program.lifetime);
    out->set_qualifying(program.qualifying);
    out->set_debt(program.debt);
    if (program.expiring) ToExpiring(program.expiring, out->mutable_expiring());
    if (const ledger::Enrolment* enrolment = member.FindEnrolment(program.program_id)) {
      out->set_tier(enrolment->tier);
    }
    for (const ledger::PointTypeBalance& type : program.point_types) {
      ToPointTypeBalance(type, out->add_point_types());
    }
  }
  const ledger::Points group = ledger::GroupAvailable(programs);
  balances->set_group_available(group);
  balances->mutable_group_value()->set_currency(valuation.currency);
  balances->mutable_group_value()->set_minor_units(
      group > 0 ? ledger::RedemptionValue(group, valuation.ratio) : 0);
}

std::string TierIn(const v1::Balances& balances, const std::string& program_id) {
  for (const v1::ProgramBalance& balance : balances.programs()) {
    if (balance.program_id() == program_id) return balance.tier();
  }
  return "";
}

}  // namespace loyalty::wire
