#include "services/command/cancel.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "libs/base/status_macros.h"
#include "libs/ledger/cancellation.h"
#include "libs/ledger/member.h"
#include "libs/ledger/program.h"
#include "libs/store/catalog.h"
#include "libs/store/idempotency.h"
#include "libs/store/member_repository.h"
#include "libs/store/operation.h"
#include "services/command/burn.h"
#include "services/command/lot_command.h"
#include "services/command/request_checks.h"

namespace loyalty::command {
namespace {

constexpr pg::Statement kSelectRedemption{
    "cancel_select_redemption",
    "SELECT program_id, points, overdraft_points, cancelled_at IS NOT NULL FROM redemptions"
    " WHERE org_id = $1 AND member_id = $2 AND redemption_id = $3"};

// What the redemption took from each lot, with the lot as it is now (store::LotFromRow's columns
// first).
constexpr pg::Statement kSelectRedemptionLots{
    "cancel_select_redemption_lots",
    "SELECT l.lot_id, l.program_id, l.point_type, l.subtype, l.amount, l.remaining, l.held,"
    " l.redeemable, l.awarded_at, l.available_at, l.expires_at, r.program_id, r.point_type,"
    " r.points"
    " FROM redemption_lots r JOIN lots l ON l.org_id = r.org_id AND l.member_id = r.member_id"
    " AND l.lot_id = r.lot_id"
    " WHERE r.org_id = $1 AND r.member_id = $2 AND r.redemption_id = $3 ORDER BY r.lot_id"};

// A redemption, and the lots it took from as they are now.
struct LoadedRedemption {
  ledger::RedemptionRecord record;
  std::vector<ledger::Lot> lots;
};

// The key of the member's redemption, for kSelectRedemption and kSelectRedemptionLots.
pg::Params RedemptionKey(const v1::CancelRedemptionRequest& request) {
  return pg::Params().Add(request.org_id()).Add(request.member_id()).Add(request.redemption_id());
}

// The member's redemption with the lots it took (nullopt when it has none).
absl::StatusOr<std::optional<LoadedRedemption>> LoadRedemption(
    pg::Transaction& tx, const v1::CancelRedemptionRequest& request) {
  const pg::Params key = RedemptionKey(request);
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx.Execute(kSelectRedemption, key));
  if (row.Rows() == 0) return std::nullopt;
  LoadedRedemption redemption{
      {std::string(row.Text(0, 0)), row.Int64(0, 1), row.Int64(0, 2), row.Bool(0, 3), {}}, {}};
  LOYALTY_ASSIGN_OR_RETURN(pg::Result lots, tx.Execute(kSelectRedemptionLots, key));
  for (int i = 0; i < lots.Rows(); ++i) {
    redemption.lots.push_back(store::LotFromRow(lots, i));
    redemption.record.lots.push_back({lots.Int64(i, 0), std::string(lots.Text(i, 11)),
                                      std::string(lots.Text(i, 12)), lots.Int64(i, 13),
                                      lots.OptionalTime(i, 10)});
  }
  return redemption;
}

// The member with the lots the redemption emptied, which a member's state leaves out: so that
// the operation tracks them too, and the state after it (the reply's balances, the member cache)
// has the points given back to them.
ledger::MemberState WithEmptiedLots(ledger::MemberState member,
                                    const std::optional<LoadedRedemption>& redemption) {
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

// Declares what CancelInTransaction reads, in its order, for the first round trip. The
// configuration version (read for the redemption's program, whichever it is) comes after the
// redemption.
void PrefetchCancel(const store::Context& context, pg::Transaction& tx,
                    const v1::CancelRedemptionRequest& request, const LotAttempt& attempt) {
  const std::string& org_id = request.org_id();
  store::PrefetchLockForCommand(tx, org_id, request.member_id(), attempt.now);
  store::PrefetchMember(tx, org_id, request.member_id(), *attempt.read);
  tx.Prefetch(kSelectRedemption, RedemptionKey(request));
  tx.Prefetch(kSelectRedemptionLots, RedemptionKey(request));
  if (!store::PrefetchConfig(tx, org_id, "", context.config_cache).has_value()) return;
  store::Operation::Prefetch(tx);
}

absl::Status CancelInTransaction(const store::Context& context, pg::Transaction& tx,
                                 const v1::CancelRedemptionRequest& request,
                                 const LotAttempt& attempt,
                                 v1::CancelRedemptionResponse* response) {
  const std::string& org_id = request.org_id();
  absl::Time now = attempt.now;
  LOYALTY_RETURN_IF_ERROR(store::LockForCommand(tx, org_id, {request.member_id()}, &now));
  LOYALTY_ASSIGN_OR_RETURN(ledger::MemberState loaded,
                           store::LoadMember(tx, org_id, request.member_id(), *attempt.read));
  LOYALTY_ASSIGN_OR_RETURN(const std::optional<LoadedRedemption> redemption,
                           LoadRedemption(tx, request));
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

  LOYALTY_ASSIGN_OR_RETURN(
      store::Operation operation,
      store::Operation::Begin(tx, org_id, "CancelRedemption", context.caller, now));
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
        PrefetchCancel(context, tx, request, attempt);
      },
      [&](pg::Transaction& tx, const LotAttempt& attempt) {
        return CancelInTransaction(context, tx, request, attempt, response);
      });
}

}  // namespace loyalty::command
