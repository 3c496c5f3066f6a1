// GetBalances: the member's lots, totals and enrolments from the views, with available, pending
// and expiry judged at the query's clock (so they are right even when no event happened since).
// What a read found is kept in the balance cache (balance_cache.h), which answers the next calls
// for the member without the database until a change to it is announced.

#include <malloc.h>

#include <algorithm>
#include <optional>
#include <tuple>
#include <utility>

#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/member.h"
#include "libs/ledger/program.h"
#include "libs/store/catalog.h"
#include "libs/store/member_repository.h"
#include "libs/store/read_plan.h"
#include "libs/wire/balances.h"
#include "services/query/queries.h"
#include "services/query/read_views.h"
#include "services/query/request_checks.h"

namespace loyalty::query {

namespace {

void Answer(const BalanceCache::Hit& hit, v1::GetBalancesResponse* response) {
  response->Clear();
  response->set_ledger_position(hit.position);
  wire::ToBalances(hit.entry->member, hit.now, hit.entry->valuation, response->mutable_balances());
}

}  // namespace

std::optional<absl::Status> GetBalancesAtOnce(const QueryContext& context,
                                              const v1::GetBalancesRequest& request,
                                              v1::GetBalancesResponse* response) {
  if (absl::Status valid = CheckRequest(request); !valid.ok()) return valid;
  if (context.balance_cache == nullptr) return std::nullopt;
  const std::optional<BalanceCache::Hit> hit = context.balance_cache->Find(
      request.org_id(), request.member_id(), request.min_position(), context.clock->Now());
  if (!hit.has_value()) return std::nullopt;
  Answer(*hit, response);
  return absl::OkStatus();
}

absl::Status GetBalances(const QueryContext& context, const v1::GetBalancesRequest& request,
                         absl::Time deadline, v1::GetBalancesResponse* response) {
  LOYALTY_RETURN_IF_ERROR(CheckRequest(request));
  BalanceCache* cache = context.balance_cache;
  if (cache != nullptr) {
    // Another call's read of the member in flight is waited for rather than repeated.
    const std::optional<BalanceCache::Hit> hit = cache->FindOrAwaitRead(
        request.org_id(), request.member_id(), request.min_position(), *context.clock,
        std::min(deadline - absl::Now(), context.max_wait));
    if (hit.has_value()) {
      Answer(*hit, response);
      return absl::OkStatus();
    }
  }
  // Before the reservation: a read in flight is one that is reading the views.
  LOYALTY_RETURN_IF_ERROR(AwaitViews(context, request.min_position(), deadline));
  // Taken before the read's snapshot, so that a change committed after it cancels the Fill.
  const uint64_t ticket =
      cache == nullptr ? 0 : cache->Reserve(request.org_id(), request.member_id());
  bool large = false;  // a large read: its memory goes back to the system after
  const auto balance_reads = [&] {
    return std::tuple(store::GroupValuationRead{request.org_id()},
                      MemberViewRead{request.org_id(), request.member_id()});
  };
  const auto body = [&](pg::Transaction& tx, const ViewRead& read) -> absl::Status {
    response->Clear();
    LOYALTY_ASSIGN_OR_RETURN(auto reads, store::Load(tx, balance_reads()));
    auto& [valuation, member] = reads;
    SetMemberRow(read, &member);
    response->set_ledger_position(read.position);
    const absl::Time now = context.clock->Now();
    wire::ToBalances(member, now, valuation, response->mutable_balances());
    if (cache != nullptr) {
      large = cache->Fill(request.org_id(), request.member_id(), ticket,
                          {read.position, std::move(member), std::move(valuation)}, now);
    }
    return absl::OkStatus();
  };
  const auto prefetch = [&](pg::Transaction& tx) { store::Declare(tx, balance_reads()); };
  const absl::Status status = ReadViews(context, request.org_id(), request.member_id(),
                                        /*min_position=*/0, deadline, body, prefetch);
  if (cache != nullptr) cache->Release(request.org_id(), request.member_id(), ticket);
  // Freed pages between long-lived cache entries would otherwise stay resident: by hand, reads
  // of one member with 31,000 open lots took loyalty-query from 80 to 140 MiB.
  if (large) malloc_trim(0);
  return status;
}

}  // namespace loyalty::query
