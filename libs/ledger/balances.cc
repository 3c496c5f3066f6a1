#include "libs/ledger/balances.h"

#include <map>
#include <utility>

#include "libs/ledger/consumption.h"
#include "libs/ledger/limits.h"

namespace loyalty::ledger {
namespace {

using TypeRows = std::map<std::string, PointTypeBalance>;  // by point type
using ProgramRows = std::map<std::string, std::pair<ProgramBalance, TypeRows>>;  // by program

PointTypeBalance& RowFor(ProgramRows& programs, const std::string& program_id,
                         const std::string& point_type) {
  auto& [program, types] = programs[program_id];
  program.program_id = program_id;
  PointTypeBalance& row = types[point_type];
  row.point_type = point_type;
  return row;
}

// Keeps the earliest expiry; points expiring at the same instant add up.
void MergeExpiring(std::optional<ExpiringSoon>& into, const ExpiringSoon& next) {
  if (!into.has_value() || next.at < into->at) {
    into = next;
  } else if (next.at == into->at) {
    into->points = SaturatingAdd(into->points, next.points);
  }
}

void AddLot(PointTypeBalance& row, const Lot& lot, absl::Time now) {
  const bool expired = lot.expires_at.has_value() && *lot.expires_at <= now;
  if (IsSpendable(lot, now)) row.available = SaturatingAdd(row.available, FreePoints(lot));
  if (expired) return;
  row.held = SaturatingAdd(row.held, lot.held);
  if (lot.available_at > now) row.pending = SaturatingAdd(row.pending, lot.remaining);
  if (lot.expires_at.has_value() && lot.remaining > 0) {
    MergeExpiring(row.expiring, ExpiringSoon{*lot.expires_at, lot.remaining});
  }
}

ProgramBalance Finish(ProgramBalance program, TypeRows& types) {
  for (auto& entry : types) {
    PointTypeBalance& row = entry.second;
    program.available = SaturatingAdd(program.available, row.available);
    program.held = SaturatingAdd(program.held, row.held);
    program.pending = SaturatingAdd(program.pending, row.pending);
    program.lifetime = SaturatingAdd(program.lifetime, row.lifetime);
    program.qualifying = SaturatingAdd(program.qualifying, row.qualifying);
    if (row.expiring.has_value()) MergeExpiring(program.expiring, *row.expiring);
    program.point_types.push_back(std::move(row));
  }
  program.available = SaturatingAdd(program.available, -program.debt);
  return program;
}

}  // namespace

std::vector<ProgramBalance> ComputeBalances(std::span<const Lot> lots,
                                            std::span<const PointTotals> totals,
                                            std::span<const ProgramDebt> debts, absl::Time now) {
  ProgramRows programs;
  for (const Lot& lot : lots) AddLot(RowFor(programs, lot.program_id, lot.point_type), lot, now);
  for (const PointTotals& total : totals) {
    PointTypeBalance& row = RowFor(programs, total.program_id, total.point_type);
    row.lifetime = SaturatingAdd(row.lifetime, total.lifetime);
    row.qualifying = SaturatingAdd(row.qualifying, total.qualifying);
  }
  for (const ProgramDebt& debt : debts) {
    ProgramBalance& program = programs[debt.program_id].first;
    program.program_id = debt.program_id;
    program.debt = SaturatingAdd(program.debt, debt.debt);
  }
  std::vector<ProgramBalance> balances;
  balances.reserve(programs.size());
  for (auto& entry : programs) {
    balances.push_back(Finish(std::move(entry.second.first), entry.second.second));
  }
  return balances;
}

Points GroupAvailable(std::span<const ProgramBalance> programs) {
  Points total = 0;
  for (const ProgramBalance& program : programs) total = SaturatingAdd(total, program.available);
  return total;
}

}  // namespace loyalty::ledger
