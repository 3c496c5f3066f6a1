#include "services/query/projector.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/base/log.h"
#include "libs/base/sleep.h"
#include "libs/base/status_macros.h"
#include "libs/pg/transaction.h"
#include "services/query/event_apply.h"

namespace loyalty::query {
namespace {

// The checkpoint and the events after it, in one statement: the snapshot's xmin comes from the
// same snapshot as the rows. Without events, one row with the checkpoint and NULL events.
constexpr pg::Statement kFetchEvents{
    "projector_fetch_events",
    "SELECT c.position, c.horizon_xid::text, c.horizon_position,"
    " pg_snapshot_xmin(pg_current_snapshot())::text, o.position, o.event,"
    " (extract(epoch FROM o.created_at) * 1000000)::int8 FROM view_checkpoint c"
    " LEFT JOIN LATERAL (SELECT position, event, created_at FROM outbox"
    " WHERE position > c.position ORDER BY position LIMIT $1) o ON true ORDER BY o.position"};

// Goes out with the view writes and the COMMIT, so its outcome cannot be looked at before the
// commit: a checkpoint that moved since the fetch sets position to -1, which the table's CHECK
// (position >= 0) refuses, and the whole transaction fails. $6: take a new horizon, this
// transaction's own id (it has one by now or takes one here, after the fetch's snapshot).
constexpr pg::Statement kAdvance{
    "projector_advance",
    "UPDATE view_checkpoint SET position = CASE WHEN position = $1 THEN $2 ELSE -1 END,"
    " horizon_xid = CASE WHEN $6 THEN pg_current_xact_id() ELSE $3::xid8 END,"
    " horizon_position = $4, skipped = skipped + $5, applied_at = now()"};

constexpr pg::Statement kLag{
    "projector_lag",
    "SELECT (SELECT coalesce(max(position), 0) FROM outbox) - c.position,"
    " coalesce(extract(epoch FROM now() - (SELECT min(created_at) FROM outbox"
    " WHERE position > c.position)), 0)::float8::text FROM view_checkpoint c"};

constexpr pg::Statement kTryLock{"projector_try_lock", "SELECT pg_try_advisory_lock($1)"};
constexpr pg::Statement kUnlock{"projector_unlock", "SELECT pg_advisory_unlock($1)"};

uint64_t ParseXid(std::string_view text) {
  uint64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

struct State {
  int64_t position = 0;
  std::optional<std::string> horizon_xid;  // xid8 as text
  std::optional<int64_t> horizon_position;
};

}  // namespace

Projector::Projector(ProjectorOptions options, std::unique_ptr<pg::Connection> connection,
                     ProjectorMetrics* metrics, CheckpointWatch* watch)
    : options_(std::move(options)),
      connection_(std::move(connection)),
      metrics_(metrics),
      watch_(watch) {}

absl::StatusOr<std::unique_ptr<Projector>> Projector::Open(ProjectorOptions options,
                                                           ProjectorMetrics* metrics,
                                                           CheckpointWatch* watch) {
  if (options.batch_size < 1 || options.batch_size > kMaxBatchSize) {
    return absl::InvalidArgumentError("projector batch_size must be 1..10000");
  }
  LOYALTY_ASSIGN_OR_RETURN(std::unique_ptr<pg::Connection> connection,
                   pg::Connection::Open(options.database_url));
  return std::unique_ptr<Projector>(
      new Projector(std::move(options), std::move(connection), metrics, watch));
}

absl::StatusOr<int> Projector::RunOnce() {
  int applied = 0;
  int64_t skipped = 0;
  int64_t new_position = 0;
  bool committed = false;
  found_events_ = false;
  std::vector<absl::Time> created_at;  // of the applied events, for the lag histogram
  const absl::Status status = pg::RunTransactionOnce(*connection_, pg::Isolation::kReadCommitted,
                                                     [&](pg::Transaction& tx) {
    applied = 0;
    skipped = 0;
    committed = false;
    created_at.clear();
    LOYALTY_ASSIGN_OR_RETURN(pg::Result rows,
                     tx.Execute(kFetchEvents, pg::Params().Add(
                                                  static_cast<int64_t>(options_.batch_size))));
    const State state{rows.Int64(0, 0), rows.OptionalText(0, 1), rows.OptionalInt64(0, 2)};
    const int events = rows.IsNull(0, 4) ? 0 : rows.Rows();
    found_events_ = events > 0;
    if (!found_events_) return absl::OkStatus();
    const uint64_t xmin = ParseXid(rows.Text(0, 3));
    const bool settled =
        state.horizon_xid.has_value() && xmin >= ParseXid(*state.horizon_xid);
    int64_t expected = state.position + 1;
    ViewChanges changes;
    int row = 0;
    for (; row < events; ++row) {
      const int64_t position = rows.Int64(row, 4);
      if (position > expected && settled && expected <= *state.horizon_position) {
        // Every transaction that could hold these positions has ended without them.
        const int64_t next = std::min(position, *state.horizon_position + 1);
        skipped += next - expected;
        expected = next;
      }
      if (position != expected) break;
      internal::v1::LedgerEvent event;
      if (!event.ParseFromString(rows.Bytes(row, 5))) {
        return absl::InternalError(absl::StrCat("outbox event ", position, " does not parse"));
      }
      changes.Add(position, event);
      created_at.push_back(absl::FromUnixMicros(rows.Int64(row, 6)));
      ++expected;
      ++applied;
    }
    changes.Defer(tx);
    new_position = expected - 1;
    State next{new_position, state.horizon_xid, state.horizon_position};
    const bool stuck = row < events;
    const bool horizon_covers =
        state.horizon_position.has_value() && expected <= *state.horizon_position;
    // A gap at `expected`: every position up to the last one seen was taken by a transaction
    // that already had an xid older than ours. Once all of those ended, the gap is permanent.
    const bool take_horizon = stuck && !horizon_covers;
    if (take_horizon) {
      next.horizon_position = rows.Int64(events - 1, 4);
    } else if (!stuck && !horizon_covers) {
      next.horizon_xid.reset();
      next.horizon_position.reset();
    }
    if (applied == 0 && skipped == 0 && !take_horizon &&
        next.horizon_xid == state.horizon_xid &&
        next.horizon_position == state.horizon_position) {
      return absl::OkStatus();  // nothing to write
    }
    pg::Params params;
    params.Add(state.position).Add(next.position).Add(next.horizon_xid)
        .Add(next.horizon_position).Add(skipped).Add(take_horizon);
    tx.Defer(kAdvance, std::move(params));
    committed = true;
    return absl::OkStatus();
  });
  if (pg::SqlStateOf(status) == "23514" &&  // the CHECK that kAdvance's guard trips
      absl::StrContains(status.message(), "view_checkpoint_position_check")) {
    return absl::AbortedError("the checkpoint moved: another projector is running");
  }
  LOYALTY_RETURN_IF_ERROR(status);
  if (committed) {
    if (metrics_ != nullptr) {
      metrics_->OnApplied(applied, skipped);
      metrics_->OnEventsVisible(absl::Now(), created_at);
    }
    if (watch_ != nullptr) watch_->Advanced(new_position);
  }
  const absl::Time now = absl::Now();
  if (now - lag_reported_at_ >= options_.lag_report_interval) {
    lag_reported_at_ = now;
    ReportLag();
  }
  return applied;
}

void Projector::ReportLag() {
  if (metrics_ == nullptr) return;
  absl::StatusOr<pg::Result> lag = connection_->Execute(kLag);
  if (!lag.ok()) {
    metrics_->OnLagUnknown();
    return;
  }
  double seconds = 0;
  const std::string_view text = lag->Text(0, 1);
  std::from_chars(text.data(), text.data() + text.size(), seconds);
  metrics_->OnLag(lag->Int64(0, 0), absl::Seconds(seconds));
}

Projector::~Projector() {
  // Step down at once: a closed connection's lock is freed only when its backend has ended.
  if (leader_ && !connection_->IsBroken()) {
    (void)connection_->Execute(kUnlock, pg::Params().Add(kLeaderLockKey));
  }
}

absl::StatusOr<bool> Projector::TryLead() {
  if (leader_) return true;
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row, connection_->Execute(kTryLock, pg::Params().Add(
                                                                      kLeaderLockKey)));
  leader_ = row.Bool(0, 0);
  if (metrics_ != nullptr) metrics_->OnLeader(leader_);
  return leader_;
}

absl::Status Projector::Reconnect() {
  leader_ = false;
  if (metrics_ != nullptr) {
    metrics_->OnLeader(/*leader=*/false);
    metrics_->OnLagUnknown();
  }
  LOYALTY_ASSIGN_OR_RETURN(connection_, pg::Connection::Open(options_.database_url));
  return absl::OkStatus();
}

void Projector::Run(std::stop_token stop) {
  const auto wait = [&stop](absl::Duration duration) { SleepUnlessStopped(stop, duration); };
  while (!stop.stop_requested()) {
    absl::StatusOr<bool> leading = TryLead();
    if (leading.ok() && !*leading) {
      wait(options_.standby_interval);
      continue;
    }
    absl::StatusOr<int> applied = leading.ok() ? RunOnce() : leading.status();
    if (!applied.ok()) {
      LogWarning(absl::StrCat("projector: ", applied.status().ToString()));
      if (connection_->IsBroken()) {
        const absl::Status reopened = Reconnect();
        if (!reopened.ok()) LogWarning(absl::StrCat("projector: ", reopened.ToString()));
      }
      wait(options_.standby_interval);
      continue;
    }
    if (*applied < options_.batch_size) {
      wait(found_events_ ? options_.busy_poll_interval : options_.poll_interval);
    }
  }
}

}  // namespace loyalty::query
