#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace loyalty::testing {

// A concurrent load of accruals, redemptions and transfers on the members of one org, sent
// through the generated C++ stubs with an idempotency key each, spread over the loyalty-command
// replicas. A client retries UNAVAILABLE,
// DEADLINE_EXCEEDED, ABORTED and RESOURCE_EXHAUSTED with the same key (docs/errors.md), within a
// time budget per command; between commands it reads a member's balances from the query service.
struct LoadOptions {
  // 127.0.0.1:PORT of each loyalty-command replica: a client starts on replica (its index % n)
  // and moves to the next one after each retryable failure, so that a retry, with its key, often
  // reaches another process than the attempt whose outcome it settles.
  std::vector<std::string> command_targets;
  std::string query_target;    // 127.0.0.1:PORT of loyalty-query
  std::string org_id;
  std::vector<std::string> members;
  int clients = 4;
  int commands_per_client = 120;
  absl::Duration call_deadline = absl::Seconds(2);  // of every call
  absl::Duration retry_budget = absl::Seconds(30);  // per command, from its first attempt
  uint32_t seed = 30;
};

// A command the platform acknowledged, with the ledger operation its reply names and its effect
// on the members' points, as the reply states it.
struct Acknowledged {
  std::string key;
  std::string method;  // "Accrue", "Redeem" or "Transfer"
  int64_t operation_id = 0;
  std::vector<std::pair<std::string, int64_t>> effects;  // member, signed points
};

struct LoadFigures {
  int64_t commands = 0;      // sent, each with its own key
  int64_t calls = 0;         // attempts, retries included
  int64_t retried = 0;       // calls that repeated a command after a retryable failure
  int64_t acknowledged = 0;  // commands answered OK
  int64_t replayed = 0;      // of those, answered by the stored reply of an attempt that committed
  int64_t refused = 0;       // commands refused by a business rule (INSUFFICIENT_POINTS)
  int64_t settled = 0;       // commands resolved only by the resend after the load
  int64_t unresolved = 0;    // commands with no answer after the resend: must be 0
  int64_t query_calls = 0;   // GetBalances reads during the load
  int64_t query_failures = 0;
  std::map<std::string, int64_t> retry_codes;  // retryable failures seen, by code
};

class FaultLoad final {
 public:
  explicit FaultLoad(LoadOptions options);
  ~FaultLoad();  // stops and joins the clients
  FaultLoad(const FaultLoad&) = delete;
  FaultLoad& operator=(const FaultLoad&) = delete;

  // Starts the client threads.
  void Start();
  // Waits, at most `timeout`, until at least `count` commands are acknowledged. False when the
  // load ended or the time ran out first.
  bool WaitForAcknowledged(int64_t count, absl::Duration timeout);
  // Joins the clients, then sends once more, with their keys, the commands left without an
  // answer (the faults are over by then).
  void Finish();

  LoadFigures figures() const;
  std::vector<Acknowledged> acknowledged() const;
  // Each member's points as the acknowledged replies add up (every member listed).
  std::map<std::string, int64_t> ExpectedPoints() const;
  // Answers that are neither OK, a retryable failure nor a business refusal.
  std::vector<std::string> errors() const;
  // The longest time after `since` in which no command was acknowledged while the clients ran:
  // from `since`, or from an acknowledgement, to the next acknowledgement. With a fault injected
  // at `since` (a primary killed), how long the clients got no write through, as they see it:
  // their backoff between retries (at most 0.5 s) included, the resend after the load (Finish)
  // not. InfiniteDuration when no command was acknowledged after `since`.
  absl::Duration LongestGapAfter(absl::Time since) const;

  class Client;

 private:
  friend class Client;
  void Count(const std::function<void(LoadFigures&)>& change);
  void AddAcknowledged(Acknowledged acknowledged, bool replayed);
  void AddError(std::string error);

  const LoadOptions options_;
  std::vector<std::unique_ptr<Client>> clients_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};  // set by the destructor: clients quit early
  mutable absl::Mutex mutex_;
  int running_ ABSL_GUARDED_BY(mutex_) = 0;
  LoadFigures figures_ ABSL_GUARDED_BY(mutex_);
  std::vector<Acknowledged> acknowledged_ ABSL_GUARDED_BY(mutex_);
  // When each acknowledgement came, while the clients ran (for LongestGapAfter).
  std::vector<absl::Time> acknowledged_at_ ABSL_GUARDED_BY(mutex_);
  std::vector<std::string> errors_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace loyalty::testing
