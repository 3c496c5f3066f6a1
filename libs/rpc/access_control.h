#pragma once

#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/rpc/access_policy.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace loyalty::rpc {

inline constexpr char kCallerOverloaded[] = "CALLER_OVERLOADED";

struct AccessOptions {
  std::string policy_path;              // --access_policy
  int max_calls_per_caller = 64;        // --max_calls_per_caller (1..100000)
  absl::Duration reload_interval = absl::Milliseconds(200);  // how often the file is read
};

// Who may call (docs/security.md): the access policy, re-read when its file changes (a policy
// that does not load keeps the last good one, and says so in the log and in
// loyalty_access_policy_valid), and the calls each caller has in flight, bounded. Shared by the
// services of a process; rpc::UnaryService asks it about every call before it runs.
class AccessControl final {
 public:
  // A call let in: its caller and role, holding one of the caller's in-flight calls until it is
  // destroyed.
  class Admission final {
   public:
    Admission(Admission&& other) noexcept;
    Admission& operator=(Admission&&) = delete;
    ~Admission();
    const std::string& caller() const { return caller_; }
    Role role() const { return role_; }

   private:
    friend class AccessControl;
    Admission(AccessControl* access, std::string caller, Role role)
        : access_(access), caller_(std::move(caller)), role_(role) {}
    AccessControl* access_;
    std::string caller_;
    Role role_;
  };

  // Loads the policy (a service does not start without a good one) and starts watching it.
  static absl::StatusOr<std::unique_ptr<AccessControl>> Open(const AccessOptions& options,
                                                             prometheus::Registry& registry);
  ~AccessControl();

  // The call of `identity` (rpc::CallerIdentity; empty: the peer showed no certificate) to
  // `service`/`method` on `org_id`: UNAUTHENTICATED without an identity; PERMISSION_DENIED
  // CALLER_NOT_ALLOWED outside its grant (AccessPolicy::Authorize); RESOURCE_EXHAUSTED
  // CALLER_OVERLOADED when the caller has its limit of calls in flight already.
  absl::StatusOr<Admission> Admit(absl::string_view identity, absl::string_view service,
                                  absl::string_view method,
                                  const std::optional<std::string>& org_id);

  // UNAUTHENTICATED, counted, for a call that shows no certificate.
  absl::Status Unauthenticated();

 private:
  // `text`: the policy file as `policy` was loaded from it.
  AccessControl(const AccessOptions& options, std::string text, AccessPolicy policy,
                prometheus::Registry& registry);
  void Release(const std::string& caller, Role role);
  // Re-reads the file every reload_interval until stopped; loads it when it differs from the
  // text read last (`loaded` at first).
  void Watch(std::string loaded, std::stop_token stop);
  absl::Status Refuse(absl::Status status, absl::string_view reason);

  const AccessOptions options_;
  absl::Mutex mutex_;
  AccessPolicy policy_ ABSL_GUARDED_BY(mutex_);
  absl::flat_hash_map<std::string, int> in_flight_ ABSL_GUARDED_BY(mutex_);
  prometheus::Family<prometheus::Counter>& calls_;
  prometheus::Family<prometheus::Gauge>& calls_in_flight_;
  prometheus::Family<prometheus::Counter>& refusals_;
  prometheus::Family<prometheus::Counter>& reloads_;
  prometheus::Gauge& policy_valid_;
  std::jthread watcher_;  // last: stopped and joined before the rest is destroyed
};

}  // namespace loyalty::rpc
