#pragma once

// GetBalances' reads kept in memory, each dropped as soon as a change to it is announced
// (migration 0005: the views, members, orgs and programs NOTIFY on the channel loyalty_views).
//
// Why an entry is never stale for longer than the announcement takes to arrive:
// - a read Reserves its member before its snapshot is taken, and an announcement for the member
//   that arrives in between cancels the reservation, so the read's Fill is refused: a change
//   committed after the snapshot can never be missed;
// - PostgreSQL delivers a transaction's announcements only once the transaction is visible, and
//   in commit order, with the projector's 'p <position>' after its members' changes: an entry
//   still present when position K was announced reflects every event up to K;
// - the listener's own heartbeat coming back proves that everything committed before it was sent
//   has arrived; without one for max_staleness, nothing is served.
// Not listening (no connection, a standby, a lost session) means no reservation succeeds and
// nothing is kept.

#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/base/clock.h"
#include "libs/ledger/member.h"
#include "libs/ledger/program.h"
#include "libs/store/catalog.h"
#include "libs/store/member_repository.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace loyalty::query {

// What GetBalances read for one member, with the checkpoint position of its snapshot.
struct CachedBalances {
  int64_t position = 0;
  // Enrolments, open lots and totals from the views; kind, status. Once kept, its lots are
  // summaries made at the read's time (member.lots_summarised_at, MergeLotSummaries): the lots
  // already available then, of one program, point type, redeemability and expiry, are one.
  ledger::MemberState member;
  ledger::GroupValuation valuation;
};

struct BalanceCacheOptions {
  // The bound on memory: the estimated bytes of all entries (EstimatedBytes).
  int64_t max_bytes = int64_t{32} << 20;
  // A member with more rows (lot summaries, totals, enrolments) is read from the views every
  // time.
  int64_t max_member_rows = 1000;
  // Nothing is served when the listener's last heartbeat came back longer ago than this.
  absl::Duration max_staleness = absl::Seconds(1);
};

class BalanceCache final {
 public:
  using SteadyTime = std::chrono::steady_clock::time_point;
  static SteadyTime Now() { return std::chrono::steady_clock::now(); }

  struct Hit {
    std::shared_ptr<const CachedBalances> entry;
    int64_t position;  // the newest position the entry is known to reflect (>= entry->position)
    absl::Time now;    // the business time it was judged at
  };

  // `registry` (may be null) gets loyalty_query_balance_cache_{lookups_total,listening,bytes}.
  BalanceCache(BalanceCacheOptions options, prometheus::Registry* registry);

  // The member's entry when it reflects at least `min_position`; nullopt when there is none,
  // the cache is not listening, the last heartbeat is older than max_staleness, or the entry's
  // lots were summarised after `now` (the clock went back: a summary may count a lot available
  // that is pending at `now`). Never waits. Counts a hit only: a caller that misses goes on to
  // FindOrAwaitRead, which counts the call's outcome.
  std::optional<Hit> Find(std::string_view org_id, std::string_view member_id,
                          int64_t min_position, absl::Time now, SteadyTime steady_now = Now());
  // Find at `clock`'s time; when that misses while another call's read of the member is in
  // flight (Reserved, neither Filled nor Released yet), waits for the read to end, `max_wait` at
  // most, and finds again: concurrent misses on one member share one read of the views instead
  // of each taking a connection for it (and each cancelling the Fill of the one before).
  std::optional<Hit> FindOrAwaitRead(std::string_view org_id, std::string_view member_id,
                                     int64_t min_position, const Clock& clock,
                                     absl::Duration max_wait);
  // Before a read of the views: the ticket its Fill and Release need; 0 (both ignore it) when
  // the cache is not listening. Until one of them, the read is in flight (FindOrAwaitRead).
  uint64_t Reserve(std::string_view org_id, std::string_view member_id);
  // Keeps what the read found, its lots summarised at `read_at` (the clock its balances were
  // judged at), unless an announcement for the member (or everything) arrived since Reserve, or
  // the summaries are still more than max_member_rows. True when the read itself had more rows
  // than that: the caller should hand the memory back once the read's results are freed
  // (malloc_trim), or it stays resident between the cache's long-lived entries.
  bool Fill(std::string_view org_id, std::string_view member_id, uint64_t ticket,
            CachedBalances entry, absl::Time read_at);
  // The read of `ticket` ended, filled or not (an error, a refused Fill): calls waiting for it
  // look again. A slot it reserved with no entry goes.
  void Release(std::string_view org_id, std::string_view member_id, uint64_t ticket);

  // The listener's side.
  void Open();   // its LISTEN is in force: reservations taken from now on are safe
  void Close();  // it no longer hears announcements: everything goes, no reservations
  void Apply(std::string_view payload);  // one announcement, in the order they arrive
  void Confirm(SteadyTime sent_at);      // all announced before `sent_at` has been applied
  // Waits until a Confirm for a time after `after` (a test's barrier); false on timeout.
  bool AwaitConfirmed(SteadyTime after, absl::Duration timeout);

  bool listening() const;
  int64_t bytes() const;  // estimated, of all entries and reservations
  size_t members() const;
  int read_waiters() const;  // calls in FindOrAwaitRead waiting for a read: for tests

  // What one member's entry costs: its structures, its lots, totals and enrolments, its key, and
  // the map's and recency list's share. A reservation costs the same with no entry.
  static int64_t EstimatedBytes(const CachedBalances* entry);

 private:
  struct Slot {
    uint64_t ticket = 0;
    std::shared_ptr<const CachedBalances> entry;  // null while reserved
    int64_t bytes = 0;
    std::list<std::string>::iterator recency;
  };

  enum class Lookup { kHit, kShared, kMiss };
  std::optional<Hit> FindLocked(const std::string& key, int64_t min_position, absl::Time now,
                                SteadyTime steady_now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  bool ReadInFlightLocked(const std::string& key) const ABSL_SHARED_LOCKS_REQUIRED(mutex_);
  void Count(Lookup lookup);
  void StartOver(bool listening);
  void EraseLocked(const std::string& key) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void ClearLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void EvictLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // The gauges; and wakes the calls waiting for reads.
  void PublishLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const BalanceCacheOptions options_;
  mutable absl::Mutex mutex_;
  absl::CondVar read_ended_;  // a reservation ended: Fill, Release, an erase
  int waiting_for_reads_ ABSL_GUARDED_BY(mutex_) = 0;
  absl::flat_hash_map<std::string, Slot> slots_ ABSL_GUARDED_BY(mutex_);
  std::list<std::string> recency_ ABSL_GUARDED_BY(mutex_);  // most recently used first
  int64_t bytes_ ABSL_GUARDED_BY(mutex_) = 0;
  uint64_t next_ticket_ ABSL_GUARDED_BY(mutex_) = 1;
  bool listening_ ABSL_GUARDED_BY(mutex_) = false;
  int64_t announced_position_ ABSL_GUARDED_BY(mutex_) = 0;
  std::optional<SteadyTime> confirmed_ ABSL_GUARDED_BY(mutex_);

  prometheus::Counter* hits_ = nullptr;
  prometheus::Counter* shared_ = nullptr;
  prometheus::Counter* misses_ = nullptr;
  prometheus::Gauge* listening_gauge_ = nullptr;
  prometheus::Gauge* bytes_gauge_ = nullptr;
};

}  // namespace loyalty::query
