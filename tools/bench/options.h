#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/rpc/tls.h"
#include "tools/bench/key_distribution.h"
#include "tools/bench/mix.h"
#include "tools/bench/operation.h"

namespace loyalty::bench {

// Limits on every knob (a typo must not open a million connections or run for a day).
inline constexpr int kMaxChannels = 64;
inline constexpr int kMaxConcurrency = 4096;
inline constexpr double kMaxRatePerSecond = 1'000'000;
inline constexpr int kMaxOutstanding = 65'536;
inline constexpr int64_t kMaxMembers = 10'000'000;
inline constexpr double kMaxDurationSeconds = 3600;
inline constexpr double kMaxWarmupSeconds = 600;
inline constexpr int kMaxTimeoutMs = 60'000;
inline constexpr int kMaxHistory = 100;
inline constexpr int kMaxPrepareConcurrency = 256;

enum class Mode {
  kRun,      // send load and report
  kPrepare,  // create the data set (org, programs, members with history), idempotently
  kOnce,     // send one --op request with --key to --member_index (statement capture)
};

struct Options {
  Mode mode = Mode::kRun;
  std::string target = "127.0.0.1:50051";  // CommandService and AdminService
  std::string query_target;                // QueryService; empty skips query operations
  rpc::ClientTls tls;  // --tls_cert --tls_key --tls_ca --tls_server_name --insecure_plaintext
  std::string org_id = "bench";
  int channels = 4;
  int concurrency = 32;      // closed loop: calls outstanding at all times
  double rate_per_s = 0;     // > 0: open loop at this many calls per second
  int max_outstanding = 8192;  // open loop: calls in flight before the sender waits
  Mix mix;
  KeyDistributionOptions keys;
  double warmup_s = 2;
  double duration_s = 10;
  int timeout_ms = 5000;
  std::string json_out;
  std::string label;        // a name for the run in the report
  int history = 5;          // prepare: purchases per member
  int prepare_concurrency = 16;
  bool badges = false;  // prepare: also define the 10 badges of tools/bench/badges.h in shop
  Operation once_operation = Operation::kAccrue;
  int64_t member_index = 0;  // once
  std::string key;           // once: idempotency key (and order reference)
};

// Parses `[run|prepare|once] --flag=value ...` (arguments without the program name). Flags:
// --target --query_target --org --channels --concurrency --rate --max_outstanding --mix
// --members --hot_fraction --hot_share --distribution=uniform|hot1 --warmup_s --duration_s
// --timeout_ms --json_out --label --history --prepare_concurrency --badges (prepare only) --op
// --member_index --key, and the TLS flags --tls_cert --tls_key --tls_ca --tls_server_name and
// --insecure_plaintext (which, like --badges, alone needs no =value). TLS is the default:
// --tls_ca, or --insecure_plaintext, is required.
absl::StatusOr<Options> ParseOptions(const std::vector<std::string>& arguments);

// One line per flag, for --help and usage errors.
std::string Usage();

}  // namespace loyalty::bench
