#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/partner/gateway.h"
#include "libs/store/context.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"
#include "services/worker/partner_jobs.h"

namespace loyalty::worker {

struct WorkerOptions {
  int32_t batch = 500;                        // members (or records) per job call, 1..10000
  absl::Duration interval = absl::Seconds(1);  // pause between rounds when there was no work
  absl::Duration idempotency_retention = absl::Hours(24 * 30);
  ConversionRetry conversion_retry;  // partner conversions (partner_jobs.h)
};

// Runs the batch jobs (jobs.h) in rounds and exports, per job, its last run time, last duration,
// items processed and failures.
class Worker final {
 public:
  // `gateways` reach the partners (conversions).
  Worker(const store::Context& context, partner::Gateways& gateways, WorkerOptions options,
         prometheus::Registry& registry);

  // One round: every job once. Returns the items processed, or the first error (the other jobs
  // still run).
  absl::StatusOr<int64_t> RunOnce();
  // Rounds until Stop(); a round that did work is followed at once by the next.
  void Run();
  void Stop();

 private:
  struct Job {
    std::string name;
    std::function<absl::StatusOr<int64_t>()> run;
    prometheus::Gauge* last_run;
    prometheus::Gauge* duration;
    prometheus::Counter* items;
    prometheus::Counter* failures;
  };

  bool Stopping();

  const store::Context& context_;
  partner::Gateways& gateways_;
  const WorkerOptions options_;
  std::vector<Job> jobs_;
  absl::Mutex mutex_;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace loyalty::worker
