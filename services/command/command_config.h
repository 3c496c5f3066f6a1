#pragma once

#include <string>

#include "absl/status/status.h"
#include "libs/rpc/queued_calls.h"
#include "libs/rpc/server.h"

namespace loyalty::command {

// loyalty-command's settings, one per flag of main.cc, with the flags' defaults. The security
// flags are rpc::ServerSecurityFromFlags' (libs/rpc/server_security.h).
struct Config {
  std::string database_url = "postgresql://postgres@127.0.0.1:5432/loyalty";
  std::string listen = "127.0.0.1:50051";
  std::string admin_listen;                       // empty: --listen serves AdminService too
  std::string metrics_listen = "127.0.0.1:9464";  // empty: no /metrics
  std::string health_listen;                      // empty: none
  int pool_size = 16;                             // 1..256
  int acquire_timeout_ms = 2000;                  // 0..600000
  int max_threads = rpc::kDefaultMaxThreads;      // 4..1024
  rpc::CallLimits limits;                         // --workers, --max_queued_calls
  int max_attempts = 8;                           // 1..32
};

// OK, or INVALID_ARGUMENT naming the first flag out of its range ("--pool_size must be 1..256").
absl::Status Validate(const Config& config);

}  // namespace loyalty::command
