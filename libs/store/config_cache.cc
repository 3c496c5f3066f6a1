#include "libs/store/config_cache.h"

#include "libs/store/catalog.h"

namespace loyalty::store {

std::shared_ptr<const OrgConfig> ConfigCache::Get(const std::string& org_id,
                                                  int64_t version) const {
  absl::MutexLock lock(&mutex_);
  auto found = orgs_.find(org_id);
  if (found == orgs_.end() || found->second->version != version) return nullptr;
  return found->second;
}

std::shared_ptr<const OrgConfig> ConfigCache::Latest(const std::string& org_id) const {
  absl::MutexLock lock(&mutex_);
  auto found = orgs_.find(org_id);
  return found == orgs_.end() ? nullptr : found->second;
}

void ConfigCache::Put(const std::string& org_id, std::shared_ptr<const OrgConfig> config) {
  absl::MutexLock lock(&mutex_);
  if (orgs_.size() >= kMaxOrgs && !orgs_.contains(org_id)) orgs_.clear();  // rare: start over
  orgs_[org_id] = std::move(config);
}

}  // namespace loyalty::store
