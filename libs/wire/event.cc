#include "libs/wire/event.h"

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

v1::LedgerEntryKind ToEntryKind(ledger::EntryKind kind) {
  switch (kind) {
    case ledger::EntryKind::kAccrual:
      return v1::LEDGER_ENTRY_KIND_ACCRUAL;
    case ledger::EntryKind::kRedemption:
      return v1::LEDGER_ENTRY_KIND_REDEMPTION;
    case ledger::EntryKind::kTransferOut:
      return v1::LEDGER_ENTRY_KIND_TRANSFER_OUT;
    case ledger::EntryKind::kTransferIn:
      return v1::LEDGER_ENTRY_KIND_TRANSFER_IN;
    case ledger::EntryKind::kReversal:
      return v1::LEDGER_ENTRY_KIND_REVERSAL;
    case ledger::EntryKind::kExpiry:
      return v1::LEDGER_ENTRY_KIND_EXPIRY;
    case ledger::EntryKind::kAdjustment:
      return v1::LEDGER_ENTRY_KIND_ADJUSTMENT;
    case ledger::EntryKind::kOverdraftRepayment:
      return v1::LEDGER_ENTRY_KIND_OVERDRAFT_REPAYMENT;
    case ledger::EntryKind::kRedemptionCancellation:
      return v1::LEDGER_ENTRY_KIND_REDEMPTION_CANCELLATION;
  }
  return v1::LEDGER_ENTRY_KIND_UNSPECIFIED;
}

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

void ToContributionState(const ledger::ContributionAdded& added, ledger::Points qualifying,
                         v1::ContributionState* out) {
  out->set_household_id(added.household_id);
  out->set_member_id(added.member_id);
  ToTimestamp(added.membership_start, out->mutable_membership_start());
  out->set_program_id(added.program_id);
  ToTimestamp(added.period_start, out->mutable_period_start());
  out->set_qualifying(qualifying);
}

}  // namespace loyalty::wire
