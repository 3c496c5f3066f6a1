#include "services/query/rebuild.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "libs/base/status_macros.h"
#include "libs/pg/connection.h"
#include "libs/pg/transaction.h"
#include "services/query/event_apply.h"

namespace loyalty::query {
namespace {

constexpr int64_t kReplayBatch = 1000;
constexpr int64_t kMaxSamples = 50;

// The views a rebuild recomputes (view_checkpoint is the position, not a view).
constexpr const char* kViewTables[] = {"view_lots",
                                       "view_totals",
                                       "view_enrolments",
                                       "view_entries",
                                       "view_redemptions",
                                       "view_redemption_programs",
                                       "view_redemption_lots",
                                       "view_household_contributions",
                                       "view_partner_links",
                                       "view_conversions",
                                       "view_vouchers",
                                       "view_member_badges",
                                       "view_spend_days",
                                       "view_action_counts"};

constexpr pg::Statement kLiveCheckpoint{"projector_rebuild_checkpoint",
                                        "SELECT position FROM public.view_checkpoint"};

constexpr pg::Statement kReplayEvents{
    "projector_rebuild_replay",
    "SELECT position, event FROM outbox WHERE position > $1 AND position <= $2"
    " ORDER BY position LIMIT $3"};

// Temporary tables come first in the search path, so the unqualified statements of ViewChanges,
// prepared on this fresh connection after these exist, write to the scratch copies.
absl::Status CreateScratchTables(pg::Connection& connection) {
  for (const char* table : kViewTables) {
    LOYALTY_RETURN_IF_ERROR(connection
                        .ExecuteText(absl::StrCat("CREATE TEMP TABLE ", table,
                                                  " (LIKE public.", table,
                                                  " INCLUDING ALL) ON COMMIT DROP"))
                        .status());
  }
  // The badges' measures start from what migration 0012 found (earlier events carry no deltas).
  for (const char* table : {"view_spend_days", "view_action_counts"}) {
    LOYALTY_RETURN_IF_ERROR(connection
                                .ExecuteText(absl::StrCat("INSERT INTO pg_temp.", table,
                                                          " SELECT * FROM public.baseline_", table))
                                .status());
  }
  return absl::OkStatus();
}

absl::Status Replay(pg::Connection& connection, RebuildReport& report) {
  pg::Transaction tx(connection);
  int64_t after = 0;
  while (true) {
    pg::Params params;
    params.Add(after).Add(report.position).Add(kReplayBatch);
    LOYALTY_ASSIGN_OR_RETURN(pg::Result rows, tx.Execute(kReplayEvents, params));
    ViewChanges changes;
    for (int i = 0; i < rows.Rows(); ++i) {
      internal::v1::LedgerEvent event;
      if (!event.ParseFromString(rows.Bytes(i, 1))) {
        return absl::InternalError(absl::StrCat("outbox event ", rows.Int64(i, 0),
                                                " does not parse"));
      }
      changes.Add(rows.Int64(i, 0), event);
      after = rows.Int64(i, 0);
      ++report.events;
    }
    changes.Defer(tx);
    if (rows.Rows() < kReplayBatch) return tx.Flush();
  }
}

absl::Status Compare(pg::Connection& connection, RebuildReport& report) {
  for (const char* table : kViewTables) {
    const std::string live = absl::StrCat("public.", table);
    const std::string scratch = absl::StrCat("pg_temp.", table);
    LOYALTY_ASSIGN_OR_RETURN(
        pg::Result rows,
        connection.ExecuteText(absl::StrCat(
            "SELECT 'only in live', x::text FROM (SELECT * FROM ", live,
            " EXCEPT ALL SELECT * FROM ", scratch, ") x UNION ALL",
            " SELECT 'only in rebuild', y::text FROM (SELECT * FROM ", scratch,
            " EXCEPT ALL SELECT * FROM ", live, ") y")));
    report.differences += rows.Rows();
    for (int i = 0; i < rows.Rows(); ++i) {
      if (static_cast<int64_t>(report.samples.size()) >= kMaxSamples) break;
      report.samples.push_back(absl::StrCat(table, ": ", std::string(rows.Text(i, 0)), ": ",
                                            std::string(rows.Text(i, 1))));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RebuildReport> RebuildAndCompare(const std::string& database_url) {
  LOYALTY_ASSIGN_OR_RETURN(std::unique_ptr<pg::Connection> connection,
                   pg::Connection::Open(database_url));
  LOYALTY_RETURN_IF_ERROR(
      connection->ExecuteText("BEGIN ISOLATION LEVEL REPEATABLE READ").status());
  RebuildReport report;
  absl::Status status = [&]() -> absl::Status {
    LOYALTY_ASSIGN_OR_RETURN(pg::Result checkpoint, connection->Execute(kLiveCheckpoint));
    report.position = checkpoint.Int64(0, 0);
    LOYALTY_RETURN_IF_ERROR(CreateScratchTables(*connection));
    LOYALTY_RETURN_IF_ERROR(Replay(*connection, report));
    return Compare(*connection, report);
  }();
  (void)connection->ExecuteText("ROLLBACK");
  LOYALTY_RETURN_IF_ERROR(status);
  return report;
}

}  // namespace loyalty::query
