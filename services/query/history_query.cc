// ListRedemptions and ListLedgerEntries: newest first, paged by the id of the last item.

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/store/operation.h"
#include "libs/wire/event.h"
#include "libs/wire/time.h"
#include "services/query/page_token.h"
#include "services/query/queries.h"
#include "services/query/request_checks.h"

namespace loyalty::query {
namespace {

constexpr int64_t kNoCursor = INT64_MAX;

// One more row than the page, to tell whether another page follows.
constexpr pg::Statement kSelectRedemptions{
    "query_select_redemptions",
    "SELECT redemption_id, program_id, is_group, points, value_minor, currency, order_ref,"
    " reward, overdraft_points, reservation_id, created_at, cancelled, caller FROM view_redemptions"
    " WHERE org_id = $1 AND member_id = $2 AND redemption_id < $3"
    " ORDER BY redemption_id DESC LIMIT $4"};

constexpr pg::Statement kSelectRedemptionPrograms{
    "query_select_redemption_programs",
    "SELECT redemption_id, program_id, points FROM view_redemption_programs"
    " WHERE org_id = $1 AND member_id = $2 AND redemption_id BETWEEN $3 AND $4"
    " ORDER BY redemption_id, program_id"};

constexpr pg::Statement kSelectRedemptionLots{
    "query_select_redemption_lots",
    "SELECT redemption_id, lot_id, program_id, point_type, points, expires_at"
    " FROM view_redemption_lots"
    " WHERE org_id = $1 AND member_id = $2 AND redemption_id BETWEEN $3 AND $4"
    " ORDER BY redemption_id, ordinal"};

constexpr pg::Statement kSelectEntries{
    "query_select_entries",
    "SELECT entry_id, position, program_id, point_type, kind, points, order_ref, description,"
    " created_at, caller FROM view_entries"
    " WHERE org_id = $1 AND member_id = $2 AND entry_id < $3"
    " AND ($4 = '' OR program_id = $4) AND (cardinality($5::text[]) = 0 OR kind = ANY($5))"
    " ORDER BY entry_id DESC LIMIT $6"};

v1::Redemption* FindRedemption(v1::ListRedemptionsResponse* response, int64_t id) {
  for (v1::Redemption& redemption : *response->mutable_redemptions()) {
    if (redemption.redemption_id() == id) return &redemption;
  }
  return nullptr;
}

// The breakups and lots of the page's redemptions (ids in [low, high]).
absl::Status AddRedemptionDetails(pg::Transaction& tx, const std::string& org_id,
                                  const std::string& member_id, int64_t low, int64_t high,
                                  v1::ListRedemptionsResponse* response) {
  pg::Params params;
  params.Add(org_id).Add(member_id).Add(low).Add(high);
  LOYALTY_ASSIGN_OR_RETURN(pg::Result programs, tx.Execute(kSelectRedemptionPrograms, params));
  for (int i = 0; i < programs.Rows(); ++i) {
    v1::Redemption* redemption = FindRedemption(response, programs.Int64(i, 0));
    if (redemption == nullptr) continue;
    v1::ProgramBreakup* breakup = redemption->add_breakup_by_program();
    breakup->set_program_id(std::string(programs.Text(i, 1)));
    breakup->set_points(programs.Int64(i, 2));
  }
  LOYALTY_ASSIGN_OR_RETURN(pg::Result lots, tx.Execute(kSelectRedemptionLots, params));
  for (int i = 0; i < lots.Rows(); ++i) {
    v1::Redemption* redemption = FindRedemption(response, lots.Int64(i, 0));
    if (redemption == nullptr) continue;
    v1::LotConsumption* lot = redemption->add_lots();
    lot->set_lot_id(lots.Int64(i, 1));
    lot->set_program_id(std::string(lots.Text(i, 2)));
    lot->set_point_type(std::string(lots.Text(i, 3)));
    lot->set_points(lots.Int64(i, 4));
    wire::ToOptionalTimestamp(lots.OptionalTime(i, 5), [&] { return lot->mutable_expires_at(); });
  }
  return absl::OkStatus();
}

void ToRedemption(const pg::Result& rows, int i, const std::string& member_id,
                  v1::Redemption* redemption) {
  redemption->set_redemption_id(rows.Int64(i, 0));
  redemption->set_member_id(member_id);
  redemption->set_program_id(std::string(rows.Text(i, 1)));
  redemption->set_group(rows.Bool(i, 2));
  redemption->set_points(rows.Int64(i, 3));
  redemption->mutable_value()->set_minor_units(rows.Int64(i, 4));
  redemption->mutable_value()->set_currency(std::string(rows.Text(i, 5)));
  redemption->set_order_ref(std::string(rows.Text(i, 6)));
  redemption->set_reward(std::string(rows.Text(i, 7)));
  redemption->set_overdraft_points(rows.Int64(i, 8));
  redemption->set_reservation_id(rows.Int64(i, 9));
  wire::ToTimestamp(rows.Time(i, 10), redemption->mutable_created_at());
  redemption->set_cancelled(rows.Bool(i, 11));
  redemption->set_caller(std::string(rows.Text(i, 12)));
}

// A text[] literal of the (checked) kind names ("{accrual,expiry}"); the names need no quoting.
std::string KindArray(const v1::ListLedgerEntriesRequest& request) {
  std::vector<std::string> names;
  for (int kind : request.kinds()) {
    names.push_back(wire::EntryKindName(static_cast<v1::LedgerEntryKind>(kind)));
  }
  return absl::StrCat("{", absl::StrJoin(names, ","), "}");
}

}  // namespace

absl::Status ListRedemptions(const QueryContext& context,
                             const v1::ListRedemptionsRequest& request, absl::Time deadline,
                             v1::ListRedemptionsResponse* response) {
  LOYALTY_RETURN_IF_ERROR(CheckRequest(request));
  LOYALTY_ASSIGN_OR_RETURN(int32_t page_size, PageSize("page_size", request.page_size()));
  LOYALTY_ASSIGN_OR_RETURN(std::optional<int64_t> cursor,
                   DecodePageToken("page_token", "redemptions", request.page_token()));
  return ReadViews(
      context, request.org_id(), request.member_id(), request.min_position(), deadline,
      [&](pg::Transaction& tx, const ViewRead& read) -> absl::Status {
        response->Clear();
        response->set_ledger_position(read.position);
        pg::Params params;
        params.Add(request.org_id()).Add(request.member_id()).Add(cursor.value_or(kNoCursor))
            .Add(page_size + 1);
        LOYALTY_ASSIGN_OR_RETURN(pg::Result rows, tx.Execute(kSelectRedemptions, params));
        const int count = std::min(rows.Rows(), page_size);
        for (int i = 0; i < count; ++i) {
          ToRedemption(rows, i, request.member_id(), response->add_redemptions());
        }
        if (count == 0) return absl::OkStatus();
        const int64_t newest = rows.Int64(0, 0);
        const int64_t oldest = rows.Int64(count - 1, 0);
        if (rows.Rows() > page_size) {
          response->set_next_page_token(EncodePageToken("redemptions", oldest));
        }
        return AddRedemptionDetails(tx, request.org_id(), request.member_id(), oldest, newest,
                                    response);
      });
}

absl::Status ListLedgerEntries(const QueryContext& context,
                               const v1::ListLedgerEntriesRequest& request, absl::Time deadline,
                               v1::ListLedgerEntriesResponse* response) {
  LOYALTY_RETURN_IF_ERROR(CheckRequest(request));
  const std::string kinds = KindArray(request);
  LOYALTY_ASSIGN_OR_RETURN(int32_t page_size, PageSize("page_size", request.page_size()));
  LOYALTY_ASSIGN_OR_RETURN(std::optional<int64_t> cursor,
                   DecodePageToken("page_token", "entries", request.page_token()));
  return ReadViews(
      context, request.org_id(), request.member_id(), request.min_position(), deadline,
      [&](pg::Transaction& tx, const ViewRead& read) -> absl::Status {
        response->Clear();
        response->set_ledger_position(read.position);
        pg::Params params;
        params.Add(request.org_id()).Add(request.member_id()).Add(cursor.value_or(kNoCursor))
            .Add(request.program_id()).Add(kinds).Add(page_size + 1);
        LOYALTY_ASSIGN_OR_RETURN(pg::Result rows, tx.Execute(kSelectEntries, params));
        const int count = std::min(rows.Rows(), page_size);
        for (int i = 0; i < count; ++i) {
          v1::LedgerEntry* entry = response->add_entries();
          entry->set_entry_id(rows.Int64(i, 0));
          entry->set_ledger_position(rows.Int64(i, 1));
          entry->set_program_id(std::string(rows.Text(i, 2)));
          entry->set_point_type(std::string(rows.Text(i, 3)));
          entry->set_kind(wire::EntryKindFromName(std::string(rows.Text(i, 4))));
          entry->set_points(rows.Int64(i, 5));
          entry->set_order_ref(std::string(rows.Text(i, 6)));
          entry->set_description(std::string(rows.Text(i, 7)));
          wire::ToTimestamp(rows.Time(i, 8), entry->mutable_created_at());
          entry->set_caller(std::string(rows.Text(i, 9)));
        }
        if (rows.Rows() > page_size) {
          response->set_next_page_token(EncodePageToken("entries", rows.Int64(count - 1, 0)));
        }
        return absl::OkStatus();
      });
}

}  // namespace loyalty::query
