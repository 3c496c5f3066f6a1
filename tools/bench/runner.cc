#include "tools/bench/runner.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "libs/base/check.h"
#include "tools/bench/requests.h"

namespace loyalty::bench {

struct Runner::Call {
  grpc::ClientContext context;
  Operation operation = Operation::kAccrue;
  int slot = -1;
  int64_t intended_ns = 0;
  std::unique_ptr<google::protobuf::Message> request;
  std::unique_ptr<google::protobuf::Message> response;
};

absl::StatusOr<std::vector<std::shared_ptr<grpc::Channel>>> OpenChannels(
    const Options& options, const std::string& target) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < options.channels; ++i) {
    grpc::ChannelArguments arguments;
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    arguments.SetInt("loyalty.bench.channel", i);  // distinct arguments: distinct connections
    channels.push_back(rpc::OpenChannel(target, options.tls, arguments));
    const auto deadline =
        std::chrono::system_clock::now() + std::chrono::milliseconds(options.timeout_ms);
    if (!channels.back()->WaitForConnected(deadline)) {
      return absl::UnavailableError(absl::StrCat("cannot connect to ", target));
    }
  }
  return channels;
}

Runner::Runner(const Options& options, const Mix& mix,
               std::vector<std::shared_ptr<grpc::Channel>> command_channels,
               std::vector<std::shared_ptr<grpc::Channel>> query_channels)
    : options_(options),
      mix_(mix),
      keys_(options.keys),
      key_prefix_(absl::StrFormat("b%016x-", std::random_device{}() ^
                                                 static_cast<uint64_t>(
                                                     absl::ToUnixNanos(absl::Now())))),
      stripes_(new Stripe[kStripes]),
      epoch_(std::chrono::steady_clock::now()) {
  LOYALTY_CHECK(!command_channels.empty());
  for (auto& channel : command_channels) {
    command_stubs_.push_back(v1::CommandService::NewStub(channel));
  }
  for (auto& channel : query_channels) query_stubs_.push_back(v1::QueryService::NewStub(channel));
  LOYALTY_CHECK(!mix_.HasQueries() || !query_stubs_.empty());
  std::seed_seq seed{options.concurrency, options.channels, 20260301};
  std::mt19937_64 seeder(seed);
  for (int i = 0; i < options.concurrency; ++i) slot_random_.emplace_back(seeder());
}

Runner::~Runner() = default;

int64_t Runner::NowNs() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() -
                                                              epoch_)
      .count();
}

void Runner::Send(int slot, int64_t intended_ns, std::mt19937_64& random) {
  auto* call = new Call;
  call->operation = mix_.Pick(random);
  call->slot = slot;
  call->intended_ns = intended_ns;
  call->context.set_deadline(std::chrono::system_clock::now() +
                             std::chrono::milliseconds(options_.timeout_ms));
  const int64_t member = keys_.Pick(random);
  const uint64_t channel = next_channel_.fetch_add(1, std::memory_order_relaxed);
  const std::string& org = options_.org_id;
  auto done = [this, call](grpc::Status status) { Finish(call, status); };
  {
    absl::MutexLock lock(&outstanding_mutex_);
    ++outstanding_;
  }
  auto* commands = command_stubs_[channel % command_stubs_.size()]->async();
  auto* queries =
      query_stubs_.empty() ? nullptr : query_stubs_[channel % query_stubs_.size()]->async();
  const std::string key =
      IsQuery(call->operation) ? "" : absl::StrCat(key_prefix_, next_key_.fetch_add(1));
  switch (call->operation) {
    case Operation::kAccrue: {
      auto* request = new v1::AccrueRequest;
      auto* response = new v1::AccrueResponse;
      call->request.reset(request);
      call->response.reset(response);
      BuildAccrue(org, member, key, request);
      commands->Accrue(&call->context, request, response, done);
      break;
    }
    case Operation::kRedeem: {
      auto* request = new v1::RedeemRequest;
      auto* response = new v1::RedeemResponse;
      call->request.reset(request);
      call->response.reset(response);
      BuildRedeem(org, member, key, request);
      commands->Redeem(&call->context, request, response, done);
      break;
    }
    case Operation::kGroupRedeem: {
      auto* request = new v1::GroupRedeemRequest;
      auto* response = new v1::RedeemResponse;
      call->request.reset(request);
      call->response.reset(response);
      BuildGroupRedeem(org, member, key, request);
      commands->GroupRedeem(&call->context, request, response, done);
      break;
    }
    case Operation::kTransfer: {
      auto* request = new v1::TransferRequest;
      auto* response = new v1::TransferResponse;
      call->request.reset(request);
      call->response.reset(response);
      BuildTransfer(org, member, (member + 1) % options_.keys.members, key, request);
      commands->Transfer(&call->context, request, response, done);
      break;
    }
    case Operation::kGetBalances: {
      auto* request = new v1::GetBalancesRequest;
      auto* response = new v1::GetBalancesResponse;
      call->request.reset(request);
      call->response.reset(response);
      BuildGetBalances(org, member, request);
      queries->GetBalances(&call->context, request, response, done);
      break;
    }
    case Operation::kListRedemptions: {
      auto* request = new v1::ListRedemptionsRequest;
      auto* response = new v1::ListRedemptionsResponse;
      call->request.reset(request);
      call->response.reset(response);
      BuildListRedemptions(org, member, request);
      queries->ListRedemptions(&call->context, request, response, done);
      break;
    }
    case Operation::kTierProgress: {
      auto* request = new v1::GetTierProgressRequest;
      auto* response = new v1::GetTierProgressResponse;
      call->request.reset(request);
      call->response.reset(response);
      BuildTierProgress(org, member, request);
      queries->GetTierProgress(&call->context, request, response, done);
      break;
    }
  }
}

void Runner::Finish(Call* call, const grpc::Status& status) {
  const int64_t now_ns = NowNs();
  if (call->intended_ns >= measure_start_ns_ && call->intended_ns < end_ns_) {
    const int stripe_index = (call->slot >= 0 ? call->slot : static_cast<int>(now_ns)) & 15;
    Stripe& stripe = stripes_[static_cast<size_t>(stripe_index)];
    absl::MutexLock lock(&stripe.mutex);
    OperationStats& stats = stripe.operations[OperationIndex(call->operation)];
    if (status.ok()) {
      ++stats.ok;
      stats.latency_ns.Record(now_ns - call->intended_ns);
    } else {
      const auto code = static_cast<size_t>(status.error_code());
      ++stats.errors_by_code[code < stats.errors_by_code.size() ? code : 2];
    }
  }
  const int slot = call->slot;
  delete call;
  if (slot >= 0 && now_ns < end_ns_) SendClosedLoop(slot);
  absl::MutexLock lock(&outstanding_mutex_);
  --outstanding_;
}

void Runner::SendClosedLoop(int slot) {
  Send(slot, NowNs(), slot_random_[static_cast<size_t>(slot)]);
}

void Runner::RunOpenLoop() {
  std::mt19937_64 random(20260301);
  const double interval_ns = 1e9 / options_.rate_per_s;
  for (int64_t i = 0;; ++i) {
    const auto intended_ns = static_cast<int64_t>(static_cast<double>(i) * interval_ns);
    if (intended_ns >= end_ns_) break;
    const int64_t wait_ns = intended_ns - NowNs();
    if (wait_ns > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(wait_ns));
    {
      absl::MutexLock lock(&outstanding_mutex_);
      if (!BelowMaxOutstanding()) {
        late_sends_.fetch_add(1, std::memory_order_relaxed);
        outstanding_mutex_.Await(absl::Condition(this, &Runner::BelowMaxOutstanding));
      }
    }
    Send(-1, intended_ns, random);
  }
}

void Runner::WaitForDrain() {
  absl::MutexLock lock(&outstanding_mutex_);
  // Every call carries a deadline, so this ends; the bound is a second past it.
  outstanding_mutex_.AwaitWithTimeout(absl::Condition(this, &Runner::Drained),
                                      absl::Milliseconds(options_.timeout_ms + 1000));
  LOYALTY_CHECK(outstanding_ == 0);
}

RunReport Runner::Run() {
  measure_start_ns_ = NowNs() + static_cast<int64_t>(options_.warmup_s * 1e9);
  end_ns_ = measure_start_ns_ + static_cast<int64_t>(options_.duration_s * 1e9);
  if (options_.rate_per_s > 0) {
    RunOpenLoop();
  } else {
    for (int slot = 0; slot < options_.concurrency; ++slot) SendClosedLoop(slot);
    std::this_thread::sleep_for(std::chrono::nanoseconds(end_ns_ - NowNs()));
  }
  WaitForDrain();
  return BuildReport();
}

RunReport Runner::BuildReport() const {
  RunReport report;
  report.label = options_.label;
  report.target = options_.target;
  report.mode = options_.rate_per_s > 0 ? "open" : "closed";
  report.mix = mix_.ToString();
  report.distribution = keys_.Describe();
  report.channels = options_.channels;
  report.concurrency = options_.concurrency;
  report.rate_per_s = options_.rate_per_s;
  report.warmup_s = options_.warmup_s;
  report.duration_s = options_.duration_s;
  report.late_sends = late_sends_.load();
  for (int i = 0; i < kStripes; ++i) {
    Stripe& stripe = stripes_[static_cast<size_t>(i)];
    absl::MutexLock lock(&stripe.mutex);
    for (size_t op = 0; op < report.operations.size(); ++op) {
      report.operations[op].Merge(stripe.operations[op]);
    }
  }
  return report;
}

}  // namespace loyalty::bench
