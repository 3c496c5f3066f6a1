#include "tools/bench/prepare.h"

#include <atomic>
#include <cstdio>
#include <functional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/client_context.h"
#include "libs/base/status_macros.h"
#include "loyalty/v1/admin.grpc.pb.h"
#include "loyalty/v1/command.grpc.pb.h"
#include "loyalty/v1/query.grpc.pb.h"
#include "tools/bench/badges.h"
#include "tools/bench/requests.h"
#include "tools/demo_org/demo_org.h"

namespace loyalty::bench {
namespace {

// Setup keys are fixed by their order, so a second prepare replays every call; ALREADY_EXISTS
// from an earlier prepare counts as done.
demo::CallOptions SetupCalls(std::function<std::string()> next_key = nullptr) {
  return {.next_key = std::move(next_key),
          .timeout = absl::Seconds(10),
          .already_exists_is_done = true};
}

absl::Status Call(absl::string_view what,
                  const std::function<grpc::Status(grpc::ClientContext*)>& call) {
  return demo::RunCall(what, SetupCalls(), call);
}

absl::Status Purchase(v1::CommandService::Stub& commands, const std::string& org_id,
                      int64_t member, const std::string& program, int64_t amount_minor,
                      const std::string& key) {
  v1::AccrueRequest request;
  BuildAccrue(org_id, member, key, &request);
  request.set_program_id(program);
  request.mutable_purchase()->mutable_amount()->set_minor_units(amount_minor);
  v1::AccrueResponse response;
  return Call("Accrue", [&](grpc::ClientContext* context) {
    return commands.Accrue(context, request, &response);
  });
}

// One member: created, enrolled in both programs, with its purchase history.
absl::Status PrepareMember(v1::AdminService::Stub& admin, v1::CommandService::Stub& commands,
                           const Options& options, int64_t member) {
  const std::string& org = options.org_id;
  LOYALTY_RETURN_IF_ERROR(demo::CreateDemoMember(
      admin, org, MemberId(member), absl::StrCat("bench-member-", member), SetupCalls()));
  for (int i = 0; i < options.history; ++i) {
    LOYALTY_RETURN_IF_ERROR(Purchase(commands, org, member, kShopProgram, 100'000,
                                     absl::StrCat("bench-history-", member, "-", i)));
  }
  return Purchase(commands, org, member, kTravelProgram, 50'000,
                  absl::StrCat("bench-travel-", member));
}

// The first error of the prepare threads.
class FirstError final {
 public:
  void Record(absl::Status status) {
    absl::MutexLock lock(&mutex_);
    if (status_.ok()) status_ = std::move(status);
  }
  absl::Status Get() {
    absl::MutexLock lock(&mutex_);
    return status_;
  }

 private:
  absl::Mutex mutex_;
  absl::Status status_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace

absl::Status Prepare(const Options& options,
                     const std::vector<std::shared_ptr<grpc::Channel>>& channels) {
  auto setup_admin = v1::AdminService::NewStub(channels.front());
  int step = 0;
  LOYALTY_RETURN_IF_ERROR(demo::CreateDemoOrg(
      *setup_admin, options.org_id, "loyalty-bench data set",
      SetupCalls([&] { return absl::StrCat("bench-setup-", options.org_id, "-", step++); })));
  // Before the members, so that their history already holds the lowest levels.
  if (options.badges) {
    LOYALTY_RETURN_IF_ERROR(DefineBenchBadges(
        *setup_admin, options.org_id, absl::StrCat("bench-badges-", options.org_id), SetupCalls()));
  }

  const int64_t members = options.keys.members;
  std::atomic<int64_t> next_member{0};
  std::atomic<int64_t> done{0};
  FirstError first_error;
  std::vector<std::thread> workers;
  for (int w = 0; w < options.prepare_concurrency; ++w) {
    workers.emplace_back([&, w] {
      const auto& channel = channels[static_cast<size_t>(w) % channels.size()];
      auto admin = v1::AdminService::NewStub(channel);
      auto commands = v1::CommandService::NewStub(channel);
      for (int64_t member = next_member++; member < members; member = next_member++) {
        absl::Status status = PrepareMember(*admin, *commands, options, member);
        if (!status.ok()) {
          first_error.Record(std::move(status));
          next_member = members;  // stop handing out work
          return;
        }
        const int64_t finished = ++done;
        if (finished % std::max<int64_t>(1, members / 10) == 0) {
          std::fprintf(stderr, "prepare: %ld of %ld members\n", static_cast<long>(finished),
                       static_cast<long>(members));
        }
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  return first_error.Get();
}

absl::Status SendOnce(const Options& options, const std::shared_ptr<grpc::Channel>& channel) {
  auto commands = v1::CommandService::NewStub(channel);
  const std::string& org = options.org_id;
  const int64_t member = options.member_index;
  int64_t position = 0;
  absl::Status status;
  switch (options.once_operation) {
    case Operation::kAccrue: {
      v1::AccrueRequest request;
      v1::AccrueResponse response;
      BuildAccrue(org, member, options.key, &request);
      status = Call("Accrue", [&](auto* c) { return commands->Accrue(c, request, &response); });
      position = response.ledger_position();
      break;
    }
    case Operation::kRedeem: {
      v1::RedeemRequest request;
      v1::RedeemResponse response;
      BuildRedeem(org, member, options.key, &request);
      status = Call("Redeem", [&](auto* c) { return commands->Redeem(c, request, &response); });
      position = response.ledger_position();
      break;
    }
    case Operation::kGroupRedeem: {
      v1::GroupRedeemRequest request;
      v1::RedeemResponse response;
      BuildGroupRedeem(org, member, options.key, &request);
      status = Call("GroupRedeem",
                    [&](auto* c) { return commands->GroupRedeem(c, request, &response); });
      position = response.ledger_position();
      break;
    }
    case Operation::kTransfer: {
      v1::TransferRequest request;
      v1::TransferResponse response;
      BuildTransfer(org, member, (member + 1) % options.keys.members, options.key, &request);
      status = Call("Transfer", [&](auto* c) { return commands->Transfer(c, request, &response); });
      position = response.ledger_position();
      break;
    }
    case Operation::kGetBalances: {
      auto queries = v1::QueryService::NewStub(channel);
      v1::GetBalancesRequest request;
      v1::GetBalancesResponse response;
      BuildGetBalances(org, member, &request);
      status = Call("GetBalances",
                    [&](auto* c) { return queries->GetBalances(c, request, &response); });
      position = response.ledger_position();
      break;
    }
    default:
      return absl::InvalidArgumentError("once sends commands and get_balances only");
  }
  if (status.ok()) std::printf("ledger_position %ld\n", static_cast<long>(position));
  return status;
}

}  // namespace loyalty::bench
