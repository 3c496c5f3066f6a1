#include "services/command/transfer.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/member.h"
#include "libs/ledger/program.h"
#include "libs/store/idempotency.h"
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

struct Decided {
  ledger::BurnScope scope;
  ledger::MemberState giver;
  ledger::MemberState receiver;
  ledger::BurnPlan
      plan;  // the receiving program is scope.pricing: the named or the default program
};

absl::StatusOr<Decided> Decide(pg::Transaction& tx, const TransferSpec& spec, absl::Time* now,
                               bool lock, store::ConfigCache* cache) {
  Decided decided;
  LOYALTY_ASSIGN_OR_RETURN(decided.scope,
                   LoadBurnScope(tx, spec.org_id, spec.program_id, spec.group, cache));
  if (lock) {
    LOYALTY_RETURN_IF_ERROR(
        store::LockForCommand(tx, spec.org_id, {spec.from_member_id, spec.to_member_id}, now));
  }
  LOYALTY_ASSIGN_OR_RETURN(decided.giver, store::LoadMember(tx, spec.org_id, spec.from_member_id));
  LOYALTY_ASSIGN_OR_RETURN(decided.receiver, store::LoadMember(tx, spec.org_id, spec.to_member_id));
  LOYALTY_RETURN_IF_ERROR(ledger::RequireActiveMember(decided.giver));
  LOYALTY_RETURN_IF_ERROR(ledger::RequireActiveMember(decided.receiver));
  if (!spec.group) {
    LOYALTY_RETURN_IF_ERROR(
        ledger::RequireEnrolment(decided.giver, decided.scope.pricing.program_id).status());
  }
  LOYALTY_RETURN_IF_ERROR(
      ledger::RequireEnrolment(decided.receiver, decided.scope.pricing.program_id).status());
  LOYALTY_ASSIGN_OR_RETURN(
      decided.plan, ledger::PlanBurn(decided.scope, decided.giver, spec.points, *now,
                                     {.validate_redemption = false, .allow_overdraft = false}));
  return decided;
}

// The receiving program's point type for points of `source_type`: the same code when the
// receiving program has it as a redeemable type, else its default type (which must be redeemable).
absl::StatusOr<const ledger::PointTypeConfig*> ReceivingType(const ledger::ProgramConfig& receiving,
                                                             const std::string& source_type) {
  const ledger::PointTypeConfig* same = receiving.FindPointType(source_type);
  if (same != nullptr && same->redeemable) return same;
  const ledger::PointTypeConfig* fallback = receiving.FindPointType(receiving.default_point_type);
  if (fallback != nullptr && fallback->redeemable) return fallback;
  return Refused(ledger::kNotTransferable,
                 absl::StrCat("program '", receiving.program_id,
                              "' has no redeemable point type to receive points"));
}

absl::Status WriteTransfer(store::Operation& operation, const TransferSpec& spec,
                           const Decided& decided, v1::TransferResponse* response) {
  LOYALTY_RETURN_IF_ERROR(ApplyBurn(operation, decided.scope, spec.from_member_id, decided.plan,
                            ledger::EntryKind::kTransferOut, "",
                            absl::StrCat("to ", spec.to_member_id)));
  const ledger::ProgramConfig& receiving = decided.scope.pricing;
  std::map<std::string, ledger::Points> received_by_type;
  for (const ledger::LotTake& take : decided.plan.consumption.takes) {
    LOYALTY_ASSIGN_OR_RETURN(const ledger::PointTypeConfig* type,
                             ReceivingType(receiving, take.point_type));
    std::string subtype = receiving.default_subtype;
    for (const ledger::Lot& lot : decided.giver.lots) {
      if (lot.lot_id == take.lot_id && receiving.HasSubtype(lot.subtype)) subtype = lot.subtype;
    }
    LOYALTY_RETURN_IF_ERROR(operation
                        .Write(ledger::LotCreation{spec.to_member_id, receiving.program_id, type->code, subtype,
                                    /*redeemable=*/true, take.points, operation.now(),
                                    take.expires_at, "", take.lot_id}));
    received_by_type[type->code] += take.points;
  }
  for (const auto& [type, points] : received_by_type) {
    LOYALTY_RETURN_IF_ERROR(operation.Write(ledger::EntryChange{spec.to_member_id, receiving.program_id, type,
                                        ledger::EntryKind::kTransferIn, points, "",
                                        absl::StrCat("from ", spec.from_member_id), ""}));
  }
  LOYALTY_RETURN_IF_ERROR(
      operation.Write(
          ledger::EnrolmentChange{spec.to_member_id, receiving.program_id, 0, std::nullopt}));
  response->set_transfer_id(operation.id());
  response->set_points(spec.points);
  response->set_to_program_id(receiving.program_id);
  wire::ToLotConsumptions(decided.plan.consumption, response->mutable_lots());
  wire::ToProgramBreakups(decided.plan.breakup, response->mutable_breakup_by_program());
  return absl::OkStatus();
}

}  // namespace

absl::Status Transfer(const store::Context& context, const v1::TransferRequest& request,
                      v1::TransferResponse* response) {
  const TransferSpec spec{request.org_id(),     request.from_member_id(), request.to_member_id(),
                          request.program_id(), request.group(),          request.points()};
  LOYALTY_RETURN_IF_ERROR(CheckRequest(request));
  return store::RunCommand(
      context, "Transfer", request.org_id(), request.idempotency_key(), request, response,
      [&](pg::Transaction& tx) -> absl::Status {
        absl::Time now = context.clock->Now();
        LOYALTY_ASSIGN_OR_RETURN(Decided decided,
                                 Decide(tx, spec, &now, /*lock=*/true, context.config_cache));
        LOYALTY_ASSIGN_OR_RETURN(
            store::Operation operation,
            store::Operation::Begin(tx, spec.org_id, "Transfer", context.caller, now));
        operation.Track(decided.giver);
        operation.Track(decided.receiver);
        LOYALTY_RETURN_IF_ERROR(WriteTransfer(operation, spec, decided, response));
        LOYALTY_ASSIGN_OR_RETURN(int64_t position, operation.Commit());
        response->set_ledger_position(position);
        LOYALTY_RETURN_IF_ERROR(store::FillBalancesAfter(
            tx, spec.org_id, *operation.StateAfter(decided.giver.member_id), now,
            context.config_cache, response->mutable_from_balances()));
        return store::FillBalancesAfter(tx, spec.org_id,
                                        *operation.StateAfter(decided.receiver.member_id), now,
                                        context.config_cache, response->mutable_to_balances());
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
        absl::Time now = context.clock->Now();
        absl::StatusOr<Decided> decided =
            Decide(tx, spec, &now, /*lock=*/false, context.config_cache);
        if (!decided.ok()) {
          if (!IsRefusal(decided.status())) return decided.status();
          response->set_transferable(false);
          response->set_reason(*ReasonOf(decided.status()));
          response->set_message(std::string(decided.status().message()));
          return absl::OkStatus();
        }
        response->set_transferable(true);
        wire::ToProgramBreakups(decided->plan.breakup, response->mutable_breakup_by_program());
        return absl::OkStatus();
      },
      context.deadline);
}

}  // namespace loyalty::command
