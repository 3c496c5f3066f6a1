#include "libs/store/member_cache.h"

#include <algorithm>

#include "libs/ledger/member.h"

namespace loyalty::store {

std::shared_ptr<const ledger::MemberState> MemberCache::Get(const std::string& org_id,
                                                            const std::string& member_id) const {
  absl::MutexLock lock(&mutex_);
  auto found = members_.find(Key(org_id, member_id));
  return found == members_.end() ? nullptr : found->second;
}

void MemberCache::Put(const std::string& org_id, ledger::MemberState state) {
  if (state.lots_summarised_at.has_value()) {
    ledger::MergeLotSummaries(*state.lots_summarised_at, &state.lots);
  } else {
    std::erase_if(state.lots, [](const ledger::Lot& lot) { return lot.remaining == 0; });
  }
  const size_t lots = state.lots.size();
  Key key(org_id, state.member_id);
  absl::MutexLock lock(&mutex_);
  if (auto found = members_.find(key); found != members_.end()) {
    lots_ -= found->second->lots.size();
    members_.erase(found);
  }
  if (lots > kMaxLotsPerMember) return;
  // Over a bound: make room by dropping entries, whichever come first.
  while (!members_.empty() && (members_.size() >= kMaxMembers || lots_ + lots > kMaxLots)) {
    lots_ -= members_.begin()->second->lots.size();
    members_.erase(members_.begin());
  }
  lots_ += lots;
  members_.emplace(std::move(key), std::make_shared<const ledger::MemberState>(std::move(state)));
}

MemberCommandCache::MemberCommandCache(MemberCache* cache, std::string org_id,
                                       std::string member_id)
    : cache_(cache), org_id_(std::move(org_id)), member_id_(std::move(member_id)) {}

const MemberRead& MemberCommandCache::Attempt(std::optional<absl::Time> summarised_at) {
  std::shared_ptr<const ledger::MemberState> cached = follows_;
  if (cached == nullptr && cache_ != nullptr) cached = cache_->Get(org_id_, member_id_);
  read_ = {summarised_at, std::move(cached)};
  after_.reset();
  return read_;
}

void MemberCommandCache::Leave(const Operation& operation) {
  if (const ledger::MemberState* state = operation.StateAfter(member_id_)) after_ = *state;
}

std::shared_ptr<const ledger::MemberState> MemberCommandCache::After() const {
  return after_.has_value() ? std::make_shared<const ledger::MemberState>(*after_) : nullptr;
}

void MemberCommandCache::Committed() {
  if (cache_ != nullptr && after_.has_value()) cache_->Put(org_id_, *std::move(after_));
}

}  // namespace loyalty::store
