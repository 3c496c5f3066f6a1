#include "libs/wire/event.h"

#include "libs/ledger/badges.h"
#include "libs/ledger/member.h"
#include "libs/wire/time.h"

namespace loyalty::wire {
namespace {

// The published kind of each of the domain's.
struct KindPair {
  ledger::EntryKind domain;
  v1::LedgerEntryKind published;
};
constexpr KindPair kKinds[] = {
    {ledger::EntryKind::kAccrual, v1::LEDGER_ENTRY_KIND_ACCRUAL},
    {ledger::EntryKind::kRedemption, v1::LEDGER_ENTRY_KIND_REDEMPTION},
    {ledger::EntryKind::kTransferOut, v1::LEDGER_ENTRY_KIND_TRANSFER_OUT},
    {ledger::EntryKind::kTransferIn, v1::LEDGER_ENTRY_KIND_TRANSFER_IN},
    {ledger::EntryKind::kReversal, v1::LEDGER_ENTRY_KIND_REVERSAL},
    {ledger::EntryKind::kExpiry, v1::LEDGER_ENTRY_KIND_EXPIRY},
    {ledger::EntryKind::kAdjustment, v1::LEDGER_ENTRY_KIND_ADJUSTMENT},
    {ledger::EntryKind::kOverdraftRepayment, v1::LEDGER_ENTRY_KIND_OVERDRAFT_REPAYMENT},
    {ledger::EntryKind::kRedemptionCancellation, v1::LEDGER_ENTRY_KIND_REDEMPTION_CANCELLATION},
    {ledger::EntryKind::kConversion, v1::LEDGER_ENTRY_KIND_CONVERSION},
    {ledger::EntryKind::kConversionReturn, v1::LEDGER_ENTRY_KIND_CONVERSION_RETURN},
};

}  // namespace

v1::LedgerEntryKind ToEntryKind(ledger::EntryKind kind) {
  for (const KindPair& pair : kKinds) {
    if (pair.domain == kind) return pair.published;
  }
  return v1::LEDGER_ENTRY_KIND_UNSPECIFIED;
}

const char* EntryKindName(v1::LedgerEntryKind kind) {
  for (const KindPair& pair : kKinds) {
    if (pair.published == kind) return ledger::EntryKindName(pair.domain);
  }
  return "unspecified";
}

v1::LedgerEntryKind EntryKindFromName(absl::string_view name) {
  for (const KindPair& pair : kKinds) {
    if (name == ledger::EntryKindName(pair.domain)) return pair.published;
  }
  return v1::LEDGER_ENTRY_KIND_UNSPECIFIED;
}

void ToLotState(const std::string& member_id, const ledger::Lot& lot, internal::v1::LotState* out) {
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
                         internal::v1::ContributionState* out) {
  out->set_household_id(added.household_id);
  out->set_member_id(added.member_id);
  ToTimestamp(added.membership_start, out->mutable_membership_start());
  out->set_program_id(added.program_id);
  ToTimestamp(added.period_start, out->mutable_period_start());
  out->set_qualifying(qualifying);
}

void ToMeasureDelta(const ledger::PurchaseRecorded& purchase, absl::Time at,
                    internal::v1::MeasureDelta* out) {
  out->set_member_id(purchase.member_id);
  out->set_program_id(purchase.program_id);
  ToTimestamp(ledger::DayStart(at), out->mutable_day());
  out->set_amount_minor(purchase.amount_minor);
  out->set_points(purchase.points);
}

void ToMeasureDelta(const ledger::PurchaseReturned& returned, internal::v1::MeasureDelta* out) {
  out->set_member_id(returned.member_id);
  out->set_program_id(returned.program_id);
  ToTimestamp(ledger::DayStart(returned.recorded_at), out->mutable_day());
  out->set_amount_minor(-returned.returned_now_minor);
  out->set_points(-returned.reversed_now);
}

void ToMeasureDelta(const ledger::ActionCounted& action, internal::v1::MeasureDelta* out) {
  out->set_member_id(action.member_id);
  out->set_program_id(action.program_id);
  out->set_action_code(action.action_code);
}

}  // namespace loyalty::wire
