// The QueryService requests, one target each (LOYALTY_QUERY_REQUEST, set by fuzz/CMakeLists.txt):
// decode, check, then the pure parts of the answer: balances from the member's lots, totals and
// debts (GetBalances, and GetHousehold's own), the page cursor (ListRedemptions,
// ListLedgerEntries), the tier and the next one with their qualification period
// (GetTierProgress).

#include "fuzz/fuzz_input.h"
#include "fuzz/ledger_state.h"
#include "libs/ledger/limits.h"
#include "libs/ledger/period.h"
#include "services/query/page_token.h"
#include "services/query/request_checks.h"

// Not in an anonymous namespace: each target uses only some of them.
namespace loyalty::fuzz {

void Balances(FuzzInput& input) {
  LedgerState state = ConsumeState(input.state());
  CheckedBalances(state, state.lots);
}

template <typename Request>
void Page(const Request& request, absl::string_view list) {
  absl::StatusOr<int32_t> size = query::PageSize("page_size", request.page_size());
  LOYALTY_CHECK(size.ok() && *size >= 1 && *size <= query::kMaxPageSize);
  absl::StatusOr<std::optional<int64_t>> cursor =
      query::DecodePageToken("page_token", list, request.page_token());
  LOYALTY_CHECK(cursor.ok());
  if (!cursor->has_value()) return;
  LOYALTY_CHECK(**cursor > 0);
  const std::string again = query::EncodePageToken(list, **cursor);
  absl::StatusOr<std::optional<int64_t>> decoded =
      query::DecodePageToken("page_token", list, again);
  LOYALTY_CHECK(decoded.ok() && *decoded == *cursor);
}

void TierProgress(FuzzInput& input) {
  LedgerState state = ConsumeState(input.state());
  const ledger::Points qualifying =
      input.state().ConsumeIntegralInRange<ledger::Points>(-ledger::kMaxBalancePoints,
                                                           ledger::kMaxBalancePoints);
  const std::optional<ledger::Tier> tier = ledger::TierFor(state.tiers, qualifying);
  const std::optional<ledger::Tier> next = ledger::NextTier(state.tiers, qualifying);
  if (tier.has_value()) LOYALTY_CHECK(tier->threshold <= qualifying);
  if (next.has_value()) LOYALTY_CHECK(next->threshold - qualifying > 0);
  const bool rolling = input.state().ConsumeBool();
  const int32_t months = input.state().ConsumeIntegralInRange<int32_t>(1, 120);
  const ledger::QualificationPeriod period = ledger::QualificationPeriodAt(
      rolling ? "rolling_months" : "calendar_year", months, state.now);
  LOYALTY_CHECK(period.start <= state.now && state.now < period.end);
}

template <typename Request>
bool Checked(FuzzInput& input, Request* request) {
  return input.Parse(request) && query::CheckRequest(*request).ok();
}

}  // namespace loyalty::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace loyalty;
  using fuzz::Checked;
  fuzz::FuzzInput input(data, size);
  if constexpr (LOYALTY_QUERY_REQUEST == 0) {
    v1::GetBalancesRequest request;
    if (Checked(input, &request)) fuzz::Balances(input);
  } else if constexpr (LOYALTY_QUERY_REQUEST == 1) {
    v1::ListRedemptionsRequest request;
    if (Checked(input, &request)) fuzz::Page(request, "redemptions");
  } else if constexpr (LOYALTY_QUERY_REQUEST == 2) {
    v1::ListLedgerEntriesRequest request;
    if (!Checked(input, &request)) return 0;
    LOYALTY_CHECK(request.kinds_size() <= query::kMaxKindFilters);
    fuzz::Page(request, "entries");
  } else if constexpr (LOYALTY_QUERY_REQUEST == 3) {
    v1::GetTierProgressRequest request;
    if (Checked(input, &request)) fuzz::TierProgress(input);
  } else {
    v1::GetHouseholdRequest request;
    if (Checked(input, &request)) fuzz::Balances(input);
  }
  return 0;
}
