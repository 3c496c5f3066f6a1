#include "services/command/reverse.h"

#include <optional>
#include <vector>

#include "libs/base/status_macros.h"
#include "libs/ledger/member.h"
#include "libs/ledger/program.h"
#include "libs/ledger/reversal.h"
#include "libs/store/catalog.h"
#include "libs/store/idempotency.h"
#include "libs/store/member_repository.h"
#include "libs/store/operation.h"
#include "libs/wire/balances.h"
#include "services/command/household.h"
#include "services/command/lot_command.h"
#include "services/command/request_checks.h"

namespace loyalty::command {
namespace {

constexpr pg::Statement kSelectPurchase{
    "reverse_select_purchase",
    "SELECT point_type, amount_minor, currency, points, returned_minor, reversed_points"
    " FROM purchases WHERE org_id = $1 AND member_id = $2 AND program_id = $3 AND order_ref = $4"};

constexpr pg::Statement kSelectOrderLots{
    "reverse_select_order_lots",
    "SELECT lot_id, remaining - held FROM lots WHERE org_id = $1 AND member_id = $2"
    " AND program_id = $3 AND order_ref = $4 AND remaining - held > 0 ORDER BY lot_id"};

// The key of the member's order in the program, for kSelectPurchase and kSelectOrderLots.
pg::Params OrderParams(const v1::ReverseRequest& request, const std::string& program_id) {
  return pg::Params()
      .Add(request.org_id())
      .Add(request.member_id())
      .Add(program_id)
      .Add(request.order_ref());
}

// The member's order in the program (nullopt when it has none).
absl::StatusOr<std::optional<ledger::PurchaseRecord>> LoadPurchase(
    pg::Transaction& tx, const v1::ReverseRequest& request, const std::string& program_id) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row,
                           tx.Execute(kSelectPurchase, OrderParams(request, program_id)));
  if (row.Rows() == 0) return std::nullopt;
  return ledger::PurchaseRecord{std::string(row.Text(0, 0)),
                                row.Int64(0, 1),
                                std::string(row.Text(0, 2)),
                                row.Int64(0, 3),
                                row.Int64(0, 4),
                                row.Int64(0, 5)};
}

// The order's own lots with free points, by lot id.
absl::StatusOr<std::vector<ledger::OrderLot>> LoadOrderLots(pg::Transaction& tx,
                                                            const v1::ReverseRequest& request,
                                                            const std::string& program_id) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result rows,
                           tx.Execute(kSelectOrderLots, OrderParams(request, program_id)));
  std::vector<ledger::OrderLot> lots;
  for (int i = 0; i < rows.Rows(); ++i) lots.push_back({rows.Int64(i, 0), rows.Int64(i, 1)});
  return lots;
}

ledger::ReturnCommand ReturnCommandOf(const v1::ReverseRequest& request) {
  ledger::ReturnCommand command;
  command.order_ref = request.order_ref();
  if (request.has_returned_amount()) {
    command.returned_minor = request.returned_amount().minor_units();
    command.currency = request.returned_amount().currency();
  }
  return command;
}

// Declares what ReverseInTransaction reads, in its order, for the first round trip (for an order
// that rolled up to no household, the usual case).
void PrefetchReverse(const store::Context& context, pg::Transaction& tx,
                     const v1::ReverseRequest& request, absl::Time now,
                     const store::MemberRead& read) {
  const std::string& org_id = request.org_id();
  const std::optional<std::string> program_id =
      store::PrefetchConfig(tx, org_id, request.program_id(), context.config_cache);
  if (!program_id.has_value()) return;
  PrefetchLockMemberAndOrderHousehold(tx, org_id, request.member_id(), *program_id,
                                      request.order_ref(), now);
  store::PrefetchMember(tx, org_id, request.member_id(), read);
  tx.Prefetch(kSelectPurchase, OrderParams(request, *program_id));
  tx.Prefetch(kSelectOrderLots, OrderParams(request, *program_id));
  store::Operation::Prefetch(tx);
}

absl::Status ReverseInTransaction(const store::Context& context, pg::Transaction& tx,
                                  const v1::ReverseRequest& request, const LotAttempt& attempt,
                                  v1::ReverseResponse* response) {
  absl::Time now = attempt.now;
  const std::string& org_id = request.org_id();
  LOYALTY_ASSIGN_OR_RETURN(
      ledger::ProgramConfig program,
      store::LoadProgram(tx, org_id, request.program_id(), context.config_cache));
  LOYALTY_ASSIGN_OR_RETURN(
      std::optional<HouseholdRollup> household,
      LockMemberAndOrderHousehold(tx, org_id, request.member_id(), program.program_id,
                                  request.order_ref(), &now));
  LOYALTY_ASSIGN_OR_RETURN(ledger::MemberState member,
                           store::LoadMember(tx, org_id, request.member_id(), *attempt.read));
  LOYALTY_ASSIGN_OR_RETURN(const std::optional<ledger::PurchaseRecord> purchase,
                           LoadPurchase(tx, request, program.program_id));
  std::vector<ledger::OrderLot> order_lots;
  if (purchase.has_value()) {
    LOYALTY_ASSIGN_OR_RETURN(order_lots, LoadOrderLots(tx, request, program.program_id));
  }
  LOYALTY_ASSIGN_OR_RETURN(
      const ledger::Reversal reversal,
      ledger::DecideReversal(program, member, purchase, ReturnCommandOf(request), order_lots));

  LOYALTY_ASSIGN_OR_RETURN(store::Operation operation,
                           store::Operation::Begin(tx, org_id, "Reverse", context.caller, now));
  operation.Track(member);
  LOYALTY_RETURN_IF_ERROR(operation.Write(reversal.changes).status());
  if (household.has_value() && reversal.points > 0) {
    LOYALTY_RETURN_IF_ERROR(RollUpQualifying(tx, operation, program, *household,
                                             purchase->point_type, reversal.qualifying));
  }

  LOYALTY_ASSIGN_OR_RETURN(int64_t position, operation.Commit());
  attempt.cached->Leave(operation);
  response->set_ledger_position(position);
  response->set_points_reversed(reversal.points);
  response->set_debt_created(reversal.debt);
  response->mutable_cumulative_returned()->set_minor_units(reversal.cumulative_returned_minor);
  response->mutable_cumulative_returned()->set_currency(purchase->currency);
  LOYALTY_RETURN_IF_ERROR(
      store::FillBalancesAfter(tx, org_id, *operation.StateAfter(member.member_id), operation.now(),
                               context.config_cache, response->mutable_balances()));
  response->set_tier(wire::TierIn(response->balances(), program.program_id));
  return absl::OkStatus();
}

}  // namespace

absl::Status Reverse(const store::Context& context, const v1::ReverseRequest& request,
                     v1::ReverseResponse* response) {
  LOYALTY_RETURN_IF_ERROR(CheckRequest(request));
  return RunLotCommand(
      context, "Reverse", request.org_id(), request.member_id(), request.idempotency_key(), request,
      response,
      [&](pg::Transaction& tx, const LotAttempt& attempt) {
        PrefetchReverse(context, tx, request, attempt.now, *attempt.read);
      },
      [&](pg::Transaction& tx, const LotAttempt& attempt) {
        return ReverseInTransaction(context, tx, request, attempt, response);
      });
}

}  // namespace loyalty::command
