#include "services/query/balance_cache.h"

#include <algorithm>
#include <charconv>
#include <utility>
#include <vector>

#include "libs/ledger/member.h"

namespace loyalty::query {
namespace {

// Ids hold no spaces (rpc::ValidateId), so "<org> <member>" is unambiguous.
std::string KeyOf(std::string_view org_id, std::string_view member_id) {
  std::string key(org_id);
  key.append(" ").append(member_id);
  return key;
}

// What a string holds outside itself (none while short enough for the string's own buffer).
int64_t HeapOf(const std::string& text) {
  return text.capacity() > 15 ? static_cast<int64_t>(text.capacity()) + 1 : 0;
}

// FindOrAwaitRead's bound on its bound (an infinite one would overflow the steady clock).
constexpr absl::Duration kMaxReadWait = absl::Minutes(10);

int64_t RowsOf(const CachedBalances& entry) {
  return static_cast<int64_t>(entry.member.lots.size() + entry.member.totals.size() +
                              entry.member.enrolments.size());
}

}  // namespace

BalanceCache::BalanceCache(BalanceCacheOptions options, prometheus::Registry* registry)
    : options_(options) {
  if (registry == nullptr) return;
  auto& lookups = prometheus::BuildCounter()
                      .Name("loyalty_query_balance_cache_lookups_total")
                      .Help("GetBalances calls by whether the balance cache answered them")
                      .Register(*registry);
  hits_ = &lookups.Add({{"result", "hit"}});
  shared_ = &lookups.Add({{"result", "shared"}});
  misses_ = &lookups.Add({{"result", "miss"}});
  listening_gauge_ = &prometheus::BuildGauge()
                          .Name("loyalty_query_balance_cache_listening")
                          .Help("1 while the balance cache hears the views' announcements")
                          .Register(*registry)
                          .Add({});
  bytes_gauge_ = &prometheus::BuildGauge()
                      .Name("loyalty_query_balance_cache_bytes")
                      .Help("Estimated memory of the balance cache's entries")
                      .Register(*registry)
                      .Add({});
}

std::optional<BalanceCache::Hit> BalanceCache::Find(std::string_view org_id,
                                                    std::string_view member_id,
                                                    int64_t min_position, absl::Time now,
                                                    SteadyTime steady_now) {
  std::optional<Hit> hit;
  {
    absl::MutexLock lock(&mutex_);
    hit = FindLocked(KeyOf(org_id, member_id), min_position, now, steady_now);
  }
  if (hit.has_value()) Count(Lookup::kHit);
  return hit;
}

std::optional<BalanceCache::Hit> BalanceCache::FindOrAwaitRead(std::string_view org_id,
                                                               std::string_view member_id,
                                                               int64_t min_position,
                                                               const Clock& clock,
                                                               absl::Duration max_wait) {
  const std::string key = KeyOf(org_id, member_id);
  const SteadyTime until = Now() + absl::ToChronoNanoseconds(std::min(max_wait, kMaxReadWait));
  std::optional<Hit> hit;
  bool waited = false;
  {
    absl::MutexLock lock(&mutex_);
    hit = FindLocked(key, min_position, clock.Now(), Now());
    // A wake-up (PublishLocked) may be for another member's read: look again, wait again.
    while (!hit.has_value() && ReadInFlightLocked(key) && Now() < until) {
      ++waiting_for_reads_;
      read_ended_.WaitWithTimeout(&mutex_, absl::FromChrono(until - Now()));
      --waiting_for_reads_;
      waited = true;
      hit = FindLocked(key, min_position, clock.Now(), Now());
    }
  }
  Count(!hit.has_value() ? Lookup::kMiss : waited ? Lookup::kShared : Lookup::kHit);
  return hit;
}

std::optional<BalanceCache::Hit> BalanceCache::FindLocked(const std::string& key,
                                                          int64_t min_position, absl::Time now,
                                                          SteadyTime steady_now) {
  const auto staleness = absl::ToChronoNanoseconds(options_.max_staleness);
  const bool fresh = listening_ && confirmed_.has_value() && steady_now - *confirmed_ <= staleness;
  auto slot = fresh ? slots_.find(key) : slots_.end();
  if (slot == slots_.end() || slot->second.entry == nullptr) return std::nullopt;
  const CachedBalances& entry = *slot->second.entry;
  const int64_t position = std::max(entry.position, announced_position_);
  if (position < min_position || *entry.member.lots_summarised_at > now) return std::nullopt;
  recency_.splice(recency_.begin(), recency_, slot->second.recency);
  return Hit{slot->second.entry, position, now};
}

bool BalanceCache::ReadInFlightLocked(const std::string& key) const {
  auto slot = slots_.find(key);
  return slot != slots_.end() && slot->second.ticket != 0;
}

void BalanceCache::Count(Lookup lookup) {
  prometheus::Counter* counter = lookup == Lookup::kHit      ? hits_
                                 : lookup == Lookup::kShared ? shared_
                                                             : misses_;
  if (counter != nullptr) counter->Increment();
}

uint64_t BalanceCache::Reserve(std::string_view org_id, std::string_view member_id) {
  absl::MutexLock lock(&mutex_);
  if (!listening_) return 0;
  const std::string key = KeyOf(org_id, member_id);
  auto [slot, inserted] = slots_.try_emplace(key);
  if (inserted) {
    recency_.push_front(key);
    slot->second.recency = recency_.begin();
    slot->second.bytes = EstimatedBytes(nullptr);
    bytes_ += slot->second.bytes;
  } else {
    recency_.splice(recency_.begin(), recency_, slot->second.recency);
  }
  // A reserved slot keeps its entry: Find may serve it until an announcement removes both.
  slot->second.ticket = next_ticket_++;
  const uint64_t ticket = slot->second.ticket;
  EvictLocked();
  PublishLocked();
  return ticket;
}

bool BalanceCache::Fill(std::string_view org_id, std::string_view member_id, uint64_t ticket,
                        CachedBalances entry, absl::Time read_at) {
  const bool large_read = RowsOf(entry) > options_.max_member_rows;
  if (ticket == 0) return large_read;
  ledger::MergeLotSummaries(read_at, &entry.member.lots);
  entry.member.lots_summarised_at = read_at;
  const std::string key = KeyOf(org_id, member_id);
  if (RowsOf(entry) > options_.max_member_rows) {
    absl::MutexLock lock(&mutex_);
    EraseLocked(key);
    PublishLocked();
    return large_read;
  }
  entry.member.lots.shrink_to_fit();  // kept for long: no room for growth
  entry.member.totals.shrink_to_fit();
  entry.member.enrolments.shrink_to_fit();
  const int64_t bytes = EstimatedBytes(&entry);
  absl::MutexLock lock(&mutex_);
  auto slot = slots_.find(key);
  if (slot == slots_.end() || slot->second.ticket != ticket) return large_read;
  bytes_ += bytes - slot->second.bytes;
  slot->second.bytes = bytes;
  slot->second.entry = std::make_shared<const CachedBalances>(std::move(entry));
  slot->second.ticket = 0;  // a later Fill needs a later Reserve
  EvictLocked();
  PublishLocked();
  return large_read;
}

void BalanceCache::Release(std::string_view org_id, std::string_view member_id,
                           uint64_t ticket) {
  if (ticket == 0) return;
  const std::string key = KeyOf(org_id, member_id);
  absl::MutexLock lock(&mutex_);
  auto slot = slots_.find(key);
  if (slot == slots_.end() || slot->second.ticket != ticket) return;
  if (slot->second.entry == nullptr) {
    EraseLocked(key);
  } else {
    slot->second.ticket = 0;
  }
  PublishLocked();
}

void BalanceCache::Open() { StartOver(/*listening=*/true); }
void BalanceCache::Close() { StartOver(/*listening=*/false); }

void BalanceCache::StartOver(bool listening) {
  absl::MutexLock lock(&mutex_);
  ClearLocked();
  confirmed_.reset();  // a new session serves nothing before its first heartbeat is back
  listening_ = listening;
  PublishLocked();
}

void BalanceCache::Apply(std::string_view payload) {
  absl::MutexLock lock(&mutex_);
  if (payload.starts_with("m ")) {
    EraseLocked(std::string(payload.substr(2)));
  } else if (payload.starts_with("o ")) {
    const std::string prefix = KeyOf(payload.substr(2), "");
    std::vector<std::string> keys;
    for (const auto& [key, slot] : slots_) {
      if (key.starts_with(prefix)) keys.push_back(key);
    }
    for (const std::string& key : keys) EraseLocked(key);
  } else if (payload.starts_with("p ")) {
    int64_t position = -1;
    const std::string_view digits = payload.substr(2);
    const auto parsed = std::from_chars(digits.data(), digits.data() + digits.size(), position);
    if (parsed.ec != std::errc() || position < announced_position_) {
      ClearLocked();  // the views went back (restored?) or the payload is not ours
      announced_position_ = std::max<int64_t>(position, 0);
    } else {
      announced_position_ = position;
    }
  } else {
    ClearLocked();  // 'a', or anything this version does not know: assume everything changed
  }
  PublishLocked();
}

void BalanceCache::Confirm(SteadyTime sent_at) {
  absl::MutexLock lock(&mutex_);  // its release wakes AwaitConfirmed
  if (!confirmed_.has_value() || sent_at > *confirmed_) confirmed_ = sent_at;
}

bool BalanceCache::AwaitConfirmed(SteadyTime after, absl::Duration timeout) {
  absl::MutexLock lock(&mutex_);
  const auto confirmed_after = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    return confirmed_.has_value() && *confirmed_ > after;
  };
  return mutex_.AwaitWithTimeout(absl::Condition(&confirmed_after), timeout);
}

bool BalanceCache::listening() const {
  absl::MutexLock lock(&mutex_);
  return listening_;
}

int64_t BalanceCache::bytes() const {
  absl::MutexLock lock(&mutex_);
  return bytes_;
}

int64_t BalanceCache::EstimatedBytes(const CachedBalances* entry) {
  // The map's slot (at its 7/8 load), the recency list's node with its copy of the key, a
  // key's share of the heap when it is too long for the string itself (twice), and the entry's
  // shared control block.
  constexpr int64_t kFixed = sizeof(std::pair<const std::string, Slot>) * 8 / 7 +
                             sizeof(std::string) + 2 * sizeof(void*) + 2 * 32 + 16;
  if (entry == nullptr) return kFixed;
  const ledger::MemberState& member = entry->member;
  int64_t bytes = kFixed + static_cast<int64_t>(sizeof(CachedBalances));
  bytes += HeapOf(member.member_id) + HeapOf(member.kind) + HeapOf(member.status) +
           HeapOf(entry->valuation.currency);
  bytes += static_cast<int64_t>(member.lots.capacity() * sizeof(ledger::Lot));
  for (const ledger::Lot& lot : member.lots) {
    bytes += HeapOf(lot.program_id) + HeapOf(lot.point_type) + HeapOf(lot.subtype);
  }
  bytes += static_cast<int64_t>(member.totals.capacity() * sizeof(ledger::PointTotals));
  for (const ledger::PointTotals& totals : member.totals) {
    bytes += HeapOf(totals.program_id) + HeapOf(totals.point_type);
  }
  bytes += static_cast<int64_t>(member.enrolments.capacity() * sizeof(ledger::Enrolment));
  for (const ledger::Enrolment& enrolment : member.enrolments) {
    bytes += HeapOf(enrolment.program_id) + HeapOf(enrolment.tier);
  }
  return bytes;
}

size_t BalanceCache::members() const {
  absl::MutexLock lock(&mutex_);
  return slots_.size();
}

int BalanceCache::read_waiters() const {
  absl::MutexLock lock(&mutex_);
  return waiting_for_reads_;
}

void BalanceCache::EraseLocked(const std::string& key) {
  auto slot = slots_.find(key);
  if (slot == slots_.end()) return;
  bytes_ -= slot->second.bytes;
  recency_.erase(slot->second.recency);
  slots_.erase(slot);
}

void BalanceCache::ClearLocked() {
  slots_.clear();
  recency_.clear();
  bytes_ = 0;
  announced_position_ = 0;
}

void BalanceCache::EvictLocked() {
  while (bytes_ > options_.max_bytes && !recency_.empty()) {
    EraseLocked(std::string(recency_.back()));
  }
}

void BalanceCache::PublishLocked() {
  if (listening_gauge_ != nullptr) listening_gauge_->Set(listening_ ? 1 : 0);
  if (bytes_gauge_ != nullptr) bytes_gauge_->Set(static_cast<double>(bytes_));
  if (waiting_for_reads_ > 0) read_ended_.SignalAll();
}

}  // namespace loyalty::query
