#include "services/command/reverse.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/consumption.h"
#include "libs/ledger/limits.h"
#include "libs/ledger/member.h"
#include "libs/ledger/program.h"
#include "libs/ledger/reversal.h"
#include "libs/store/catalog.h"
#include "libs/store/idempotency.h"
#include "libs/store/member_repository.h"
#include "libs/store/operation.h"
#include "libs/wire/balances.h"
#include "services/command/household.h"
#include "services/command/request_checks.h"

namespace loyalty::command {
namespace {

constexpr pg::Statement kSelectPurchase{
    "reverse_select_purchase",
    "SELECT point_type, amount_minor, currency, points, returned_minor, reversed_points"
    " FROM purchases WHERE org_id = $1 AND member_id = $2 AND program_id = $3 AND order_ref = $4"};

constexpr pg::Statement kUpdatePurchase{
    "reverse_update_purchase",
    "UPDATE purchases SET returned_minor = $5, reversed_points = $6"
    " WHERE org_id = $1 AND member_id = $2 AND program_id = $3 AND order_ref = $4"};

constexpr pg::Statement kSelectOrderLots{
    "reverse_select_order_lots",
    "SELECT lot_id, remaining - held FROM lots WHERE org_id = $1 AND member_id = $2"
    " AND program_id = $3 AND order_ref = $4 AND remaining - held > 0 ORDER BY lot_id"};

struct Purchase {
  std::string point_type;
  int64_t amount_minor = 0;
  std::string currency;
  ledger::Points points = 0;
  int64_t returned_minor = 0;
  ledger::Points reversed_points = 0;
};

absl::StatusOr<Purchase> LoadPurchase(pg::Transaction& tx, const v1::ReverseRequest& request,
                                      const std::string& program_id) {
  pg::Params params;
  params.Add(request.org_id()).Add(request.member_id()).Add(program_id).Add(request.order_ref());
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx.Execute(kSelectPurchase, params));
  if (row.Rows() == 0) return NotFound("order", request.order_ref());
  return Purchase{std::string(row.Text(0, 0)), row.Int64(0, 1), std::string(row.Text(0, 2)),
                  row.Int64(0, 3), row.Int64(0, 4), row.Int64(0, 5)};
}

// Takes `points` from the order's own lots (free points only); returns what they could give.
absl::StatusOr<ledger::Points> TakeFromOrderLots(pg::Transaction& tx, store::Operation& operation,
                                                 const v1::ReverseRequest& request,
                                                 const std::string& program_id,
                                                 ledger::Points points) {
  pg::Params params;
  params.Add(request.org_id()).Add(request.member_id()).Add(program_id).Add(request.order_ref());
  LOYALTY_ASSIGN_OR_RETURN(pg::Result lots, tx.Execute(kSelectOrderLots, params));
  ledger::Points taken = 0;
  for (int i = 0; i < lots.Rows() && taken < points; ++i) {
    const ledger::Points take = std::min(points - taken, lots.Int64(i, 1));
    LOYALTY_RETURN_IF_ERROR(operation.ConsumeLot(request.member_id(), lots.Int64(i, 0), take));
    taken += take;
  }
  return taken;
}

absl::Status ReverseInTransaction(const store::Context& context, pg::Transaction& tx,
                                  const v1::ReverseRequest& request,
                                  v1::ReverseResponse* response) {
  const std::string& org_id = request.org_id();
  LOYALTY_ASSIGN_OR_RETURN(
      ledger::ProgramConfig program,
      store::LoadProgram(tx, org_id, request.program_id(), context.config_cache));
  absl::Time now = context.clock->Now();
  LOYALTY_ASSIGN_OR_RETURN(std::optional<HouseholdRollup> household,
                   LockMemberAndOrderHousehold(tx, org_id, request.member_id(),
                                               program.program_id, request.order_ref(), &now));
  LOYALTY_ASSIGN_OR_RETURN(ledger::MemberState member,
                           store::LoadMember(tx, org_id, request.member_id()));
  LOYALTY_ASSIGN_OR_RETURN(const ledger::Enrolment* enrolment,
                           ledger::RequireEnrolment(member, program.program_id));
  LOYALTY_ASSIGN_OR_RETURN(Purchase purchase, LoadPurchase(tx, request, program.program_id));

  int64_t cumulative = purchase.amount_minor;
  if (request.has_returned_amount()) {
    if (request.returned_amount().currency() != purchase.currency) {
      return InvalidField("returned_amount.currency",
                          absl::StrCat("is ", request.returned_amount().currency(),
                                       " but the order was paid in ", purchase.currency));
    }
    cumulative = std::min(purchase.amount_minor,
                          ledger::SaturatingAdd(purchase.returned_minor,
                                                request.returned_amount().minor_units()));
  }
  const ledger::Points target =
      purchase.amount_minor == 0
          ? 0
          : ledger::CumulativeClawback(purchase.points, purchase.amount_minor, cumulative);
  const ledger::Points points = std::max<ledger::Points>(0, target - purchase.reversed_points);

  LOYALTY_ASSIGN_OR_RETURN(store::Operation operation,
                           store::Operation::Begin(tx, org_id, "Reverse", context.caller, now));
  operation.Track(member);
  LOYALTY_ASSIGN_OR_RETURN(ledger::Points taken,
                   TakeFromOrderLots(tx, operation, request, program.program_id, points));
  const ledger::PointTypeConfig* type = program.FindPointType(purchase.point_type);
  const bool redeemable = type == nullptr || type->redeemable;
  // What the lots no longer hold was spent: it becomes debt (qualifying-only points are never
  // spent, so nothing is owed for them).
  const ledger::Points debt = redeemable ? points - taken : 0;
  std::optional<std::string> tier;
  if (points > 0) {
    LOYALTY_RETURN_IF_ERROR(operation.AddEntry(
        {member.member_id, program.program_id, purchase.point_type, v1::LEDGER_ENTRY_KIND_REVERSAL,
         -(taken + debt), request.order_ref(), "return", ""}));
    const ledger::Points qualifying =
        type != nullptr && type->counts_toward_tier ? -points : 0;
    LOYALTY_RETURN_IF_ERROR(operation.AddTotals(member.member_id, program.program_id,
                                        purchase.point_type, -points, qualifying));
    if (qualifying != 0) tier = ledger::TierMove(program, member, *enrolment, qualifying);
    if (household.has_value()) {
      LOYALTY_RETURN_IF_ERROR(
          RollUpQualifying(tx, operation, program, *household, purchase.point_type, qualifying));
    }
  }
  LOYALTY_RETURN_IF_ERROR(
      operation.ChangeEnrolment(member.member_id, program.program_id, debt, tier));
  pg::Params update;
  update.Add(org_id).Add(member.member_id).Add(program.program_id).Add(request.order_ref())
      .Add(cumulative).Add(purchase.reversed_points + points);
  tx.Defer(kUpdatePurchase, std::move(update));

  LOYALTY_ASSIGN_OR_RETURN(int64_t position, operation.Commit());
  response->set_ledger_position(position);
  response->set_points_reversed(points);
  response->set_debt_created(debt);
  response->mutable_cumulative_returned()->set_minor_units(cumulative);
  response->mutable_cumulative_returned()->set_currency(purchase.currency);
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
  return store::RunCommand(
      context, "Reverse", request.org_id(), request.idempotency_key(), request, response,
      [&](pg::Transaction& tx) { return ReverseInTransaction(context, tx, request, response); });
}

}  // namespace loyalty::command
