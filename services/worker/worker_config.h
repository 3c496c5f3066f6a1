#pragma once

#include <string>

#include "absl/status/status.h"
#include "services/worker/worker.h"

namespace loyalty::worker {

// loyalty-worker's settings, one per flag of main.cc, with the flags' defaults.
struct Config {
  std::string database_url = "postgresql://postgres@127.0.0.1:5432/loyalty";
  std::string metrics_listen = "127.0.0.1:9466";  // empty: no /metrics
  std::string health_listen;                      // empty: none
  int pool_size = 4;                              // 1..64
  int batch = 500;                                // 1..10000
  int interval_ms = 1000;                         // 10..3600000
  int idempotency_retention_days = 30;            // 1..3650
  int conversion_attempts = 8;                    // 1..100
  int conversion_retry_ms = 60000;                // 10..86400000

  WorkerOptions ToWorkerOptions() const;
};

// OK, or INVALID_ARGUMENT naming the first flag out of its range ("--pool_size must be 1..64").
absl::Status Validate(const Config& config);

}  // namespace loyalty::worker
