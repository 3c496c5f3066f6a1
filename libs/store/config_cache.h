#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "libs/ledger/program.h"

namespace loyalty::store {

// The programs of one org at one configuration version (orgs.config_version).
struct OrgConfig {
  int64_t version = 0;
  std::vector<ledger::ProgramConfig> programs;  // sorted by program id
};

// Program configuration of recently used orgs, one database's worth. A command reads the org's
// config_version (one row) and uses the cached configuration only when it is of that version, so
// a change is seen by the next command that starts after it commits. Bounded; thread-safe.
class ConfigCache final {
 public:
  static constexpr size_t kMaxOrgs = 4096;

  std::shared_ptr<const OrgConfig> Get(const std::string& org_id, int64_t version) const;
  // The newest configuration cached for the org, whatever its version (null when none): for a
  // transaction that already checked the version once.
  std::shared_ptr<const OrgConfig> Latest(const std::string& org_id) const;
  void Put(const std::string& org_id, std::shared_ptr<const OrgConfig> config);

 private:
  mutable absl::Mutex mutex_;
  absl::flat_hash_map<std::string, std::shared_ptr<const OrgConfig>> orgs_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace loyalty::store
