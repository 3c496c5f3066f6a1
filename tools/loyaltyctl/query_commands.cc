#include "tools/loyaltyctl/query_commands.h"

#include <string>

#include "absl/strings/str_split.h"
#include "libs/base/status_macros.h"
#include "tools/loyaltyctl/enum_flags.h"
#include "tools/loyaltyctl/render_query.h"

namespace loyalty::ctl {
namespace {

using Queries = v1::QueryService::Stub;

template <typename Request>
Request MemberQuery(const Flags& flags) {
  Request request;
  request.set_org_id(flags.String("org"));
  request.set_member_id(flags.String("member"));
  request.set_min_position(flags.Int64("min_position"));
  return request;
}

}  // namespace

absl::StatusOr<int> QueryBalances(Session& session) {
  const auto request = MemberQuery<v1::GetBalancesRequest>(session.flags());
  return session.Call(session.queries(), &Queries::GetBalances, request, RenderGetBalances);
}

absl::StatusOr<int> QueryTier(Session& session) {
  auto request = MemberQuery<v1::GetTierProgressRequest>(session.flags());
  request.set_program_id(session.flags().String("program"));
  return session.Call(session.queries(), &Queries::GetTierProgress, request,
                      RenderTierProgress);
}

absl::StatusOr<int> QueryRedemptions(Session& session) {
  auto request = MemberQuery<v1::ListRedemptionsRequest>(session.flags());
  request.set_page_size(session.flags().Int32("page_size"));
  request.set_page_token(session.flags().String("page_token"));
  return session.Call(session.queries(), &Queries::ListRedemptions, request, RenderRedemptions);
}

absl::StatusOr<int> QueryHistory(Session& session) {
  const Flags& flags = session.flags();
  auto request = MemberQuery<v1::ListLedgerEntriesRequest>(flags);
  for (absl::string_view kind : absl::StrSplit(flags.String("kind"), ',', absl::SkipEmpty())) {
    LOYALTY_ASSIGN_OR_RETURN(
        const v1::LedgerEntryKind value,
        ParseEnumFlag("kind", std::string(kind), "LEDGER_ENTRY_KIND_", &v1::LedgerEntryKind_Parse,
                      "accrual, redemption, transfer-out, transfer-in, reversal, expiry, "
                      "adjustment, overdraft-repayment, redemption-cancellation, conversion, "
                      "conversion-return"));
    request.add_kinds(value);
  }
  request.set_program_id(flags.String("program"));
  request.set_page_size(flags.Int32("page_size"));
  request.set_page_token(flags.String("page_token"));
  return session.Call(session.queries(), &Queries::ListLedgerEntries, request, RenderHistory);
}

absl::StatusOr<int> QueryPartners(Session& session) {
  auto request = MemberQuery<v1::GetPartnerSummaryRequest>(session.flags());
  return session.Call(session.queries(), &Queries::GetPartnerSummary, request,
                      RenderPartnerSummary);
}

absl::StatusOr<int> QueryConversions(Session& session) {
  const Flags& flags = session.flags();
  auto request = MemberQuery<v1::ListConversionsRequest>(flags);
  request.set_partner_code(flags.String("partner"));
  request.set_page_size(flags.Int32("page_size"));
  request.set_page_token(flags.String("page_token"));
  return session.Call(session.queries(), &Queries::ListConversions, request, RenderConversions);
}

absl::StatusOr<int> QueryVouchers(Session& session) {
  const Flags& flags = session.flags();
  auto request = MemberQuery<v1::ListVouchersRequest>(flags);
  request.set_active_only(flags.Bool("active_only"));
  request.set_page_size(flags.Int32("page_size"));
  request.set_page_token(flags.String("page_token"));
  return session.Call(session.queries(), &Queries::ListVouchers, request, RenderVouchers);
}

}  // namespace loyalty::ctl
