#include "services/query/balance_cache.h"

#include <algorithm>
#include <charconv>
#include <utility>
#include <vector>


namespace loyalty::query {
namespace {

// Ids hold no spaces (rpc::ValidateId), so "<org> <member>" is unambiguous.
std::string KeyOf(std::string_view org_id, std::string_view member_id) {
  std::string key(org_id);
  key.append(" ").append(member_id);
  return key;
}

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
                                                    int64_t min_position, SteadyTime now) {
  std::optional<Hit> hit;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const bool fresh = listening_ && confirmed_.has_value() &&
                       now - *confirmed_ <= absl::ToChronoNanoseconds(options_.max_staleness);
    auto slot = fresh ? slots_.find(KeyOf(org_id, member_id)) : slots_.end();
    if (slot != slots_.end() && slot->second.entry != nullptr) {
      const int64_t position = std::max(slot->second.entry->position, announced_position_);
      if (position >= min_position) {
        hit = Hit{slot->second.entry, position};
        recency_.splice(recency_.begin(), recency_, slot->second.recency);
      }
    }
  }
  prometheus::Counter* counter = hit.has_value() ? hits_ : misses_;
  if (counter != nullptr) counter->Increment();
  return hit;
}

uint64_t BalanceCache::Reserve(std::string_view org_id, std::string_view member_id) {
  std::lock_guard<std::mutex> lock(mutex_);
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

void BalanceCache::Fill(std::string_view org_id, std::string_view member_id, uint64_t ticket,
                        CachedBalances entry) {
  if (ticket == 0) return;
  const int64_t rows = RowsOf(entry);
  const int64_t bytes = EstimatedBytes(&entry);
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string key = KeyOf(org_id, member_id);
  auto slot = slots_.find(key);
  if (slot == slots_.end() || slot->second.ticket != ticket) return;
  if (rows > options_.max_member_rows) {
    EraseLocked(key);
  } else {
    bytes_ += bytes - slot->second.bytes;
    slot->second.bytes = bytes;
    slot->second.entry = std::make_shared<const CachedBalances>(std::move(entry));
    slot->second.ticket = 0;  // a later Fill needs a later Reserve
    EvictLocked();
  }
  PublishLocked();
}

void BalanceCache::Open() { StartOver(true); }
void BalanceCache::Close() { StartOver(false); }

void BalanceCache::StartOver(bool listening) {
  std::lock_guard<std::mutex> lock(mutex_);
  ClearLocked();
  confirmed_.reset();  // a new session serves nothing before its first heartbeat is back
  listening_ = listening;
  PublishLocked();
}

void BalanceCache::Apply(std::string_view payload) {
  std::lock_guard<std::mutex> lock(mutex_);
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
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!confirmed_.has_value() || sent_at > *confirmed_) confirmed_ = sent_at;
  }
  confirmed_changed_.notify_all();
}

bool BalanceCache::AwaitConfirmed(SteadyTime after, absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  return confirmed_changed_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [&] {
    return confirmed_.has_value() && *confirmed_ > after;
  });
}

bool BalanceCache::listening() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return listening_;
}

int64_t BalanceCache::bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return bytes_;
}

int64_t BalanceCache::EstimatedBytes(const CachedBalances* entry) {
  // A key of two 64-character ids at most, and the nodes and control blocks around an entry.
  constexpr int64_t kFixed = sizeof(Slot) + 2 * 130 + 3 * 64;
  if (entry == nullptr) return kFixed;
  const command::MemberState& member = entry->member;
  return kFixed + static_cast<int64_t>(
                      sizeof(CachedBalances) + member.lots.size() * sizeof(ledger::Lot) +
                      member.totals.size() * sizeof(ledger::PointTotals) +
                      member.enrolments.size() * sizeof(command::Enrolment));
}

size_t BalanceCache::members() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return slots_.size();
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
  while (bytes_ > options_.max_bytes && !recency_.empty()) EraseLocked(std::string(recency_.back()));
}

void BalanceCache::PublishLocked() {
  if (listening_gauge_ != nullptr) listening_gauge_->Set(listening_ ? 1 : 0);
  if (bytes_gauge_ != nullptr) bytes_gauge_->Set(static_cast<double>(bytes_));
}

}  // namespace loyalty::query
