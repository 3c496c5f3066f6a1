#include "tests/fault/fault_load.h"

#include <algorithm>
#include <random>
#include <variant>

#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "loyalty/v1/command.grpc.pb.h"
#include "loyalty/v1/query.grpc.pb.h"
#include "tests/support/status_details.h"

namespace loyalty::testing {
namespace {

constexpr absl::Duration kFirstBackoff = absl::Milliseconds(20);
constexpr absl::Duration kMaxBackoff = absl::Milliseconds(500);
constexpr int kQueryEvery = 4;  // a GetBalances read after every 4th command

// Reconnects soon after a server comes back (gRPC's default backoff grows to 2 minutes), on a
// connection of the client's own. GRPC_ARG_MIN_RECONNECT_BACKOFF_MS stays at its default: it is
// also each connection attempt's timeout, and a short one fails the handshakes with a server
// that is starting ("tcp handshaker shutdown").
std::shared_ptr<grpc::Channel> ClientChannel(const std::string& target) {
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), arguments);
}

bool Retryable(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED ||
         code == grpc::StatusCode::ABORTED || code == grpc::StatusCode::RESOURCE_EXHAUSTED;
}

std::string CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    default: return absl::StrCat("code ", static_cast<int>(code));
  }
}

}  // namespace

class FaultLoad::Client {
 public:
  Client(const LoadOptions& options, int index, FaultLoad* load)
      : options_(options),
        index_(index),
        load_(load),
        random_(options.seed + static_cast<uint32_t>(index)),
        queries_(v1::QueryService::NewStub(ClientChannel(options.query_target))) {
    for (const std::string& target : options.command_targets) {
      commands_.push_back(v1::CommandService::NewStub(ClientChannel(target)));
    }
    replica_ = static_cast<size_t>(index) % commands_.size();
  }

  void Run() {
    for (int n = 0; n < options_.commands_per_client && !load_->stopping_; ++n) {
      load_->Count([](LoadFigures& f) { ++f.commands; });
      Request request = NextCommand(n);
      if (!Send(request)) unresolved_.push_back(std::move(request));
      if (n % kQueryEvery == kQueryEvery - 1) ReadBalances();
    }
  }

  // Sends the unresolved commands again; the ones still without an answer stay unresolved.
  void Settle() {
    std::vector<Request> left = std::move(unresolved_);
    unresolved_.clear();
    for (Request& request : left) {
      if (Send(request)) {
        load_->Count([](LoadFigures& f) { ++f.settled; });
      } else {
        load_->Count([](LoadFigures& f) { ++f.unresolved; });
      }
    }
  }

 private:
  using Request = std::variant<v1::AccrueRequest, v1::RedeemRequest, v1::TransferRequest>;

  int64_t Uniform(int64_t low, int64_t high) {
    return std::uniform_int_distribution<int64_t>(low, high)(random_);
  }
  const std::string& AnyMember() {
    return options_.members[static_cast<size_t>(
        Uniform(0, static_cast<int64_t>(options_.members.size()) - 1))];
  }

  // Half accruals of explicit points, a quarter redemptions, a quarter transfers.
  Request NextCommand(int n) {
    const std::string key = absl::StrCat("fault-", index_, "-", n);
    const int64_t kind = Uniform(0, 3);
    if (kind <= 1) {
      v1::AccrueRequest accrue;
      accrue.set_org_id(options_.org_id);
      accrue.set_idempotency_key(key);
      accrue.set_member_id(AnyMember());
      accrue.mutable_explicit_points()->set_points(Uniform(1, 200));
      accrue.mutable_explicit_points()->set_description("fault test");
      return accrue;
    }
    if (kind == 2) {
      v1::RedeemRequest redeem;
      redeem.set_org_id(options_.org_id);
      redeem.set_idempotency_key(key);
      redeem.set_member_id(AnyMember());
      redeem.set_points(Uniform(1, 150));
      redeem.set_reward("fault test");
      return redeem;
    }
    v1::TransferRequest transfer;
    transfer.set_org_id(options_.org_id);
    transfer.set_idempotency_key(key);
    transfer.set_from_member_id(AnyMember());
    do {
      transfer.set_to_member_id(AnyMember());
    } while (transfer.to_member_id() == transfer.from_member_id());
    transfer.set_points(Uniform(1, 150));
    return transfer;
  }

  // Every call has a deadline, and waits (within it) for the channel to connect: the waiting
  // call's thread drives the reconnection, where a failing-fast one would leave it to gRPC's
  // backup poller (every 5 s).
  void Prepare(grpc::ClientContext& context) const {
    context.set_deadline(absl::ToChronoTime(absl::Now() + options_.call_deadline));
    context.set_wait_for_ready(true);
  }

  // One call; on OK fills `acknowledged` from the reply.
  grpc::Status Call(const Request& request, Acknowledged& acknowledged, bool& replayed) {
    grpc::ClientContext context;
    Prepare(context);
    if (const auto* accrue = std::get_if<v1::AccrueRequest>(&request)) {
      v1::AccrueResponse reply;
      const grpc::Status status = commands_[replica_]->Accrue(&context, *accrue, &reply);
      acknowledged = {accrue->idempotency_key(), "Accrue", reply.accrual_id(),
                      {{accrue->member_id(), reply.points()}}};
      replayed = reply.replayed();
      return status;
    }
    if (const auto* redeem = std::get_if<v1::RedeemRequest>(&request)) {
      v1::RedeemResponse reply;
      const grpc::Status status = commands_[replica_]->Redeem(&context, *redeem, &reply);
      acknowledged = {redeem->idempotency_key(), "Redeem", reply.redemption().redemption_id(),
                      {{redeem->member_id(), -reply.redemption().points()}}};
      replayed = reply.replayed();
      return status;
    }
    const auto& transfer = std::get<v1::TransferRequest>(request);
    v1::TransferResponse reply;
    const grpc::Status status = commands_[replica_]->Transfer(&context, transfer, &reply);
    acknowledged = {transfer.idempotency_key(),
                    "Transfer",
                    reply.transfer_id(),
                    {{transfer.from_member_id(), -reply.points()},
                     {transfer.to_member_id(), reply.points()}}};
    replayed = reply.replayed();
    return status;
  }

  // True when the command got an answer: acknowledged, refused or an unexpected error.
  bool Send(const Request& request) {
    const absl::Time give_up = absl::Now() + options_.retry_budget;
    absl::Duration backoff = kFirstBackoff;
    for (int attempt = 0;; ++attempt) {
      Acknowledged acknowledged;
      bool replayed = false;
      const grpc::Status status = Call(request, acknowledged, replayed);
      load_->Count([&](LoadFigures& f) {
        ++f.calls;
        if (attempt > 0) ++f.retried;
      });
      if (status.ok()) {
        load_->AddAcknowledged(std::move(acknowledged), replayed);
        return true;
      }
      if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION &&
          ErrorReason(status) == "INSUFFICIENT_POINTS") {
        load_->Count([](LoadFigures& f) { ++f.refused; });
        return true;
      }
      if (!Retryable(status.error_code())) {
        load_->AddError(absl::StrCat(acknowledged.key, " (", acknowledged.method, "): code ",
                                     static_cast<int>(status.error_code()), " ",
                                     ErrorReason(status), ": ", status.error_message()));
        return true;
      }
      load_->Count([&](LoadFigures& f) { ++f.retry_codes[CodeName(status.error_code())]; });
      replica_ = (replica_ + 1) % commands_.size();
      if (absl::Now() + backoff >= give_up || load_->stopping_) return false;
      absl::SleepFor(backoff + absl::Milliseconds(Uniform(0, 20)));
      backoff = std::min(2 * backoff, kMaxBackoff);
    }
  }

  void ReadBalances() {
    v1::GetBalancesRequest request;
    request.set_org_id(options_.org_id);
    request.set_member_id(AnyMember());
    v1::GetBalancesResponse reply;
    grpc::ClientContext context;
    Prepare(context);
    const bool ok = queries_->GetBalances(&context, request, &reply).ok();
    load_->Count([&](LoadFigures& f) {
      ++f.query_calls;
      if (!ok) ++f.query_failures;
    });
  }

  const LoadOptions& options_;
  const int index_;
  FaultLoad* const load_;
  std::mt19937 random_;
  std::vector<std::unique_ptr<v1::CommandService::Stub>> commands_;  // one per replica
  size_t replica_ = 0;  // the one the next call goes to
  std::unique_ptr<v1::QueryService::Stub> queries_;
  std::vector<Request> unresolved_;
};

FaultLoad::FaultLoad(LoadOptions options) : options_(std::move(options)) {
  for (int i = 0; i < options_.clients; ++i) {
    clients_.push_back(std::make_unique<Client>(options_, i, this));
  }
}

FaultLoad::~FaultLoad() {
  stopping_ = true;
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

void FaultLoad::Start() {
  absl::MutexLock lock(&mutex_);
  running_ = static_cast<int>(clients_.size());
  for (std::unique_ptr<Client>& client : clients_) {
    threads_.emplace_back([this, raw = client.get()] {
      raw->Run();
      absl::MutexLock done(&mutex_);
      --running_;
    });
  }
}

bool FaultLoad::WaitForAcknowledged(int64_t count, absl::Duration timeout) {
  absl::MutexLock lock(&mutex_);
  auto reached_or_ended = [&]() ABSL_SHARED_LOCKS_REQUIRED(mutex_) {
    return figures_.acknowledged >= count || running_ == 0;
  };
  mutex_.AwaitWithTimeout(absl::Condition(&reached_or_ended), timeout);
  return figures_.acknowledged >= count;
}

void FaultLoad::Finish() {
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
  for (std::unique_ptr<Client>& client : clients_) client->Settle();
}

void FaultLoad::Count(const std::function<void(LoadFigures&)>& change) {
  absl::MutexLock lock(&mutex_);
  change(figures_);
}

void FaultLoad::AddAcknowledged(Acknowledged acknowledged, bool replayed) {
  absl::MutexLock lock(&mutex_);
  ++figures_.acknowledged;
  if (replayed) ++figures_.replayed;
  if (running_ > 0) acknowledged_at_.push_back(absl::Now());
  acknowledged_.push_back(std::move(acknowledged));
}

void FaultLoad::AddError(std::string error) {
  absl::MutexLock lock(&mutex_);
  errors_.push_back(std::move(error));
}

LoadFigures FaultLoad::figures() const {
  absl::MutexLock lock(&mutex_);
  return figures_;
}

std::vector<Acknowledged> FaultLoad::acknowledged() const {
  absl::MutexLock lock(&mutex_);
  return acknowledged_;
}

std::map<std::string, int64_t> FaultLoad::ExpectedPoints() const {
  absl::MutexLock lock(&mutex_);
  std::map<std::string, int64_t> points;
  for (const std::string& member : options_.members) points[member] = 0;
  for (const Acknowledged& acknowledged : acknowledged_) {
    for (const auto& [member, delta] : acknowledged.effects) points[member] += delta;
  }
  return points;
}

std::vector<std::string> FaultLoad::errors() const {
  absl::MutexLock lock(&mutex_);
  return errors_;
}

absl::Duration FaultLoad::LongestGapAfter(absl::Time since) const {
  std::vector<absl::Time> times;
  {
    absl::MutexLock lock(&mutex_);
    times = acknowledged_at_;
  }
  std::sort(times.begin(), times.end());
  absl::Time previous = since;
  absl::Duration longest = absl::ZeroDuration();
  for (const absl::Time time : times) {
    if (time <= since) continue;
    longest = std::max(longest, time - previous);
    previous = time;
  }
  return previous == since ? absl::InfiniteDuration() : longest;
}

}  // namespace loyalty::testing
