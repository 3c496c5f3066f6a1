#include "services/command/member_cache.h"

#include <algorithm>

#include "absl/hash/hash.h"

namespace loyalty::command {

std::shared_ptr<const MemberState> MemberCache::Get(const std::string& org_id,
                                                    const std::string& member_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = members_.find(Key(org_id, member_id));
  return found == members_.end() ? nullptr : found->second;
}

void MemberCache::Put(const std::string& org_id, MemberState state) {
  std::erase_if(state.lots, [](const ledger::Lot& lot) { return lot.remaining == 0; });
  const size_t lots = state.lots.size();
  Key key(org_id, state.member_id);
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto found = members_.find(key); found != members_.end()) {
    lots_ -= found->second->lots.size();
    members_.erase(found);
  }
  if (lots > kMaxLotsPerMember) return;
  // Over a bound: make room by dropping entries, whichever come first.
  while (!members_.empty() &&
         (members_.size() >= kMaxMembers || lots_ + lots > kMaxLots)) {
    lots_ -= members_.begin()->second->lots.size();
    members_.erase(members_.begin());
  }
  lots_ += lots;
  members_.emplace(std::move(key), std::make_shared<const MemberState>(std::move(state)));
}

std::unique_lock<std::mutex> MemberCache::Serialize(const std::string& org_id,
                                                    const std::string& member_id) {
  const size_t stripe = absl::HashOf(org_id, member_id) % kStripes;
  return std::unique_lock<std::mutex>(stripes_[stripe]);
}

MemberRead CachedRead(const MemberCache* cache, const std::string& org_id,
                      const std::string& member_id, std::optional<absl::Time> summarised_at) {
  return {summarised_at, cache != nullptr ? cache->Get(org_id, member_id) : nullptr};
}

}  // namespace loyalty::command
