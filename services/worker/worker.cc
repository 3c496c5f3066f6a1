#include "services/worker/worker.h"

#include "absl/strings/str_cat.h"
#include "libs/base/log.h"
#include "services/worker/badge_jobs.h"
#include "services/worker/jobs.h"

namespace loyalty::worker {

Worker::Worker(const store::Context& context, partner::Gateways& gateways, WorkerOptions options,
               prometheus::Registry& registry)
    : context_(context), gateways_(gateways), options_(options) {
  auto& last_run = prometheus::BuildGauge()
                       .Name("loyalty_worker_job_last_run_timestamp_seconds")
                       .Help("When the job last finished (Unix time)")
                       .Register(registry);
  auto& duration = prometheus::BuildGauge()
                       .Name("loyalty_worker_job_duration_seconds")
                       .Help("How long the job's last run took")
                       .Register(registry);
  auto& items = prometheus::BuildCounter()
                    .Name("loyalty_worker_job_items_total")
                    .Help("Items the job processed (lots expired, periods renewed, ...)")
                    .Register(registry);
  auto& failures = prometheus::BuildCounter()
                       .Name("loyalty_worker_job_failures_total")
                       .Help("Job runs that failed")
                       .Register(registry);
  const int32_t batch = options_.batch;
  const absl::Duration retention = options_.idempotency_retention;
  const std::vector<std::pair<std::string, std::function<absl::StatusOr<int64_t>()>>> jobs = {
      {"expire_points", [this, batch] { return ExpirePoints(context_, batch); }},
      {"release_reservations",
       [this, batch] { return ReleaseExpiredReservations(context_, batch); }},
      {"requalify_tiers", [this, batch] { return RequalifyTiers(context_, batch); }},
      {"prune_idempotency_keys",
       [this, batch, retention] { return PruneIdempotencyKeys(context_, batch, retention); }},
      {"convert_points", [this, batch] { return ConvertPoints(context_, gateways_, batch); }},
      {"send_conversions",
       [this, batch] {
         return SendConversions(context_, gateways_, batch, options_.conversion_retry);
       }},
      {"expire_vouchers", [this, batch] { return ExpireVouchers(context_, batch); }},
      {"award_tenure_badges", [this, batch] { return AwardTenureBadges(context_, batch); }},
  };
  for (const auto& [name, run] : jobs) {
    const prometheus::Labels labels = {{"job", name}};
    jobs_.push_back({name, run, &last_run.Add(labels), &duration.Add(labels), &items.Add(labels),
                     &failures.Add(labels)});
  }
}

absl::StatusOr<int64_t> Worker::RunOnce() {
  int64_t total = 0;
  absl::Status first_error;
  for (Job& job : jobs_) {
    const absl::Time start = absl::Now();
    absl::StatusOr<int64_t> items = job.run();
    job.duration->Set(absl::ToDoubleSeconds(absl::Now() - start));
    job.last_run->Set(absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch()));
    if (!items.ok()) {
      job.failures->Increment();
      LogError(absl::StrCat("job ", job.name, " failed: ", items.status().ToString()));
      if (first_error.ok()) first_error = items.status();
      continue;
    }
    job.items->Increment(static_cast<double>(*items));
    total += *items;
  }
  if (!first_error.ok()) return first_error;
  return total;
}

void Worker::Run() {
  while (!Stopping()) {
    const absl::StatusOr<int64_t> items = RunOnce();
    if (items.ok() && *items > 0) continue;  // busy: the next round at once
    absl::MutexLock lock(&mutex_);
    mutex_.AwaitWithTimeout(absl::Condition(&stopping_), options_.interval);
  }
}

void Worker::Stop() {
  absl::MutexLock lock(&mutex_);  // its release wakes Run's wait
  stopping_ = true;
}

bool Worker::Stopping() {
  absl::MutexLock lock(&mutex_);
  return stopping_;
}

}  // namespace loyalty::worker
