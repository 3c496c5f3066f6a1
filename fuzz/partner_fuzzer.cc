// Partner programs: a RedeemVoucher request, decoded and checked, spent on a voucher of fuzzed
// kind, value, status and time; then the conversion of the state's lots under fuzzed terms. The
// spend never applies more than the amount or what remains and never leaves a negative rest; the
// conversion takes a multiple of the ratio's local points from free points only, leaves less than
// one unit unconverted (or stops at the per-conversion bound), and its partner points are exact.

#include <algorithm>

#include "fuzz/fuzz_input.h"
#include "fuzz/ledger_state.h"
#include "libs/base/check.h"
#include "libs/ledger/consumption.h"
#include "libs/ledger/limits.h"
#include "libs/ledger/partner.h"
#include "services/command/request_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace loyalty;
  fuzz::FuzzInput input(data, size);
  v1::RedeemVoucherRequest request;
  if (!input.Parse(&request) || !command::CheckRequest(request).ok()) return 0;
  fuzz::LedgerState state = fuzz::ConsumeState(input.state());
  FuzzedDataProvider& provider = input.state();

  ledger::VoucherRecord voucher;
  voucher.voucher_id = request.voucher_id();
  voucher.member_id = "m";
  voucher.kind =
      provider.ConsumeBool() ? ledger::VoucherKind::kCredit : ledger::VoucherKind::kReward;
  voucher.remaining_minor = provider.ConsumeIntegralInRange<int64_t>(0, 500'000'000'000'000'000);
  voucher.currency = provider.ConsumeBool() ? request.amount().currency() : "XXX";
  voucher.status = static_cast<ledger::VoucherStatus>(provider.ConsumeIntegralInRange<int>(0, 2));
  voucher.expires_at = state.now + absl::Seconds(provider.ConsumeIntegralInRange<int64_t>(-10, 10));
  const absl::StatusOr<ledger::VoucherChanged> spent =
      ledger::DecideVoucherSpend(voucher, request.order_ref(), request.amount().minor_units(),
                                 request.amount().currency(), state.now);
  if (spent.ok()) {
    LOYALTY_CHECK(voucher.status == ledger::VoucherStatus::kActive);
    LOYALTY_CHECK(spent->applied_minor >= 0 && spent->applied_minor <= spent->amount_minor);
    LOYALTY_CHECK(spent->applied_minor <= voucher.remaining_minor);
    LOYALTY_CHECK(spent->remaining_minor >= 0);
    LOYALTY_CHECK((spent->status == ledger::VoucherStatus::kActive) ==
                  (spent->remaining_minor > 0));
    if (voucher.kind == ledger::VoucherKind::kCredit) {
      LOYALTY_CHECK(spent->remaining_minor == voucher.remaining_minor - spent->applied_minor);
    }
  }

  ledger::PartnerTerms terms;
  terms.partner_code = "airline";
  terms.local_points = provider.ConsumeIntegralInRange<ledger::Points>(1, 1'000'000);
  terms.partner_points = provider.ConsumeIntegralInRange<ledger::Points>(1, 1'000'000);
  const ledger::PartnerLinkRecord link{1,        "m", "airline", "FF-1", ledger::LinkState::kActive,
                                       state.now};
  ledger::Points free = 0;
  for (const ledger::Lot& lot : state.lots) free += ledger::FreePoints(lot);
  const std::optional<ledger::ChangeSet> conversion =
      ledger::DecideConversion(terms, link, state.lots);
  if (!conversion.has_value()) {
    LOYALTY_CHECK(free < terms.local_points);
    return 0;
  }
  const auto* recorded = std::get_if<ledger::ConversionRecorded>(&conversion->changes.back());
  LOYALTY_CHECK(recorded != nullptr);
  const ledger::Points units = recorded->local_points / terms.local_points;
  LOYALTY_CHECK(units > 0 && recorded->local_points == units * terms.local_points);
  LOYALTY_CHECK(recorded->partner_points == units * terms.partner_points);
  LOYALTY_CHECK(recorded->partner_points <= ledger::kMaxCommandPoints);
  LOYALTY_CHECK(recorded->local_points <= free);
  LOYALTY_CHECK(free - recorded->local_points < terms.local_points ||
                recorded->partner_points + terms.partner_points > ledger::kMaxCommandPoints);
  ledger::Points taken = 0;
  for (const ledger::LotTake& take : recorded->lots) {
    const auto lot = std::find_if(state.lots.begin(), state.lots.end(),
                                  [&](const ledger::Lot& l) { return l.lot_id == take.lot_id; });
    LOYALTY_CHECK(lot != state.lots.end() && take.points > 0 &&
                  take.points <= ledger::FreePoints(*lot));
    taken += take.points;
  }
  LOYALTY_CHECK(taken == recorded->local_points);
  return 0;
}
