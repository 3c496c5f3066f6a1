#include "services/query/standby_watcher.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/base/sleep.h"
#include "libs/base/status_macros.h"
#include "libs/pg/transaction.h"
#include "services/query/checkpoint.h"
#include "services/query/event_apply.h"

namespace loyalty::query {
namespace {

constexpr pg::Statement kChangeSeqs{
    "standby_change_seqs", "SELECT org_id, view_change_seq FROM orgs WHERE view_change_seq > 0"};
constexpr pg::Statement kEvents{
    "standby_events",
    "SELECT event FROM outbox WHERE position > $1 AND position <= $2 ORDER BY position LIMIT $3"};
constexpr pg::Statement kChanges{
    "standby_changes",
    "SELECT seq, member_id FROM view_changes WHERE org_id = $1 AND seq > $2 ORDER BY seq"};

std::string MemberPayload(const std::string& org_id, const std::string& member_id) {
  return absl::StrCat("m ", org_id, " ", member_id);
}

}  // namespace

StandbyWatcher::StandbyWatcher(StandbyWatchOptions options, BalanceCache* cache)
    : options_(std::move(options)), cache_(cache) {}

absl::Status StandbyWatcher::WatchOnce(const std::stop_token& stop) {
  LOYALTY_ASSIGN_OR_RETURN(std::unique_ptr<pg::Connection> connection,
                           pg::Connection::Open(options_.database_url));
  position_ = 0;
  seqs_.clear();
  LOYALTY_RETURN_IF_ERROR(Poll(*connection, /*first=*/true));
  cache_->Open();
  while (!SleepUnlessStopped(stop, options_.poll_interval)) {
    const BalanceCache::SteadyTime before = BalanceCache::Now();
    LOYALTY_RETURN_IF_ERROR(Poll(*connection, /*first=*/false));
    cache_->Confirm(before);
  }
  return absl::OkStatus();
}

absl::Status StandbyWatcher::Poll(pg::Connection& connection, bool first) {
  pg::Transaction tx(connection, pg::Isolation::kRepeatableRead);
  LOYALTY_ASSIGN_OR_RETURN(const int64_t position, ReadCheckpoint(tx));
  LOYALTY_ASSIGN_OR_RETURN(pg::Result seqs, tx.Execute(kChangeSeqs));
  if (!first && position > position_) LOYALTY_RETURN_IF_ERROR(ReportEvents(tx, position));
  for (int row = 0; row < seqs.Rows(); ++row) {
    const std::string org_id(seqs.Text(row, 0));
    const int64_t seq = seqs.Int64(row, 1);
    if (!first && seq != seqs_[org_id]) LOYALTY_RETURN_IF_ERROR(ReportChanges(tx, org_id, seq));
    seqs_[org_id] = seq;
  }
  // Last, as the primary's 'p' comes after its members': a position gone back clears everything.
  if (!first) cache_->Apply(absl::StrCat("p ", position));
  position_ = position;
  return tx.Commit();
}

absl::Status StandbyWatcher::ReportEvents(pg::Transaction& tx, int64_t position) {
  LOYALTY_ASSIGN_OR_RETURN(
      pg::Result events,
      tx.Execute(kEvents, pg::Params().Add(position_).Add(position).Add(options_.max_events + 1)));
  if (events.Rows() > options_.max_events) {
    cache_->Apply("a");
    return absl::OkStatus();
  }
  for (int row = 0; row < events.Rows(); ++row) {
    internal::v1::LedgerEvent event;
    if (!event.ParseFromString(events.Bytes(row, 0))) {
      cache_->Apply("a");  // not one of ours: assume everything changed
      continue;
    }
    for (const std::string& member_id : BalanceMembersOf(event)) {
      cache_->Apply(MemberPayload(event.org_id(), member_id));
    }
  }
  return absl::OkStatus();
}

absl::Status StandbyWatcher::ReportChanges(pg::Transaction& tx, const std::string& org_id,
                                           int64_t seq) {
  const int64_t reported = seqs_[org_id];
  LOYALTY_ASSIGN_OR_RETURN(pg::Result changes,
                           tx.Execute(kChanges, pg::Params().Add(org_id).Add(reported)));
  // Fewer rows than numbers: the oldest were pruned (or the numbers went back).
  if (seq < reported || changes.Rows() != seq - reported) {
    cache_->Apply(absl::StrCat("o ", org_id));
    return absl::OkStatus();
  }
  for (int row = 0; row < changes.Rows(); ++row) {
    const std::optional<std::string> member_id = changes.OptionalText(row, 1);
    cache_->Apply(member_id ? MemberPayload(org_id, *member_id) : absl::StrCat("o ", org_id));
  }
  return absl::OkStatus();
}

}  // namespace loyalty::query
