#include "tools/bench/prepare.h"

#include <atomic>
#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"
#include "loyalty/v1/admin.grpc.pb.h"
#include "loyalty/v1/command.grpc.pb.h"
#include "loyalty/v1/query.grpc.pb.h"
#include "tools/bench/requests.h"

namespace loyalty::bench {
namespace {

constexpr int kSetupTimeoutMs = 10'000;

// Runs one call; a replay (OK) or ALREADY_EXISTS from an earlier prepare counts as done.
absl::Status Call(absl::string_view what,
                  const std::function<grpc::Status(grpc::ClientContext*)>& call) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(kSetupTimeoutMs));
  const grpc::Status status = call(&context);
  if (status.ok() || status.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
    return absl::OkStatus();
  }
  return absl::InternalError(absl::StrCat(what, ": ", status.error_message(), " (code ",
                                          static_cast<int>(status.error_code()), ")"));
}

class Setup final {
 public:
  Setup(v1::AdminService::Stub& admin, std::string org_id)
      : admin_(admin), org_id_(std::move(org_id)) {}

  absl::Status CreateOrg() {
    v1::CreateOrganisationRequest request;
    request.set_idempotency_key(NextKey());
    request.set_org_id(org_id_);
    request.set_name("loyalty-bench data set");
    v1::Organisation response;
    return Call("CreateOrganisation", [&](grpc::ClientContext* context) {
      return admin_.CreateOrganisation(context, request, &response);
    });
  }

  absl::Status CreateProgram(const std::string& program, int64_t earn_points,
                             int64_t ratio_points, int64_t minimum, int64_t multiple_of,
                             bool overdraft) {
    v1::CreateProgramRequest request;
    request.set_idempotency_key(NextKey());
    request.set_org_id(org_id_);
    request.set_program_id(program);
    request.set_name(absl::StrCat(program, " rewards"));
    request.set_currency("USD");
    v1::ProgramRules* rules = request.mutable_rules();
    rules->mutable_earn_rate()->set_points(earn_points);
    rules->mutable_earn_rate()->set_per_amount_minor(100);
    rules->mutable_redemption_ratio()->set_points(ratio_points);
    rules->mutable_redemption_ratio()->set_value_minor(1);
    rules->mutable_redemption()->set_minimum(minimum);
    rules->mutable_redemption()->set_multiple_of(multiple_of);
    rules->mutable_overdraft()->set_allowed(overdraft);
    rules->mutable_overdraft()->set_limit(overdraft ? 500 : 0);
    rules->mutable_qualification_period()->set_kind(v1::QUALIFICATION_PERIOD_KIND_CALENDAR_YEAR);
    return ProgramCall("CreateProgram", request, &v1::AdminService::Stub::CreateProgram);
  }

  absl::Status AddType(const std::string& program, const std::string& code, bool redeemable,
                       bool counts, v1::ExpiryKind expiry, int days) {
    v1::AddPointTypeRequest request;
    Fill(program, &request);
    request.mutable_point_type()->set_code(code);
    request.mutable_point_type()->set_redeemable(redeemable);
    request.mutable_point_type()->set_counts_toward_tier(counts);
    request.mutable_point_type()->set_expiry(expiry);
    request.mutable_point_type()->set_expiry_days(days);
    return ProgramCall("AddPointType", request, &v1::AdminService::Stub::AddPointType);
  }

  absl::Status AddSubtype(const std::string& program, const std::string& code) {
    v1::AddSubtypeRequest request;
    Fill(program, &request);
    request.set_subtype(code);
    return ProgramCall("AddSubtype", request, &v1::AdminService::Stub::AddSubtype);
  }

  absl::Status AddTier(const std::string& program, const std::string& code, int64_t threshold,
                       int32_t multiplier_permille, bool overdraft) {
    v1::AddTierRequest request;
    Fill(program, &request);
    request.mutable_tier()->set_code(code);
    request.mutable_tier()->set_threshold(threshold);
    request.mutable_tier()->set_multiplier_permille(multiplier_permille);
    request.mutable_tier()->set_overdraft_allowed(overdraft);
    return ProgramCall("AddTier", request, &v1::AdminService::Stub::AddTier);
  }

  absl::Status AddAction(const std::string& program, const std::string& code, int64_t points) {
    v1::AddActionRequest request;
    Fill(program, &request);
    request.mutable_action()->set_code(code);
    request.mutable_action()->set_points(points);
    request.mutable_action()->set_per_member_limit(1);
    return ProgramCall("AddAction", request, &v1::AdminService::Stub::AddAction);
  }

  absl::Status Activate(const std::string& program) {
    v1::ProgramLifecycleRequest request;
    Fill(program, &request);
    return ProgramCall("ActivateProgram", request, &v1::AdminService::Stub::ActivateProgram);
  }

 private:
  // Setup keys are fixed by their order, so a second prepare replays every call.
  std::string NextKey() { return absl::StrCat("bench-setup-", org_id_, "-", step_++); }

  template <typename Request>
  void Fill(const std::string& program, Request* request) {
    request->set_idempotency_key(NextKey());
    request->set_org_id(org_id_);
    request->set_program_id(program);
  }

  template <typename Request>
  absl::Status ProgramCall(
      absl::string_view what, const Request& request,
      grpc::Status (v1::AdminService::Stub::*method)(grpc::ClientContext*, const Request&,
                                                     v1::Program*)) {
    v1::Program response;
    return Call(what, [&](grpc::ClientContext* context) {
      return (admin_.*method)(context, request, &response);
    });
  }

  v1::AdminService::Stub& admin_;
  const std::string org_id_;
  int step_ = 0;
};

#define BENCH_RETURN_IF_ERROR(expression)  \
  do {                                     \
    absl::Status status_ = (expression);   \
    if (!status_.ok()) return status_;     \
  } while (false)

// The demo org's two programs (tests/support/demo_org.h).
absl::Status CreatePrograms(v1::AdminService::Stub& admin, const std::string& org_id) {
  Setup setup(admin, org_id);
  BENCH_RETURN_IF_ERROR(setup.CreateOrg());
  BENCH_RETURN_IF_ERROR(setup.CreateProgram(kShopProgram, 1, 1, 0, 0, true));
  BENCH_RETURN_IF_ERROR(setup.AddType(kShopProgram, "base", true, true, v1::EXPIRY_KIND_NEVER, 0));
  BENCH_RETURN_IF_ERROR(
      setup.AddType(kShopProgram, "status", false, true, v1::EXPIRY_KIND_NEVER, 0));
  BENCH_RETURN_IF_ERROR(
      setup.AddType(kShopProgram, "bonus", true, false, v1::EXPIRY_KIND_FIXED_DAYS, 30));
  BENCH_RETURN_IF_ERROR(setup.AddSubtype(kShopProgram, "purchase"));
  BENCH_RETURN_IF_ERROR(setup.AddSubtype(kShopProgram, "campaign"));
  BENCH_RETURN_IF_ERROR(setup.AddTier(kShopProgram, "silver", 0, 1000, false));
  BENCH_RETURN_IF_ERROR(setup.AddTier(kShopProgram, "gold", 1000, 1500, true));
  BENCH_RETURN_IF_ERROR(setup.AddAction(kShopProgram, "register", 50));
  BENCH_RETURN_IF_ERROR(setup.Activate(kShopProgram));
  BENCH_RETURN_IF_ERROR(setup.CreateProgram(kTravelProgram, 2, 2, 10, 5, false));
  BENCH_RETURN_IF_ERROR(
      setup.AddType(kTravelProgram, "miles", true, false, v1::EXPIRY_KIND_FIXED_DAYS, 365));
  BENCH_RETURN_IF_ERROR(setup.AddSubtype(kTravelProgram, "flight"));
  return setup.Activate(kTravelProgram);
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
  v1::CreateMemberRequest request;
  request.set_idempotency_key(absl::StrCat("bench-member-", member));
  request.set_org_id(org);
  request.set_member_id(MemberId(member));
  request.add_program_ids(kShopProgram);
  request.add_program_ids(kTravelProgram);
  v1::Member response;
  BENCH_RETURN_IF_ERROR(Call("CreateMember", [&](grpc::ClientContext* context) {
    return admin.CreateMember(context, request, &response);
  }));
  for (int i = 0; i < options.history; ++i) {
    BENCH_RETURN_IF_ERROR(Purchase(commands, org, member, kShopProgram, 100'000,
                                   absl::StrCat("bench-history-", member, "-", i)));
  }
  return Purchase(commands, org, member, kTravelProgram, 50'000,
                  absl::StrCat("bench-travel-", member));
}

}  // namespace

absl::Status Prepare(const Options& options,
                     const std::vector<std::shared_ptr<grpc::Channel>>& channels) {
  auto setup_admin = v1::AdminService::NewStub(channels.front());
  BENCH_RETURN_IF_ERROR(CreatePrograms(*setup_admin, options.org_id));

  const int64_t members = options.keys.members;
  std::atomic<int64_t> next_member{0};
  std::atomic<int64_t> done{0};
  std::mutex error_mutex;
  absl::Status first_error;
  std::vector<std::thread> workers;
  for (int w = 0; w < options.prepare_concurrency; ++w) {
    workers.emplace_back([&, w] {
      const auto& channel = channels[static_cast<size_t>(w) % channels.size()];
      auto admin = v1::AdminService::NewStub(channel);
      auto commands = v1::CommandService::NewStub(channel);
      for (int64_t member = next_member++; member < members; member = next_member++) {
        absl::Status status = PrepareMember(*admin, *commands, options, member);
        if (!status.ok()) {
          std::lock_guard<std::mutex> lock(error_mutex);
          if (first_error.ok()) first_error = status;
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
  return first_error;
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
