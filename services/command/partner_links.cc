#include <optional>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/partner.h"
#include "libs/rpc/validate.h"
#include "libs/store/idempotency.h"
#include "libs/store/member_repository.h"
#include "libs/store/operation.h"
#include "libs/store/partners.h"
#include "libs/wire/time.h"
#include "services/command/admin/shared.h"
#include "services/command/partner_checks.h"
#include "services/command/partners.h"
#include "services/command/request_checks.h"

namespace loyalty::command {
namespace {

// What linking finds before it links: the partner and, when the member holds this account's link
// already, that link (the answer). Refuses an inactive partner or member, another link of the
// member, and the account linked to another member.
struct LinkCheck {
  store::PartnerRow partner;
  std::optional<ledger::PartnerLinkRecord> existing;
};

absl::StatusOr<LinkCheck> CheckLink(pg::Transaction& tx,
                                    const v1::LinkPartnerAccountRequest& request, absl::Time now) {
  const std::string& org_id = request.org_id();
  LOYALTY_ASSIGN_OR_RETURN(store::PartnerRow partner,
                           LoadActivePartner(tx, org_id, request.partner_code()));
  LOYALTY_RETURN_IF_ERROR(RequireActiveMember(tx, org_id, request.member_id(), now));
  LOYALTY_ASSIGN_OR_RETURN(
      std::optional<ledger::PartnerLinkRecord> own,
      store::FindActiveLink(tx, org_id, request.partner_code(), request.member_id()));
  if (own.has_value()) {
    if (own->external_number == request.external_number()) return LinkCheck{partner, own};
    return Refused(ledger::kAlreadyLinked,
                   absl::StrCat("member '", request.member_id(), "' is linked to partner '",
                                request.partner_code(), "' already, with another account"));
  }
  LOYALTY_ASSIGN_OR_RETURN(std::optional<ledger::PartnerLinkRecord> other,
                           store::FindActiveLinkByAccount(tx, org_id, request.partner_code(),
                                                          request.external_number()));
  if (other.has_value()) {
    return Refused(ledger::kAccountLinkedElsewhere,
                   absl::StrCat("account '", request.external_number(), "' of partner '",
                                request.partner_code(), "' is linked to another member"));
  }
  return LinkCheck{partner, std::nullopt};
}

partner::v1::IdentityField GatewayIdentityField(const std::string& field) {
  return field == "email" ? partner::v1::IDENTITY_FIELD_EMAIL
                          : partner::v1::IDENTITY_FIELD_LAST_NAME;
}

// The partner's verdict on the account: OK, PARTNER_REFUSED_ACCOUNT or UNAVAILABLE
// PARTNER_UNAVAILABLE.
absl::Status Verify(partner::Gateways& gateways, const store::PartnerRow& partner,
                    const v1::LinkPartnerAccountRequest& request) {
  partner::v1::VerifyAccountRequest verify;
  verify.set_brand(request.org_id());
  verify.set_external_number(request.external_number());
  verify.set_identity_field(GatewayIdentityField(partner.identity_field));
  verify.set_identity(request.identity());
  partner::v1::VerifyAccountResponse verdict;
  const partner::GatewayAnswer answer =
      gateways.VerifyAccount(partner::PartnerKey(request.org_id(), request.partner_code()),
                             partner.gateway_address, verify, &verdict);
  if (answer.kind == partner::GatewayAnswer::Kind::kUnavailable) {
    return WithReason(absl::UnavailableError(answer.message), ledger::kPartnerUnavailable);
  }
  if (answer.kind == partner::GatewayAnswer::Kind::kRefused || !verdict.verified()) {
    const std::string why =
        answer.kind == partner::GatewayAnswer::Kind::kRefused ? answer.message : verdict.reason();
    return Refused(ledger::kPartnerRefusedAccount,
                   absl::StrCat("partner '", request.partner_code(), "' did not verify account '",
                                request.external_number(), "'", why.empty() ? "" : ": ", why));
  }
  return absl::OkStatus();
}

// An active link as loyalty.v1 shows it.
void AnswerLink(const ledger::PartnerLinkRecord& link, v1::PartnerLink* out) {
  out->set_link_id(link.link_id);
  out->set_member_id(link.member_id);
  out->set_partner_code(link.partner_code);
  out->set_external_number(link.external_number);
  out->set_state(store::ToLinkState(link.state));
  wire::ToTimestamp(link.linked_at, out->mutable_linked_at());
}

}  // namespace

absl::Status LinkPartnerAccount(const store::Context& context, partner::Gateways& gateways,
                                const v1::LinkPartnerAccountRequest& request,
                                v1::LinkPartnerAccountResponse* response) {
  LOYALTY_RETURN_IF_ERROR(CheckRequest(request));
  std::optional<LinkCheck> checked;
  LOYALTY_RETURN_IF_ERROR(RunRead(context, [&](pg::Transaction& tx) -> absl::Status {
    LOYALTY_ASSIGN_OR_RETURN(checked, CheckLink(tx, request, context.clock->Now()));
    return absl::OkStatus();
  }));
  if (!checked->existing.has_value()) {
    LOYALTY_RETURN_IF_ERROR(Verify(gateways, checked->partner, request));
  }
  return store::RunCommand(
      context, "CommandService/LinkPartnerAccount", request.org_id(), request.idempotency_key(),
      request, response, [&](pg::Transaction& tx) -> absl::Status {
        absl::Time now = context.clock->Now();
        LOYALTY_RETURN_IF_ERROR(store::LockMembers(tx, request.org_id(), {request.member_id()}));
        LOYALTY_ASSIGN_OR_RETURN(const LinkCheck check, CheckLink(tx, request, now));
        if (check.existing.has_value()) {
          AnswerLink(*check.existing, response->mutable_link());
          return absl::OkStatus();
        }
        LOYALTY_ASSIGN_OR_RETURN(store::Operation operation,
                                 store::Operation::Begin(tx, request.org_id(), "LinkPartnerAccount",
                                                         context.caller, context.trace_id, now));
        LOYALTY_RETURN_IF_ERROR(operation.Write(ledger::LinkMade{
            request.member_id(), request.partner_code(), request.external_number()}));
        LOYALTY_ASSIGN_OR_RETURN(const int64_t position, operation.Commit());
        *response->mutable_link() = operation.event().partner_links(0);
        response->set_ledger_position(position);
        return absl::OkStatus();
      });
}

absl::Status UnlinkPartnerAccount(const store::Context& context,
                                  const v1::UnlinkPartnerAccountRequest& request,
                                  v1::UnlinkPartnerAccountResponse* response) {
  LOYALTY_RETURN_IF_ERROR(CheckRequest(request));
  return store::RunCommand(
      context, "CommandService/UnlinkPartnerAccount", request.org_id(), request.idempotency_key(),
      request, response, [&](pg::Transaction& tx) -> absl::Status {
        const absl::Time now = context.clock->Now();
        LOYALTY_RETURN_IF_ERROR(store::LockMembers(tx, request.org_id(), {request.member_id()}));
        LOYALTY_ASSIGN_OR_RETURN(std::optional<store::PartnerRow> partner,
                                 store::LoadPartner(tx, request.org_id(), request.partner_code()));
        if (!partner.has_value()) return NotFound("partner", request.partner_code());
        LOYALTY_ASSIGN_OR_RETURN(std::optional<ledger::PartnerLinkRecord> link,
                                 store::FindActiveLink(tx, request.org_id(), request.partner_code(),
                                                       request.member_id()));
        if (!link.has_value()) {
          return Refused(ledger::kNotLinked, absl::StrCat("member '", request.member_id(),
                                                          "' has no active link to partner '",
                                                          request.partner_code(), "'"));
        }
        LOYALTY_ASSIGN_OR_RETURN(
            store::Operation operation,
            store::Operation::Begin(tx, request.org_id(), "UnlinkPartnerAccount", context.caller,
                                    context.trace_id, now));
        LOYALTY_RETURN_IF_ERROR(operation.Write(ledger::LinkEnded{
            request.member_id(), request.partner_code(), ledger::LinkState::kUnlinked}));
        LOYALTY_ASSIGN_OR_RETURN(const int64_t position, operation.Commit());
        *response->mutable_link() = operation.event().partner_links(0);
        response->set_ledger_position(position);
        return absl::OkStatus();
      });
}

}  // namespace loyalty::command
