#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/channel.h"
#include "loyalty/v1/command.grpc.pb.h"
#include "loyalty/v1/query.grpc.pb.h"
#include "tools/bench/key_distribution.h"
#include "tools/bench/options.h"
#include "tools/bench/report.h"

namespace loyalty::bench {

// Opens `options.channels` separate connections to `target` (a local subchannel pool each) with
// `options.tls` and waits for them, each at most `options.timeout_ms`: the TLS handshakes happen
// here, before any call is measured.
absl::StatusOr<std::vector<std::shared_ptr<grpc::Channel>>> OpenChannels(
    const Options& options, const std::string& target);

// Sends the load of `options` through the gRPC callback API and measures it. Closed loop keeps
// `concurrency` calls outstanding; open loop sends at `rate_per_s` and measures each latency from
// the call's intended send time, so a stalled server cannot hide its queue (no coordinated
// omission). Only calls intended inside the window after the warm-up are counted.
class Runner final {
 public:
  Runner(const Options& options, const Mix& mix,
         std::vector<std::shared_ptr<grpc::Channel>> command_channels,
         std::vector<std::shared_ptr<grpc::Channel>> query_channels);
  ~Runner();

  RunReport Run();

 private:
  static constexpr int kStripes = 16;
  struct Stripe {
    absl::Mutex mutex;
    std::array<OperationStats, kOperationCount> operations ABSL_GUARDED_BY(mutex);
  };
  struct Call;

  int64_t NowNs() const;
  // Starts one call; `slot` >= 0 in closed loop (the slot sends again when it completes).
  void Send(int slot, int64_t intended_ns, std::mt19937_64& random);
  void Finish(Call* call, const grpc::Status& status);
  void SendClosedLoop(int slot);
  void RunOpenLoop();
  void WaitForDrain();
  RunReport BuildReport() const;
  bool BelowMaxOutstanding() const ABSL_SHARED_LOCKS_REQUIRED(outstanding_mutex_) {
    return outstanding_ < options_.max_outstanding;
  }
  bool Drained() const ABSL_SHARED_LOCKS_REQUIRED(outstanding_mutex_) { return outstanding_ == 0; }

  const Options options_;
  const Mix mix_;
  const KeyDistribution keys_;
  const std::string key_prefix_;
  std::vector<std::unique_ptr<v1::CommandService::Stub>> command_stubs_;
  std::vector<std::unique_ptr<v1::QueryService::Stub>> query_stubs_;
  std::vector<std::mt19937_64> slot_random_;
  std::unique_ptr<Stripe[]> stripes_;
  const std::chrono::steady_clock::time_point epoch_;
  int64_t measure_start_ns_ = 0;
  int64_t end_ns_ = 0;
  std::atomic<int64_t> next_key_{0};
  std::atomic<uint64_t> next_channel_{0};
  std::atomic<int64_t> late_sends_{0};
  // Its release wakes RunOpenLoop's and WaitForDrain's waits.
  absl::Mutex outstanding_mutex_;
  int64_t outstanding_ ABSL_GUARDED_BY(outstanding_mutex_) = 0;
};

}  // namespace loyalty::bench
