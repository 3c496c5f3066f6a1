#include "libs/rpc/access_control.h"

#include "absl/strings/str_cat.h"
#include "libs/base/log.h"
#include "libs/base/refusal.h"
#include "libs/base/sleep.h"

namespace loyalty::rpc {

AccessControl::Admission::Admission(Admission&& other) noexcept
    : access_(std::exchange(other.access_, nullptr)),
      caller_(std::move(other.caller_)),
      role_(other.role_) {}

AccessControl::Admission::~Admission() {
  if (access_ != nullptr) access_->Release(caller_, role_);
}

absl::StatusOr<std::unique_ptr<AccessControl>> AccessControl::Open(
    const AccessOptions& options, prometheus::Registry& registry) {
  if (options.max_calls_per_caller < 1 || options.max_calls_per_caller > 100000) {
    return absl::InvalidArgumentError("--max_calls_per_caller must be 1..100000");
  }
  absl::StatusOr<std::string> text = AccessPolicy::Read(options.policy_path);
  if (!text.ok()) return text.status();
  absl::StatusOr<AccessPolicy> policy = AccessPolicy::Parse(options.policy_path, *text);
  if (!policy.ok()) return policy.status();
  return std::unique_ptr<AccessControl>(
      new AccessControl(options, *std::move(text), *std::move(policy), registry));
}

AccessControl::AccessControl(const AccessOptions& options, std::string text, AccessPolicy policy,
                             prometheus::Registry& registry)
    : options_(options),
      policy_(std::move(policy)),
      calls_(prometheus::BuildCounter()
                 .Name("loyalty_caller_calls_total")
                 .Help("Calls let in, by the caller's role that allowed them")
                 .Register(registry)),
      calls_in_flight_(prometheus::BuildGauge()
                           .Name("loyalty_caller_calls_in_flight")
                           .Help("Calls let in and not finished, by the caller's role")
                           .Register(registry)),
      refusals_(prometheus::BuildCounter()
                    .Name("loyalty_caller_refusals_total")
                    .Help("Calls refused by access control, by reason (UNAUTHENTICATED, "
                          "CALLER_NOT_ALLOWED, CALLER_OVERLOADED)")
                    .Register(registry)),
      reloads_(prometheus::BuildCounter()
                   .Name("loyalty_access_policy_reloads_total")
                   .Help("Reads of a changed access policy file, by result (loaded, failed)")
                   .Register(registry)),
      policy_valid_(prometheus::BuildGauge()
                        .Name("loyalty_access_policy_valid")
                        .Help("1 when the access policy file as it is now is in force; 0 when "
                              "its last change did not load and the last good policy is kept")
                        .Register(registry)
                        .Add({})) {
  policy_valid_.Set(1);
  // Every series at 0 from the start.
  for (const Role role :
       {Role::kEarnBurn, Role::kAdmin, Role::kRead, Role::kOperator, Role::kPartner}) {
    const std::map<std::string, std::string> labels{{"role", std::string(RoleName(role))}};
    calls_.Add(labels);
    calls_in_flight_.Add(labels);
  }
  for (const char* reason : {"UNAUTHENTICATED", kCallerNotAllowed, kCallerOverloaded}) {
    refusals_.Add({{"reason", reason}});
  }
  for (const char* result : {"loaded", "failed"}) reloads_.Add({{"result", result}});
  watcher_ = std::jthread(
      [this, text = std::move(text)](std::stop_token stop) { Watch(std::move(text), stop); });
}

AccessControl::~AccessControl() = default;

absl::Status AccessControl::Refuse(absl::Status status, absl::string_view reason) {
  refusals_.Add({{"reason", std::string(reason)}}).Increment();
  return status;
}

absl::Status AccessControl::Unauthenticated() {
  return Refuse(WithReason(absl::UnauthenticatedError(
                               "a client certificate signed by the service's client CA is "
                               "required"),
                           "UNAUTHENTICATED"),
                "UNAUTHENTICATED");
}

absl::StatusOr<AccessControl::Admission> AccessControl::Admit(absl::string_view identity,
                                                              absl::string_view service,
                                                              absl::string_view method,
                                                              const std::optional<std::string>& org_id) {
  if (identity.empty()) return Unauthenticated();
  Allowance allowed;
  {
    absl::MutexLock lock(&mutex_);
    if (absl::Status authorized = policy_.Authorize(identity, service, method, org_id, &allowed);
        !authorized.ok()) {
      return Refuse(std::move(authorized), kCallerNotAllowed);
    }
    const int limit = allowed.max_concurrent_calls > 0 ? allowed.max_concurrent_calls
                                                       : options_.max_calls_per_caller;
    int& in_flight = in_flight_[identity];
    if (in_flight >= limit) {
      return Refuse(
          WithReason(absl::ResourceExhaustedError(absl::StrCat(
                         "caller '", identity, "' has ", limit,
                         " calls in flight already, its limit; retry when one has finished")),
                     kCallerOverloaded),
          kCallerOverloaded);
    }
    ++in_flight;
  }
  const std::map<std::string, std::string> labels{{"role", std::string(RoleName(allowed.role))}};
  calls_.Add(labels).Increment();
  calls_in_flight_.Add(labels).Increment();
  return Admission(this, std::string(identity), allowed.role);
}

void AccessControl::Release(const std::string& caller, Role role) {
  {
    absl::MutexLock lock(&mutex_);
    auto found = in_flight_.find(caller);
    if (found != in_flight_.end() && --found->second <= 0) in_flight_.erase(found);
  }
  calls_in_flight_.Add({{"role", std::string(RoleName(role))}}).Decrement();
}

void AccessControl::Watch(std::string loaded, std::stop_token stop) {
  absl::StatusOr<std::string> last = std::move(loaded);
  while (!SleepUnlessStopped(stop, options_.reload_interval)) {
    absl::StatusOr<std::string> text = AccessPolicy::Read(options_.policy_path);
    if (text.ok() == last.ok() && (!text.ok() || *text == *last)) continue;
    last = text;
    absl::StatusOr<AccessPolicy> policy =
        text.ok() ? AccessPolicy::Parse(options_.policy_path, *text)
                  : absl::StatusOr<AccessPolicy>(text.status());
    if (!policy.ok()) {
      reloads_.Add({{"result", "failed"}}).Increment();
      policy_valid_.Set(0);
      LogError(absl::StrCat("access policy '", options_.policy_path,
                            "' changed but does not load; keeping the last good policy: ",
                            policy.status().message()));
      continue;
    }
    {
      absl::MutexLock lock(&mutex_);
      policy_ = *std::move(policy);
    }
    reloads_.Add({{"result", "loaded"}}).Increment();
    policy_valid_.Set(1);
    LogInfo(absl::StrCat("access policy '", options_.policy_path, "' reloaded"));
  }
}

}  // namespace loyalty::rpc
