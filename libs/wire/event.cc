#include "libs/wire/event.h"

#include <algorithm>

#include "libs/ledger/member.h"
#include "libs/wire/time.h"

namespace loyalty::wire {
namespace {

struct KindName {
  v1::LedgerEntryKind kind;
  const char* name;
};
constexpr KindName kKindNames[] = {
    {v1::LEDGER_ENTRY_KIND_ACCRUAL, "accrual"},
    {v1::LEDGER_ENTRY_KIND_REDEMPTION, "redemption"},
    {v1::LEDGER_ENTRY_KIND_TRANSFER_OUT, "transfer_out"},
    {v1::LEDGER_ENTRY_KIND_TRANSFER_IN, "transfer_in"},
    {v1::LEDGER_ENTRY_KIND_REVERSAL, "reversal"},
    {v1::LEDGER_ENTRY_KIND_EXPIRY, "expiry"},
    {v1::LEDGER_ENTRY_KIND_ADJUSTMENT, "adjustment"},
    {v1::LEDGER_ENTRY_KIND_OVERDRAFT_REPAYMENT, "overdraft_repayment"},
    {v1::LEDGER_ENTRY_KIND_REDEMPTION_CANCELLATION, "redemption_cancellation"},
};

}  // namespace

const char* EntryKindName(v1::LedgerEntryKind kind) {
  for (const KindName& entry : kKindNames) {
    if (entry.kind == kind) return entry.name;
  }
  return "unspecified";
}

v1::LedgerEntryKind EntryKindFromName(absl::string_view name) {
  for (const KindName& entry : kKindNames) {
    if (name == entry.name) return entry.kind;
  }
  return v1::LEDGER_ENTRY_KIND_UNSPECIFIED;
}

void ToLotState(const std::string& member_id, const ledger::Lot& lot, v1::LotState* out) {
  out->set_member_id(member_id);
  out->set_lot_id(lot.lot_id);
  out->set_program_id(lot.program_id);
  out->set_point_type(lot.point_type);
  out->set_subtype(lot.subtype);
  out->set_redeemable(lot.redeemable);
  out->set_amount(lot.amount);
  out->set_remaining(lot.remaining);
  out->set_held(lot.held);
  ToTimestamp(lot.awarded_at, out->mutable_awarded_at());
  ToTimestamp(lot.available_at, out->mutable_available_at());
  ToOptionalTimestamp(lot.expires_at, [&] { return out->mutable_expires_at(); });
}

ledger::Lot FromLotState(const v1::LotState& state) {
  ledger::Lot lot;
  lot.lot_id = state.lot_id();
  lot.program_id = state.program_id();
  lot.point_type = state.point_type();
  lot.subtype = state.subtype();
  lot.amount = state.amount();
  lot.remaining = state.remaining();
  lot.held = state.held();
  lot.redeemable = state.redeemable();
  lot.awarded_at = FromTimestamp(state.awarded_at());
  lot.available_at = FromTimestamp(state.available_at());
  if (state.has_expires_at()) lot.expires_at = FromTimestamp(state.expires_at());
  return lot;
}

void ApplyEvent(const v1::LedgerEvent& event, ledger::MemberState* member) {
  for (const v1::LotState& state : event.lots()) {
    if (state.member_id() != member->member_id) continue;
    auto lot = std::find_if(member->lots.begin(), member->lots.end(),
                            [&](const ledger::Lot& l) { return l.lot_id == state.lot_id(); });
    if (lot == member->lots.end()) {
      member->lots.push_back(FromLotState(state));
      continue;
    }
    lot->remaining = state.remaining();
    lot->held = state.held();
  }
  for (const v1::TotalsState& state : event.totals()) {
    if (state.member_id() != member->member_id) continue;
    auto totals = std::find_if(
        member->totals.begin(), member->totals.end(), [&](const ledger::PointTotals& t) {
          return t.program_id == state.program_id() && t.point_type == state.point_type();
        });
    if (totals == member->totals.end()) {
      member->totals.push_back({state.program_id(), state.point_type(), 0, 0});
      totals = member->totals.end() - 1;
    }
    totals->lifetime = state.lifetime();
    totals->qualifying = state.qualifying();
  }
  for (const v1::EnrolmentState& state : event.enrolments()) {
    if (state.member_id() != member->member_id) continue;
    for (ledger::Enrolment& enrolment : member->enrolments) {
      if (enrolment.program_id != state.program_id()) continue;
      enrolment.tier = state.tier();
      enrolment.debt = state.debt();
    }
  }
}

}  // namespace loyalty::wire
