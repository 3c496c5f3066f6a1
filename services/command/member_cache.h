#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "services/command/member_state.h"

namespace loyalty::command {

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
  static constexpr size_t kStripes = 1024;

  std::shared_ptr<const MemberState> Get(const std::string& org_id,
                                         const std::string& member_id) const;
  // Caches the member's state after a committed command (lots consumed to zero left out).
  void Put(const std::string& org_id, MemberState state);

  // Runs commands on one member one at a time in this process (a stripe of members shares a
  // mutex), so that each finds the state its predecessor cached instead of one from before it
  // waited for the member lock. Take it before any database connection, and only one at a time.
  std::unique_lock<std::mutex> Serialize(const std::string& org_id,
                                         const std::string& member_id);

 private:
  using Key = std::pair<std::string, std::string>;  // org id, member id

  mutable std::mutex mutex_;
  absl::flat_hash_map<Key, std::shared_ptr<const MemberState>> members_;
  size_t lots_ = 0;
  std::array<std::mutex, kStripes> stripes_;
};

// A command's read of its member: `summarised_at` as MemberRead says, and the member's state
// from `cache` (none when `cache` is null).
MemberRead CachedRead(const MemberCache* cache, const std::string& org_id,
                      const std::string& member_id, std::optional<absl::Time> summarised_at);

}  // namespace loyalty::command
