#include "services/command/cancel.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/member.h"
#include "libs/ledger/program.h"
#include "libs/store/catalog.h"
#include "libs/store/idempotency.h"
#include "libs/store/member_repository.h"
#include "libs/store/operation.h"
#include "services/command/request_checks.h"

namespace loyalty::command {
namespace {

constexpr char kAlreadyCancelled[] = "ALREADY_CANCELLED";

constexpr pg::Statement kSelectRedemption{
    "cancel_select_redemption",
    "SELECT program_id, points, overdraft_points, cancelled_at IS NOT NULL FROM redemptions"
    " WHERE org_id = $1 AND member_id = $2 AND redemption_id = $3"};

constexpr pg::Statement kSelectRedemptionLots{
    "cancel_select_redemption_lots",
    "SELECT r.lot_id, r.program_id, r.point_type, r.points, l.expires_at"
    " FROM redemption_lots r JOIN lots l ON l.org_id = r.org_id AND l.member_id = r.member_id"
    " AND l.lot_id = r.lot_id"
    " WHERE r.org_id = $1 AND r.member_id = $2 AND r.redemption_id = $3 ORDER BY r.lot_id"};

constexpr pg::Statement kMarkCancelled{
    "cancel_mark_cancelled",
    "UPDATE redemptions SET cancelled_at = $4"
    " WHERE org_id = $1 AND member_id = $2 AND redemption_id = $3"};

using TypeKey = std::pair<std::string, std::string>;  // program, point type

// The redemption's overdraft part: repays what is still owed, credits the rest as a new lot.
absl::Status GiveBackOverdraft(store::Operation& operation, const ledger::ProgramConfig& program,
                               const ledger::MemberState& member, ledger::Points overdraft) {
  const ledger::Enrolment* enrolment = member.FindEnrolment(program.program_id);
  const ledger::Points owed = enrolment != nullptr ? std::min(enrolment->debt, overdraft) : 0;
  if (overdraft > owed) {
    LOYALTY_RETURN_IF_ERROR(operation
                        .Write(ledger::LotCreation{member.member_id, program.program_id,
                                    program.default_point_type, program.default_subtype,
                                    /*redeemable=*/true, overdraft - owed, operation.now(),
                                    std::nullopt, "", std::nullopt}));
  }
  LOYALTY_RETURN_IF_ERROR(operation.Write(ledger::EntryChange{member.member_id, program.program_id,
                                      program.default_point_type,
                                      ledger::EntryKind::kRedemptionCancellation, overdraft, "",
                                      "overdraft given back", ""}));
  return operation.Write(
      ledger::EnrolmentChange{member.member_id, program.program_id, -owed, std::nullopt});
}

absl::Status CancelInTransaction(const store::Context& context, pg::Transaction& tx,
                                 const v1::CancelRedemptionRequest& request,
                                 v1::CancelRedemptionResponse* response) {
  const std::string& org_id = request.org_id();
  absl::Time now = context.clock->Now();
  LOYALTY_RETURN_IF_ERROR(store::LockForCommand(tx, org_id, {request.member_id()}, &now));
  LOYALTY_ASSIGN_OR_RETURN(ledger::MemberState member,
                           store::LoadMember(tx, org_id, request.member_id()));
  pg::Params key;
  key.Add(org_id).Add(member.member_id).Add(request.redemption_id());
  LOYALTY_ASSIGN_OR_RETURN(pg::Result redemption, tx.Execute(kSelectRedemption, key));
  if (redemption.Rows() == 0) {
    return NotFound("redemption", absl::StrCat(request.redemption_id()));
  }
  if (redemption.Bool(0, 3)) {
    return Refused(kAlreadyCancelled,
                   absl::StrCat("redemption ", request.redemption_id(), " is already cancelled"));
  }
  LOYALTY_ASSIGN_OR_RETURN(
      ledger::ProgramConfig program,
      store::LoadProgram(tx, org_id, std::string(redemption.Text(0, 0)), context.config_cache));
  LOYALTY_ASSIGN_OR_RETURN(
      store::Operation operation,
      store::Operation::Begin(tx, org_id, "CancelRedemption", context.caller, now));
  operation.Track(member);

  LOYALTY_ASSIGN_OR_RETURN(pg::Result lots, tx.Execute(kSelectRedemptionLots, key));
  std::map<TypeKey, ledger::Points> restored;
  std::map<TypeKey, ledger::Points> expired;
  for (int i = 0; i < lots.Rows(); ++i) {
    const TypeKey type{std::string(lots.Text(i, 1)), std::string(lots.Text(i, 2))};
    const ledger::Points points = lots.Int64(i, 3);
    const std::optional<absl::Time> expires_at = lots.OptionalTime(i, 4);
    if (expires_at.has_value() && *expires_at <= now) {
      expired[type] += points;
      continue;
    }
    LOYALTY_RETURN_IF_ERROR(operation.Write(
        ledger::LotChange{ledger::LotChange::Kind::kRestore, member.member_id, lots.Int64(i, 0), points}));
    restored[type] += points;
  }
  ledger::Points points_restored = 0;
  ledger::Points points_expired = 0;
  for (const auto& [type, points] : restored) {
    LOYALTY_RETURN_IF_ERROR(operation.Write(ledger::EntryChange{member.member_id, type.first, type.second,
                                        ledger::EntryKind::kRedemptionCancellation, points,
                                        "", "", ""}));
    points_restored += points;
  }
  for (const auto& [type, points] : expired) {  // given back and expired at once: net zero
    LOYALTY_RETURN_IF_ERROR(operation.Write(ledger::EntryChange{member.member_id, type.first, type.second,
                                        ledger::EntryKind::kRedemptionCancellation, points,
                                        "", "", ""}));
    LOYALTY_RETURN_IF_ERROR(operation.Write(ledger::EntryChange{member.member_id, type.first, type.second,
                                        ledger::EntryKind::kExpiry, -points, "",
                                        "expired before the cancellation", ""}));
    points_expired += points;
  }
  const ledger::Points overdraft = redemption.Int64(0, 2);
  if (overdraft > 0) {
    LOYALTY_RETURN_IF_ERROR(GiveBackOverdraft(operation, program, member, overdraft));
    points_restored += overdraft;
  }
  for (const auto& [type, points] : restored) {
    LOYALTY_RETURN_IF_ERROR(
        operation.Write(
            ledger::EnrolmentChange{member.member_id, type.first, 0, std::nullopt}));
  }
  pg::Params mark;
  mark.Add(org_id).Add(member.member_id).Add(request.redemption_id()).Add(now);
  tx.Defer(kMarkCancelled, std::move(mark));
  v1::Redemption* cancelled = operation.event().mutable_redemption();
  cancelled->set_redemption_id(request.redemption_id());
  cancelled->set_member_id(member.member_id);
  cancelled->set_program_id(program.program_id);
  cancelled->set_points(redemption.Int64(0, 1));
  cancelled->set_cancelled(true);

  LOYALTY_ASSIGN_OR_RETURN(int64_t position, operation.Commit());
  response->set_ledger_position(position);
  response->set_points_restored(points_restored);
  response->set_points_expired(points_expired);
  return store::FillBalancesAfter(tx, org_id, *operation.StateAfter(member.member_id), now,
                                  context.config_cache, response->mutable_balances());
}

}  // namespace

absl::Status CancelRedemption(const store::Context& context,
                              const v1::CancelRedemptionRequest& request,
                              v1::CancelRedemptionResponse* response) {
  LOYALTY_RETURN_IF_ERROR(CheckRequest(request));
  return store::RunCommand(
      context, "CancelRedemption", request.org_id(), request.idempotency_key(), request, response,
      [&](pg::Transaction& tx) { return CancelInTransaction(context, tx, request, response); });
}

}  // namespace loyalty::command
