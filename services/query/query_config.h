#pragma once

#include <string>

#include "absl/status/status.h"
#include "libs/rpc/queued_calls.h"
#include "libs/rpc/server.h"
#include "services/query/query_service.h"

namespace loyalty::query {

// loyalty-query's settings, one per flag of main.cc, with the flags' defaults. The security
// flags are rpc::ServerSecurityFromFlags' (libs/rpc/server_security.h).
struct Config {
  std::string database_url = "postgresql://postgres@127.0.0.1:5432/loyalty";
  std::string projector_database_url;  // empty: database_url
  std::string listen = "127.0.0.1:50052";
  std::string metrics_listen = "127.0.0.1:9465";  // empty: no /metrics
  std::string health_listen;                      // empty: none
  int pool_size = 16;                             // 1..256
  int max_threads = rpc::kDefaultMaxThreads;      // 4..1024
  rpc::CallLimits limits = kQueryCallLimits;      // --workers, --max_queued_calls
  bool project = true;                            // run the projector in this process
  int batch_size = 500;                           // 1..10000, when project
  int balance_cache_mib = 32;                     // 0 (off)..16384

  // The database the projector writes (and rebuild replays into).
  const std::string& ProjectorDatabaseUrl() const {
    return projector_database_url.empty() ? database_url : projector_database_url;
  }
};

// OK, or INVALID_ARGUMENT naming the first flag out of its range ("--pool_size must be 1..256").
// --batch_size is checked only with --project, the one use of it.
absl::Status Validate(const Config& config);

}  // namespace loyalty::query
