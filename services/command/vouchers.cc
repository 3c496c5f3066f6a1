#include "libs/store/vouchers.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/limits.h"
#include "libs/ledger/partner.h"
#include "libs/rpc/validate.h"
#include "libs/store/idempotency.h"
#include "libs/store/member_repository.h"
#include "libs/store/operation.h"
#include "libs/store/partners.h"
#include "services/command/partner_checks.h"
#include "services/command/partners.h"
#include "services/command/request_checks.h"

namespace loyalty::command {
namespace {

ledger::VoucherKind KindOf(const v1::NotifyPartnerRedemptionRequest& request) {
  return request.kind() == v1::VOUCHER_KIND_CREDIT ? ledger::VoucherKind::kCredit
                                                   : ledger::VoucherKind::kReward;
}

// The voucher the request id loaded already, answered as a replay; ALREADY_EXISTS when it loaded
// it for another account, kind or number of points. False when the id loaded nothing yet.
absl::StatusOr<bool> AnswerReplay(pg::Transaction& tx,
                                  const v1::NotifyPartnerRedemptionRequest& request,
                                  v1::NotifyPartnerRedemptionResponse* response) {
  LOYALTY_ASSIGN_OR_RETURN(std::optional<store::IssuedVoucher> issued,
                           store::FindVoucherByRequest(tx, request.org_id(), request.partner_code(),
                                                       request.partner_request_id()));
  if (!issued.has_value()) return false;
  if (issued->external_number != request.external_number() || issued->kind != KindOf(request) ||
      issued->partner_points != request.partner_points()) {
    return WithReason(absl::AlreadyExistsError(absl::StrCat(
                          "partner request '", request.partner_request_id(),
                          "' loaded a voucher for another account, kind or number of points")),
                      "PARTNER_REQUEST_REUSED");
  }
  LOYALTY_RETURN_IF_ERROR(store::LoadVoucher(tx, request.org_id(), issued->member_id,
                                             issued->voucher_id, response->mutable_voucher()));
  response->set_replayed(true);
  return true;
}

}  // namespace

absl::Status RedeemVoucher(const store::Context& context, const v1::RedeemVoucherRequest& request,
                           v1::RedeemVoucherResponse* response) {
  LOYALTY_RETURN_IF_ERROR(CheckRequest(request));
  return store::RunCommand(
      context, "CommandService/RedeemVoucher", request.org_id(), request.idempotency_key(), request,
      response, [&](pg::Transaction& tx) -> absl::Status {
        const absl::Time now = context.clock->Now();
        LOYALTY_RETURN_IF_ERROR(store::LockMembers(tx, request.org_id(), {request.member_id()}));
        LOYALTY_RETURN_IF_ERROR(
            RequireActiveMember(tx, request.org_id(), request.member_id(), now));
        LOYALTY_ASSIGN_OR_RETURN(std::optional<ledger::VoucherRecord> voucher,
                                 store::LoadVoucherRecord(tx, request.org_id(), request.member_id(),
                                                          request.voucher_id()));
        if (!voucher.has_value()) return NotFound("voucher", absl::StrCat(request.voucher_id()));
        LOYALTY_ASSIGN_OR_RETURN(const ledger::VoucherChanged spent,
                                 ledger::DecideVoucherSpend(*voucher, request.order_ref(),
                                                            request.amount().minor_units(),
                                                            request.amount().currency(), now));
        LOYALTY_ASSIGN_OR_RETURN(store::Operation operation,
                                 store::Operation::Begin(tx, request.org_id(), "RedeemVoucher",
                                                         context.caller, context.trace_id, now));
        LOYALTY_RETURN_IF_ERROR(operation.Write(spent));
        LOYALTY_ASSIGN_OR_RETURN(const int64_t position, operation.Commit());
        *response->mutable_voucher() = operation.event().vouchers(0);
        response->mutable_applied()->set_minor_units(spent.applied_minor);
        response->mutable_applied()->set_currency(voucher->currency);
        response->set_ledger_position(position);
        return absl::OkStatus();
      });
}

absl::Status NotifyPartnerRedemption(const store::Context& context,
                                     const v1::NotifyPartnerRedemptionRequest& request,
                                     v1::NotifyPartnerRedemptionResponse* response) {
  LOYALTY_RETURN_IF_ERROR(CheckRequest(request));
  const std::string& org_id = request.org_id();
  return pg::RunInTransaction(
      *context.pool, pg::Isolation::kReadCommitted, context.retry,
      [&](pg::Transaction& tx) -> absl::Status {
        response->Clear();
        LOYALTY_ASSIGN_OR_RETURN(bool replayed, AnswerReplay(tx, request, response));
        if (replayed) return absl::OkStatus();
        LOYALTY_ASSIGN_OR_RETURN(const store::PartnerRow partner,
                                 LoadActivePartner(tx, org_id, request.partner_code()));
        LOYALTY_ASSIGN_OR_RETURN(std::optional<ledger::PartnerLinkRecord> link,
                                 store::FindActiveLinkByAccount(tx, org_id, request.partner_code(),
                                                                request.external_number()));
        if (link.has_value()) {
          LOYALTY_RETURN_IF_ERROR(store::LockMembers(tx, org_id, {link->member_id}));
          // Under the lock: a concurrent call with this id may have loaded the voucher, or the
          // member unlinked.
          LOYALTY_ASSIGN_OR_RETURN(replayed, AnswerReplay(tx, request, response));
          if (replayed) return absl::OkStatus();
          LOYALTY_ASSIGN_OR_RETURN(
              link, store::FindActiveLink(tx, org_id, request.partner_code(), link->member_id));
        }
        if (!link.has_value() || link->external_number != request.external_number()) {
          return Refused(ledger::kNotLinked,
                         absl::StrCat("account '", request.external_number(), "' of partner '",
                                      request.partner_code(), "' is not linked to a member"));
        }
        const absl::Time now = context.clock->Now();
        LOYALTY_RETURN_IF_ERROR(RequireActiveMember(tx, org_id, link->member_id, now));
        LOYALTY_ASSIGN_OR_RETURN(const int64_t value,
                                 ledger::VoucherValue(partner.terms, request.partner_points()));
        LOYALTY_ASSIGN_OR_RETURN(store::Operation operation,
                                 store::Operation::Begin(tx, org_id, "NotifyPartnerRedemption",
                                                         context.caller, context.trace_id, now));
        LOYALTY_RETURN_IF_ERROR(operation.Write(ledger::VoucherIssued{
            link->member_id, request.partner_code(), request.partner_request_id(),
            request.external_number(), KindOf(request), request.partner_points(), value,
            partner.terms.voucher_currency,
            now + absl::Hours(24) * partner.terms.voucher_validity_days}));
        LOYALTY_ASSIGN_OR_RETURN(const int64_t position, operation.Commit());
        *response->mutable_voucher() = operation.event().vouchers(0);
        response->set_ledger_position(position);
        return absl::OkStatus();
      },
      context.deadline);
}

}  // namespace loyalty::command
