#include "services/worker/partner_jobs.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/base/log.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/partner.h"
#include "libs/store/conversions.h"
#include "libs/store/member_repository.h"
#include "libs/store/operation.h"
#include "libs/store/partners.h"
#include "libs/store/vouchers.h"
#include "services/worker/member_batch.h"

namespace loyalty::worker {
namespace {

// Runs `changes` as one operation of the worker named `name` on the locked member.
absl::Status WriteOperation(pg::Transaction& tx, const std::string& org_id, const std::string& name,
                            absl::Time now, const ledger::ChangeSet& changes) {
  LOYALTY_ASSIGN_OR_RETURN(store::Operation operation,
                           store::Operation::Begin(tx, org_id, name, store::kWorkerCaller,
                                                   /*trace_id=*/"", now));
  LOYALTY_RETURN_IF_ERROR(operation.Write(changes).status());
  return operation.Commit().status();
}

absl::Duration Backoff(const ConversionRetry& retry, int32_t attempts) {
  absl::Duration wait = retry.first;
  for (int32_t i = 1; i < attempts && wait < retry.cap; ++i) wait *= 2;
  return std::min(wait, retry.cap);
}

// One conversion's send, in three steps: `Mark`, the call, `Record`.
class Send final {
 public:
  Send(const store::Context& context, partner::Gateways& gateways, const ConversionRetry& retry,
       store::DueConversion due)
      : context_(context), gateways_(gateways), retry_(retry), due_(std::move(due)) {}

  // 1 when the conversion moved on, 0 when it was not due (any more) or its partner's breaker
  // is open.
  absl::StatusOr<int64_t> Run() {
    bool due = false;
    LOYALTY_RETURN_IF_ERROR(InTransaction([&](pg::Transaction& tx) -> absl::Status {
      LOYALTY_ASSIGN_OR_RETURN(due, Mark(tx));
      return absl::OkStatus();
    }));
    if (!due) return 0;
    partner::v1::CreditPointsRequest request;
    request.set_brand(due_.org_id);
    request.set_conversion_id(absl::StrCat(due_.org_id, "/", due_.conversion_id));
    request.set_external_number(conversion_.external_number);
    request.set_partner_points(conversion_.partner_points);
    partner::v1::CreditPointsResponse response;
    const partner::GatewayAnswer answer =
        gateways_.CreditPoints(Key(), address_, request, &response);
    LOYALTY_RETURN_IF_ERROR(InTransaction(
        [&](pg::Transaction& tx) { return Record(tx, answer, response.partner_reference()); }));
    return 1;
  }

 private:
  std::string Key() const { return partner::PartnerKey(due_.org_id, conversion_.partner_code); }

  absl::Status InTransaction(const std::function<absl::Status(pg::Transaction&)>& body) {
    return pg::RunInTransaction(
        *context_.pool, pg::Isolation::kReadCommitted, context_.retry,
        [&](pg::Transaction& tx) -> absl::Status {
          LOYALTY_RETURN_IF_ERROR(store::LockMembers(tx, due_.org_id, {due_.member_id}));
          return body(tx);
        });
  }

  // Marks the conversion sent (one more attempt, the next one after the backoff) when it is
  // still due; false when it is not, or its partner's breaker is open.
  absl::StatusOr<bool> Mark(pg::Transaction& tx) {
    const absl::Time now = context_.clock->Now();
    LOYALTY_ASSIGN_OR_RETURN(
        std::optional<store::ConversionToSend> conversion,
        store::LoadConversion(tx, due_.org_id, due_.member_id, due_.conversion_id));
    if (!conversion.has_value() || conversion->next_attempt_at > now ||
        (conversion->status != ledger::ConversionStatus::kPending &&
         conversion->status != ledger::ConversionStatus::kSent)) {
      return false;
    }
    conversion_ = *conversion;
    LOYALTY_ASSIGN_OR_RETURN(std::optional<store::PartnerRow> partner,
                             store::LoadPartner(tx, due_.org_id, conversion_.partner_code));
    if (!partner.has_value()) return false;
    address_ = partner->gateway_address;
    if (gateways_.Refusing(Key(), address_)) return false;
    ++conversion_.attempts;
    ledger::ChangeSet changes;
    changes.Add(ledger::ConversionMoved{due_.member_id, due_.conversion_id,
                                        ledger::ConversionStatus::kSent, "", "",
                                        now + Backoff(retry_, conversion_.attempts),
                                        /*attempt=*/true});
    LOYALTY_RETURN_IF_ERROR(WriteOperation(tx, due_.org_id, "SendConversion", now, changes));
    return true;
  }

  // The partner's answer, recorded (when the conversion is still sent: another worker may have
  // recorded one meanwhile).
  absl::Status Record(pg::Transaction& tx, const partner::GatewayAnswer& answer,
                      const std::string& reference) {
    const absl::Time now = context_.clock->Now();
    LOYALTY_ASSIGN_OR_RETURN(
        std::optional<store::ConversionToSend> conversion,
        store::LoadConversion(tx, due_.org_id, due_.member_id, due_.conversion_id));
    if (!conversion.has_value() || conversion->status != ledger::ConversionStatus::kSent) {
      return absl::OkStatus();
    }
    ledger::ChangeSet changes;
    if (answer.kind == partner::GatewayAnswer::Kind::kOk) {
      changes.Add(ledger::ConversionMoved{due_.member_id, due_.conversion_id,
                                          ledger::ConversionStatus::kConfirmed, reference, "",
                                          conversion->next_attempt_at});
      return WriteOperation(tx, due_.org_id, "ConfirmConversion", now, changes);
    }
    if (answer.kind == partner::GatewayAnswer::Kind::kRefused) {
      LOYALTY_ASSIGN_OR_RETURN(changes,
                               GiveBack(tx, absl::StrCat("refused: ", answer.message), now));
      LOYALTY_RETURN_IF_ERROR(EndLinkAsRefused(tx, conversion->link_id, &changes));
      return WriteOperation(tx, due_.org_id, "ReturnConversion", now, changes);
    }
    LogWarning(absl::StrCat("conversion ", due_.org_id, "/", due_.conversion_id,
                            " not credited: ", answer.message));
    if (conversion->attempts >= retry_.max_attempts) {
      LOYALTY_ASSIGN_OR_RETURN(changes, GiveBack(tx,
                                                 absl::StrCat("no answer in ", conversion->attempts,
                                                              " attempts: ", answer.message),
                                                 now));
      return WriteOperation(tx, due_.org_id, "ReturnConversion", now, changes);
    }
    changes.Add(ledger::ConversionMoved{due_.member_id, due_.conversion_id,
                                        ledger::ConversionStatus::kSent, "", answer.message,
                                        conversion->next_attempt_at});
    return WriteOperation(tx, due_.org_id, "SendConversion", now, changes);
  }

  absl::StatusOr<ledger::ChangeSet> GiveBack(pg::Transaction& tx, const std::string& error,
                                             absl::Time now) {
    LOYALTY_ASSIGN_OR_RETURN(
        const ledger::ConversionRecord record,
        store::LoadConversionLots(tx, due_.org_id, due_.member_id, due_.conversion_id));
    return ledger::DecideConversionReturn(record, error, now);
  }

  // The link the conversion went through, when it is still the member's active one, ends as
  // refused: nothing more converts to that account until the member links again.
  absl::Status EndLinkAsRefused(pg::Transaction& tx, int64_t link_id, ledger::ChangeSet* changes) {
    LOYALTY_ASSIGN_OR_RETURN(
        std::optional<ledger::PartnerLinkRecord> link,
        store::FindActiveLink(tx, due_.org_id, conversion_.partner_code, due_.member_id));
    if (link.has_value() && link->link_id == link_id) {
      changes->Add(
          ledger::LinkEnded{due_.member_id, conversion_.partner_code, ledger::LinkState::kRefused});
    }
    return absl::OkStatus();
  }

  const store::Context& context_;
  partner::Gateways& gateways_;
  const ConversionRetry& retry_;
  const store::DueConversion due_;
  store::ConversionToSend conversion_;
  std::string address_;
};

absl::StatusOr<int64_t> ConvertMember(partner::Gateways& gateways, pg::Transaction& tx,
                                      const std::string& org_id, const std::string& member_id,
                                      absl::Time now) {
  LOYALTY_RETURN_IF_ERROR(store::LockForCommand(tx, org_id, {member_id}, &now));
  LOYALTY_ASSIGN_OR_RETURN(const std::vector<ledger::PartnerLinkRecord> links,
                           store::ActiveLinksOf(tx, org_id, member_id));
  int64_t converted = 0;
  for (const ledger::PartnerLinkRecord& link : links) {
    LOYALTY_ASSIGN_OR_RETURN(std::optional<store::PartnerRow> partner,
                             store::LoadPartner(tx, org_id, link.partner_code));
    if (!partner.has_value() || !partner->terms.active ||
        gateways.Refusing(partner::PartnerKey(org_id, link.partner_code),
                          partner->gateway_address)) {
      continue;
    }
    LOYALTY_ASSIGN_OR_RETURN(
        const std::vector<ledger::Lot> matured,
        store::LoadMaturedLots(tx, org_id, member_id, partner->terms, link.linked_at, now));
    const std::optional<ledger::ChangeSet> conversion =
        ledger::DecideConversion(partner->terms, link, matured);
    if (!conversion.has_value()) continue;
    LOYALTY_RETURN_IF_ERROR(WriteOperation(tx, org_id, "ConvertPoints", now, *conversion));
    ++converted;
  }
  return converted;
}

absl::StatusOr<int64_t> ExpireMemberVouchers(pg::Transaction& tx, const std::string& org_id,
                                             const std::string& member_id, absl::Time now) {
  LOYALTY_RETURN_IF_ERROR(store::LockForCommand(tx, org_id, {member_id}, &now));
  LOYALTY_ASSIGN_OR_RETURN(const std::vector<int64_t> expired,
                           store::ExpiredVouchersOf(tx, org_id, member_id, now));
  if (expired.empty()) return 0;
  ledger::ChangeSet changes;
  for (const int64_t voucher_id : expired) {
    changes.Add(ledger::VoucherChanged{member_id, voucher_id, "", 0, 0, 0,
                                       ledger::VoucherStatus::kExpired});
  }
  LOYALTY_RETURN_IF_ERROR(WriteOperation(tx, org_id, "ExpireVouchers", now, changes));
  return static_cast<int64_t>(expired.size());
}

}  // namespace

absl::StatusOr<int64_t> ConvertPoints(const store::Context& context, partner::Gateways& gateways,
                                      int32_t batch) {
  return ForEachCandidate(
      context, store::MembersWithMaturedPoints, batch,
      [&](pg::Transaction& tx, const std::string& org_id, const std::string& member_id,
          absl::Time now) { return ConvertMember(gateways, tx, org_id, member_id, now); });
}

absl::StatusOr<int64_t> SendConversions(const store::Context& context, partner::Gateways& gateways,
                                        int32_t batch, const ConversionRetry& retry) {
  std::vector<store::DueConversion> due;
  LOYALTY_RETURN_IF_ERROR(pg::RunInTransaction(
      *context.pool, pg::Isolation::kReadCommitted, context.retry,
      [&](pg::Transaction& tx) -> absl::Status {
        LOYALTY_ASSIGN_OR_RETURN(due, store::DueConversions(tx, context.clock->Now(), batch));
        return absl::OkStatus();
      }));
  int64_t sent = 0;
  for (store::DueConversion& conversion : due) {
    LOYALTY_ASSIGN_OR_RETURN(const int64_t moved,
                             Send(context, gateways, retry, std::move(conversion)).Run());
    sent += moved;
  }
  return sent;
}

absl::StatusOr<int64_t> ExpireVouchers(const store::Context& context, int32_t batch) {
  return ForEachCandidate(context, store::MembersWithExpiredVouchers, batch, ExpireMemberVouchers);
}

}  // namespace loyalty::worker
