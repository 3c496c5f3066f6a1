// GetPartnerSummary, ListConversions and ListVouchers: partner programs from the read views
// (docs/partners.md). The partners' terms (which program and type convert) are configuration,
// read from the partners table as the balances read the programs'.

#include "libs/base/status_macros.h"
#include "libs/store/conversions.h"
#include "libs/store/partners.h"
#include "libs/store/vouchers.h"
#include "services/query/page_token.h"
#include "services/query/queries.h"
#include "services/query/request_checks.h"

namespace loyalty::query {
namespace {

constexpr int64_t kNoCursor = INT64_MAX;

// Per partner the member ever linked: its latest link (store::LinkFromRow's columns), then the
// sums. Unconverted: the points of
// the partner's type still in the member's lots, awarded since the active link.
constexpr pg::Statement kPartnerSummary{
    "query_partner_summary",
    "SELECT k.link_id, k.member_id, k.partner_code, k.external_number, k.state, k.linked_at,"
    " k.ended_at,"
    " CASE WHEN k.state = 'active' THEN (SELECT coalesce(sum(l.remaining), 0) FROM view_lots l"
    " WHERE l.org_id = k.org_id AND l.member_id = k.member_id AND l.program_id = p.program_id"
    " AND l.point_type = p.point_type AND l.awarded_at >= k.linked_at) ELSE 0 END,"
    " coalesce(c.converting, 0), coalesce(c.converted, 0), coalesce(c.converted_partner, 0)"
    " FROM (SELECT DISTINCT ON (partner_code) * FROM view_partner_links"
    " WHERE org_id = $1 AND member_id = $2 ORDER BY partner_code, link_id DESC) k"
    " JOIN partners p ON p.org_id = k.org_id AND p.partner_code = k.partner_code"
    " LEFT JOIN (SELECT partner_code,"
    " sum(local_points) FILTER (WHERE status IN ('pending', 'sent')) AS converting,"
    " sum(local_points) FILTER (WHERE status = 'confirmed') AS converted,"
    " sum(partner_points) FILTER (WHERE status = 'confirmed') AS converted_partner"
    " FROM view_conversions WHERE org_id = $1 AND member_id = $2 GROUP BY partner_code) c"
    " ON c.partner_code = k.partner_code ORDER BY k.partner_code"};

// One more row than the page, to tell whether another page follows.
constexpr pg::Statement kSelectConversions{
    "query_select_conversions",
    "SELECT " LOYALTY_CONVERSION_COLUMNS
    " FROM view_conversions"
    " WHERE org_id = $1 AND member_id = $2 AND conversion_id < $3"
    " AND ($4 = '' OR partner_code = $4) ORDER BY conversion_id DESC LIMIT $5"};

constexpr pg::Statement kSelectVouchers{
    "query_select_vouchers",
    "SELECT " LOYALTY_VOUCHER_COLUMNS
    " FROM view_vouchers"
    " WHERE org_id = $1 AND member_id = $2 AND voucher_id < $3"
    " AND (NOT $4 OR status = 'active') ORDER BY voucher_id DESC LIMIT $5"};

// One page of the newest-first list `list` of the request's member: `statement` takes (org,
// member, the cursor, `filter`, page_size + 1); `add(rows, i)` adds each row of the page; the
// next page's token is the last one's id (column 0) when more followed.
template <typename Request, typename Response, typename Filter, typename Add>
absl::Status ListPage(const QueryContext& context, const Request& request, absl::Time deadline,
                      absl::string_view list, const pg::Statement& statement, const Filter& filter,
                      Response* response, const Add& add) {
  LOYALTY_RETURN_IF_ERROR(CheckRequest(request));
  LOYALTY_ASSIGN_OR_RETURN(const int32_t page_size, PageSize("page_size", request.page_size()));
  LOYALTY_ASSIGN_OR_RETURN(const std::optional<int64_t> cursor,
                           DecodePageToken("page_token", list, request.page_token()));
  return ReadViews(
      context, request.org_id(), request.member_id(), request.min_position(), deadline,
      [&](pg::Transaction& tx, const ViewRead& read) -> absl::Status {
        response->Clear();
        response->set_ledger_position(read.position);
        LOYALTY_ASSIGN_OR_RETURN(pg::Result rows,
                                 tx.Execute(statement, pg::Params()
                                                           .Add(request.org_id())
                                                           .Add(request.member_id())
                                                           .Add(cursor.value_or(kNoCursor))
                                                           .Add(filter)
                                                           .Add(page_size + 1)));
        const int count = std::min(rows.Rows(), page_size);
        for (int i = 0; i < count; ++i) add(rows, i);
        if (rows.Rows() > page_size) {
          response->set_next_page_token(EncodePageToken(list, rows.Int64(count - 1, 0)));
        }
        return absl::OkStatus();
      });
}

}  // namespace

absl::Status GetPartnerSummary(const QueryContext& context,
                               const v1::GetPartnerSummaryRequest& request, absl::Time deadline,
                               v1::GetPartnerSummaryResponse* response) {
  LOYALTY_RETURN_IF_ERROR(CheckRequest(request));
  return ReadViews(context, request.org_id(), request.member_id(), request.min_position(), deadline,
                   [&](pg::Transaction& tx, const ViewRead& read) -> absl::Status {
                     response->Clear();
                     response->set_ledger_position(read.position);
                     LOYALTY_ASSIGN_OR_RETURN(
                         pg::Result rows,
                         tx.Execute(kPartnerSummary,
                                    pg::Params().Add(request.org_id()).Add(request.member_id())));
                     for (int i = 0; i < rows.Rows(); ++i) {
                       v1::PartnerSummary* summary = response->add_partners();
                       store::LinkFromRow(rows, i, summary->mutable_link());
                       summary->set_partner_code(summary->link().partner_code());
                       summary->set_unconverted_points(rows.Int64(i, 7));
                       summary->set_converting_points(rows.Int64(i, 8));
                       summary->set_converted_points(rows.Int64(i, 9));
                       summary->set_converted_partner_points(rows.Int64(i, 10));
                     }
                     return absl::OkStatus();
                   });
}

absl::Status ListConversions(const QueryContext& context, const v1::ListConversionsRequest& request,
                             absl::Time deadline, v1::ListConversionsResponse* response) {
  return ListPage(context, request, deadline, "conversions", kSelectConversions,
                  request.partner_code(), response, [&](const pg::Result& rows, int i) {
                    store::ConversionFromRow(rows, i, response->add_conversions());
                  });
}

absl::Status ListVouchers(const QueryContext& context, const v1::ListVouchersRequest& request,
                          absl::Time deadline, v1::ListVouchersResponse* response) {
  return ListPage(context, request, deadline, "vouchers", kSelectVouchers, request.active_only(),
                  response, [&](const pg::Result& rows, int i) {
                    store::VoucherFromRow(rows, i, response->add_vouchers());
                  });
}

}  // namespace loyalty::query
