#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "libs/ledger/member.h"
#include "libs/store/member_repository.h"
#include "libs/store/operation.h"

namespace loyalty::store {

// Members' states as the last command of this process left them, so that the next command on
// the member need not read its enrolments, lots and totals again: LoadMember takes a cached
// state only when its state version is still the member's, read under the member lock, and
// every change of a member (in any process) raises that version. So a stale entry costs the
// reads it would have saved, never a wrong answer. Bounded; thread-safe.
class MemberCache final {
 public:
  static constexpr size_t kMaxMembers = 20000;
  static constexpr size_t kMaxLots = 100000;         // over all cached members
  static constexpr size_t kMaxLotsPerMember = 2000;  // a larger state is not cached

  std::shared_ptr<const ledger::MemberState> Get(const std::string& org_id,
                                                 const std::string& member_id) const;
  // Caches the member's state after a committed command (lots consumed to zero left out;
  // summaries merged again, MergeLotSummaries).
  void Put(const std::string& org_id, ledger::MemberState state);

 private:
  using Key = std::pair<std::string, std::string>;  // org id, member id

  mutable absl::Mutex mutex_;
  absl::flat_hash_map<Key, std::shared_ptr<const ledger::MemberState>> members_
      ABSL_GUARDED_BY(mutex_);
  size_t lots_ ABSL_GUARDED_BY(mutex_) = 0;
};

// The cache's part in one command on one member (nothing when the cache is null):
//   MemberCommandCache cached(cache, org_id, member_id);
//   each attempt, first:            const MemberRead& read = cached.Attempt(summarised_at);
//   in the body, after its Commit:  cached.Leave(operation);
//   once the transaction committed: cached.Committed();
// The state is cached only after the commit: a state that never committed could share its
// version with another that did. MemberBatcher runs the member's commands one at a time, so
// that each finds the state its predecessor left.
class MemberCommandCache final {
 public:
  MemberCommandCache(MemberCache* cache, std::string org_id, std::string member_id);

  const std::string& org_id() const { return org_id_; }
  const std::string& member_id() const { return member_id_; }

  // The read of this attempt: `summarised_at` as MemberRead says, and the cached state now (or
  // the one Follow gave).
  const MemberRead& Attempt(std::optional<absl::Time> summarised_at);
  void Leave(const Operation& operation);
  void Committed();

  // For a command that follows another in the same transaction: its attempts start from
  // `state`, the member's state after that one (null: from the cache again).
  void Follow(std::shared_ptr<const ledger::MemberState> state) { follows_ = std::move(state); }
  // The member's state after the last attempt's Leave; null when it left none.
  std::shared_ptr<const ledger::MemberState> After() const;

 private:
  MemberCache* cache_;
  std::string org_id_;
  std::string member_id_;
  std::shared_ptr<const ledger::MemberState> follows_;
  MemberRead read_;
  std::optional<ledger::MemberState> after_;
};

}  // namespace loyalty::store
