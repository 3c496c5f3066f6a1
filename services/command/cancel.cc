#include "services/command/cancel.h"

#include <algorithm>
#include <optional>
#include <tuple>

#include "libs/base/status_macros.h"
#include "libs/ledger/cancellation.h"
#include "libs/ledger/member.h"
#include "libs/ledger/program.h"
#include "libs/store/catalog.h"
#include "libs/store/command_plan.h"
#include "libs/store/idempotency.h"
#include "libs/store/member_repository.h"
#include "libs/store/operation.h"
#include "libs/store/redemptions.h"
#include "services/command/lot_command.h"
#include "services/command/request_checks.h"

namespace loyalty::command {
namespace {

// The member with the lots the redemption emptied, which a member's state leaves out: so that
// the operation tracks them too, and the state after it (the reply's balances, the member cache)
// has the points given back to them.
ledger::MemberState WithEmptiedLots(ledger::MemberState member,
                                    const std::optional<store::StoredRedemption>& redemption) {
  if (!redemption.has_value()) return member;
  const auto by_id = [](const ledger::Lot& a, const ledger::Lot& b) { return a.lot_id < b.lot_id; };
  for (const ledger::Lot& lot : redemption->lots) {
    const bool tracked =
        std::any_of(member.lots.begin(), member.lots.end(),
                    [&](const ledger::Lot& own) { return own.lot_id == lot.lot_id; });
    if (lot.remaining == 0 && !tracked) {
      member.lots.insert(std::lower_bound(member.lots.begin(), member.lots.end(), lot, by_id), lot);
    }
  }
  return member;
}

// What a cancellation reads under the member's lock, in order; its program's configuration
// comes after, for the redemption's program.
auto CancelReads(const v1::CancelRedemptionRequest& request, const LotAttempt& attempt) {
  const std::string& org_id = request.org_id();
  const std::string& member_id = request.member_id();
  return std::tuple(store::MemberLock{org_id, {member_id}, attempt.now},
                    store::MemberLoad{org_id, member_id, *attempt.read},
                    store::RedemptionRead{org_id, member_id, request.redemption_id()});
}

absl::Status CancelInTransaction(const store::Context& context, pg::Transaction& tx,
                                 const v1::CancelRedemptionRequest& request,
                                 const LotAttempt& attempt,
                                 v1::CancelRedemptionResponse* response) {
  const std::string& org_id = request.org_id();
  LOYALTY_ASSIGN_OR_RETURN(auto reads, store::Load(tx, CancelReads(request, attempt)));
  auto& [now, loaded, redemption] = reads;
  std::optional<ledger::RedemptionRecord> record;
  ledger::ProgramConfig program;
  if (redemption.has_value()) {
    record = redemption->record;
    LOYALTY_ASSIGN_OR_RETURN(
        program, store::LoadProgram(tx, org_id, record->program_id, context.config_cache));
  }
  const ledger::MemberState member = WithEmptiedLots(std::move(loaded), redemption);
  LOYALTY_ASSIGN_OR_RETURN(
      const ledger::Cancellation cancellation,
      ledger::DecideCancel(request.redemption_id(), record, program, member, now));

  LOYALTY_ASSIGN_OR_RETURN(store::Operation operation,
                           store::Operation::Begin(tx, org_id, "CancelRedemption", context.caller,
                                                   context.trace_id, now));
  operation.Track(member);
  LOYALTY_RETURN_IF_ERROR(operation.Write(cancellation.changes).status());
  LOYALTY_ASSIGN_OR_RETURN(int64_t position, operation.Commit());
  attempt.cached->Leave(operation);
  response->set_ledger_position(position);
  response->set_points_restored(cancellation.points_restored);
  response->set_points_expired(cancellation.points_expired);
  return store::FillBalancesAfter(tx, org_id, *operation.StateAfter(member.member_id), now,
                                  context.config_cache, response->mutable_balances());
}

}  // namespace

absl::Status CancelRedemption(const store::Context& context,
                              const v1::CancelRedemptionRequest& request,
                              v1::CancelRedemptionResponse* response) {
  LOYALTY_RETURN_IF_ERROR(CheckRequest(request));
  return RunLotCommand(
      context, "CancelRedemption", request.org_id(), request.member_id(), request.idempotency_key(),
      request, response,
      [&](pg::Transaction& tx, const LotAttempt& attempt) {
        store::DeclareCommandThenConfig(context, tx, request.org_id(),
                                        CancelReads(request, attempt));
      },
      [&](pg::Transaction& tx, const LotAttempt& attempt) {
        return CancelInTransaction(context, tx, request, attempt, response);
      });
}

}  // namespace loyalty::command
