#include "services/command/transfer.h"

#include <tuple>
#include <vector>

#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/member.h"
#include "libs/ledger/program.h"
#include "libs/ledger/transfer.h"
#include "libs/store/catalog.h"
#include "libs/store/command_plan.h"
#include "libs/store/idempotency.h"
#include "libs/store/member_repository.h"
#include "libs/store/operation.h"
#include "libs/wire/burn.h"
#include "services/command/burn.h"
#include "services/command/request_checks.h"

namespace loyalty::command {
namespace {

struct TransferSpec {
  const std::string& org_id;
  const std::string& from_member_id;
  const std::string& to_member_id;
  const std::string& program_id;
  bool group;
  ledger::Points points;
};

// What a transfer reads: the sending scope (whose pricing program, the named or the default one,
// receives) and both members.
struct Loaded {
  ledger::BurnScope scope;
  ledger::MemberState from;
  ledger::MemberState to;
};

// What a transfer reads after its scope, in order: both locks (none for the dry run), both
// members.
auto TransferReads(const TransferSpec& spec, absl::Time now, bool lock) {
  std::vector<std::string> locked;
  if (lock) locked = {spec.from_member_id, spec.to_member_id};
  return std::tuple(store::MemberLock{spec.org_id, std::move(locked), now},
                    store::MemberLoad{spec.org_id, spec.from_member_id, {}},
                    store::MemberLoad{spec.org_id, spec.to_member_id, {}});
}

absl::StatusOr<Loaded> Load(pg::Transaction& tx, const TransferSpec& spec, absl::Time* now,
                            bool lock, store::ConfigCache* cache) {
  Loaded loaded;
  LOYALTY_ASSIGN_OR_RETURN(loaded.scope,
                           LoadBurnScope(tx, spec.org_id, spec.program_id, spec.group, cache));
  LOYALTY_ASSIGN_OR_RETURN(auto reads, store::Load(tx, TransferReads(spec, *now, lock)));
  std::tie(*now, loaded.from, loaded.to) = std::move(reads);
  return loaded;
}

// The dry run: what a transfer reads (unlocked) and checks.
absl::StatusOr<ledger::BurnPlan> PlanUnlocked(pg::Transaction& tx, const TransferSpec& spec,
                                              absl::Time now, store::ConfigCache* cache) {
  LOYALTY_ASSIGN_OR_RETURN(const Loaded loaded, Load(tx, spec, &now, /*lock=*/false, cache));
  LOYALTY_ASSIGN_OR_RETURN(const ledger::Transfer transfer,
                           ledger::DecideTransfer(loaded.scope, loaded.scope.pricing, loaded.from,
                                                  loaded.to, {spec.points}, now));
  return transfer.plan;
}

}  // namespace

absl::Status Transfer(const store::Context& context, const v1::TransferRequest& request,
                      v1::TransferResponse* response) {
  const TransferSpec spec{request.org_id(),     request.from_member_id(), request.to_member_id(),
                          request.program_id(), request.group(),          request.points()};
  LOYALTY_RETURN_IF_ERROR(CheckRequest(request));
  absl::Time attempt_now;  // one per attempt, for the prefetched statements and the body alike
  return store::RunCommand(
      context, "Transfer", request.org_id(), request.idempotency_key(), request, response,
      [&](pg::Transaction& tx) {
        attempt_now = context.clock->Now();
        store::DeclareCommand(context, tx, spec.org_id, spec.program_id, [&](const std::string&) {
          return TransferReads(spec, attempt_now, /*lock=*/true);
        });
      },
      [&](pg::Transaction& tx) -> absl::Status {
        absl::Time now = attempt_now;
        LOYALTY_ASSIGN_OR_RETURN(const Loaded loaded,
                                 Load(tx, spec, &now, /*lock=*/true, context.config_cache));
        const ledger::ProgramConfig& receiving = loaded.scope.pricing;
        LOYALTY_ASSIGN_OR_RETURN(const ledger::Transfer transfer,
                                 ledger::DecideTransfer(loaded.scope, receiving, loaded.from,
                                                        loaded.to, {spec.points}, now));
        LOYALTY_ASSIGN_OR_RETURN(store::Operation operation,
                                 store::Operation::Begin(tx, spec.org_id, "Transfer",
                                                         context.caller, context.trace_id, now));
        operation.Track(loaded.from);
        operation.Track(loaded.to);
        LOYALTY_RETURN_IF_ERROR(operation.Write(transfer.changes).status());
        LOYALTY_ASSIGN_OR_RETURN(int64_t position, operation.Commit());
        response->set_transfer_id(operation.id());
        response->set_points(spec.points);
        response->set_to_program_id(receiving.program_id);
        wire::ToLotConsumptions(transfer.plan.consumption, response->mutable_lots());
        wire::ToProgramBreakups(transfer.plan.breakup, response->mutable_breakup_by_program());
        response->set_ledger_position(position);
        LOYALTY_RETURN_IF_ERROR(
            store::FillBalancesAfter(tx, spec.org_id, *operation.StateAfter(loaded.from.member_id),
                                     now, context.config_cache, response->mutable_from_balances()));
        return store::FillBalancesAfter(tx, spec.org_id, *operation.StateAfter(loaded.to.member_id),
                                        now, context.config_cache, response->mutable_to_balances());
      });
}

absl::Status IsTransferable(const store::Context& context, const v1::IsTransferableRequest& request,
                            v1::IsTransferableResponse* response) {
  const TransferSpec spec{request.org_id(),     request.from_member_id(), request.to_member_id(),
                          request.program_id(), request.group(),          request.points()};
  LOYALTY_RETURN_IF_ERROR(CheckRequest(request));
  return pg::RunInTransaction(
      *context.pool, pg::Isolation::kRepeatableRead, context.retry,
      [&](pg::Transaction& tx) -> absl::Status {
        response->Clear();
        const absl::StatusOr<ledger::BurnPlan> plan =
            PlanUnlocked(tx, spec, context.clock->Now(), context.config_cache);
        if (!plan.ok()) {
          if (!IsRefusal(plan.status())) return plan.status();
          response->set_transferable(false);
          response->set_reason(*ReasonOf(plan.status()));
          response->set_message(std::string(plan.status().message()));
          return absl::OkStatus();
        }
        response->set_transferable(true);
        wire::ToProgramBreakups(plan->breakup, response->mutable_breakup_by_program());
        return absl::OkStatus();
      },
      context.deadline);
}

}  // namespace loyalty::command
