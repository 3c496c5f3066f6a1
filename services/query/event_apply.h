#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "libs/pg/params.h"
#include "libs/pg/transaction.h"
#include "loyalty/internal/v1/events.pb.h"

namespace loyalty::query {

// The view rows of a run of outbox events, written with one statement per view table (each
// column an array, unnest) instead of one per row:
//   ViewChanges changes;
//   for each event, in position order:  changes.Add(position, event);
//   changes.Defer(tx);
// Upserts the absolute states of lots, totals, enrolments, household contributions, partner
// links, conversions, vouchers and badge levels (of a row
// that several events changed, the last event's state), inserts ledger entries and redemptions
// (nothing when already there) and then marks cancelled redemptions: the views end as applying
// the events one by one would leave them. Idempotent but for the badges' measures (spend by day,
// action counts), which add the events' deltas: the projector's checkpoint guard applies each
// event exactly once.
// Table names are unqualified, so a rebuild can aim the same statements at scratch tables.
class ViewChanges final {
 public:
  void Add(int64_t position, const internal::v1::LedgerEvent& event);
  // Queues the writes (pg::Transaction::Defer, at most kMaxRows rows a statement): they run with
  // the transaction's next round trip. Leaves this empty.
  void Defer(pg::Transaction& tx);

  static constexpr size_t kMaxRows = 500;

 private:
  // Rows of one statement; a row Put again with the same key (its first `key_columns` values)
  // replaces the earlier one.
  class Rows final {
   public:
    void Put(size_t key_columns, pg::Params row);
    void Append(pg::Params row) { rows_.push_back(std::move(row)); }
    void Defer(pg::Transaction& tx, const pg::Statement& statement);

   private:
    std::vector<pg::Params> rows_;
    absl::flat_hash_map<std::string, size_t> index_;
  };

  // Sums of additions to one row, by its key columns (the badges' measures).
  class Sums final {
   public:
    void Add(pg::Params key, std::vector<int64_t> values);
    void Defer(pg::Transaction& tx, const pg::Statement& statement);

   private:
    Rows rows_;
    absl::flat_hash_map<std::string, std::pair<pg::Params, std::vector<int64_t>>> sums_;
  };

  void AddRedemption(int64_t position, const internal::v1::LedgerEvent& event);
  void AddPartnerStates(const internal::v1::LedgerEvent& event);
  void AddBadgeStates(const internal::v1::LedgerEvent& event);

  Rows lots_, totals_, enrolments_, contributions_, entries_, redemptions_, redemption_programs_,
      redemption_lots_, cancellations_, partner_links_, conversions_, vouchers_, badge_awards_;
  Sums spend_days_, action_counts_;
};

// The members whose rows of what GetBalances reads (view_lots, view_totals, view_enrolments) the
// event sets, each once: the ones migration 0005 announces when ViewChanges writes the event.
std::vector<std::string> BalanceMembersOf(const internal::v1::LedgerEvent& event);

}  // namespace loyalty::query
