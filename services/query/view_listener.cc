#include "services/query/view_listener.h"

#include <charconv>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/base/log.h"
#include "libs/base/sleep.h"
#include "libs/base/status_macros.h"
#include "libs/pg/connection.h"
#include "services/query/standby_watcher.h"

namespace loyalty::query {
namespace {

constexpr char kChannel[] = "loyalty_views";
constexpr char kHeartbeatPrefix[] = "h ";
// Heartbeats sent and not yet back before the session counts as lost.
constexpr size_t kMaxHeartbeatsInFlight = 64;
// SQLSTATE of LISTEN on a standby ("cannot execute LISTEN during recovery").
constexpr char kReadOnlyTransaction[] = "25006";

constexpr pg::Statement kHeartbeat{"listener_heartbeat", "SELECT pg_notify($1, $2)"};

}  // namespace

ViewListener::ViewListener(ViewListenerOptions options, BalanceCache* cache)
    : options_(std::move(options)), cache_(cache) {}

void ViewListener::Run(std::stop_token stop) {
  std::optional<StandbyWatcher> standby;
  while (!stop.stop_requested()) {
    const absl::Status ended = standby ? standby->WatchOnce(stop) : ListenOnce(stop);
    cache_->Close();
    if (stop.stop_requested()) break;
    if (!standby && pg::SqlStateOf(ended) == kReadOnlyTransaction) {
      LogInfo(
          "the views' server is a standby, which cannot LISTEN: the balance cache follows "
          "its replay instead");
      standby.emplace(StandbyWatchOptions{options_.database_url, options_.standby_poll_interval},
                      cache_);
      continue;
    }
    LogWarning(absl::StrCat("balance cache closed: ", ended.ToString()));
    SleepUnlessStopped(stop, options_.reconnect_interval);
  }
}

absl::Status ViewListener::ListenOnce(const std::stop_token& stop) {
  LOYALTY_ASSIGN_OR_RETURN(std::unique_ptr<pg::Connection> connection,
                   pg::Connection::Open(options_.database_url));
  LOYALTY_RETURN_IF_ERROR(connection->ExecuteText(absl::StrCat("LISTEN ", kChannel)).status());
  cache_->Open();
  std::deque<std::pair<int64_t, BalanceCache::SteadyTime>> in_flight;
  int64_t sequence = 0;
  BalanceCache::SteadyTime next_heartbeat = BalanceCache::Now();
  const auto interval = absl::ToChronoNanoseconds(options_.heartbeat_interval);
  while (!stop.stop_requested()) {
    const BalanceCache::SteadyTime now = BalanceCache::Now();
    if (now >= next_heartbeat) {
      if (in_flight.size() >= kMaxHeartbeatsInFlight) {
        return absl::UnavailableError("the listener's heartbeats do not come back");
      }
      in_flight.emplace_back(++sequence, now);
      pg::Params heartbeat;
      heartbeat.Add(std::string(kChannel)).Add(absl::StrCat(kHeartbeatPrefix, sequence));
      LOYALTY_RETURN_IF_ERROR(connection->Execute(kHeartbeat, heartbeat).status());
      next_heartbeat = now + interval;
    }
    LOYALTY_ASSIGN_OR_RETURN(std::vector<pg::Notification> arrived,
                     connection->AwaitNotifications(absl::FromChrono(
                         std::max(next_heartbeat - BalanceCache::Now(),
                                  BalanceCache::SteadyTime::duration::zero()))));
    for (const pg::Notification& notification : arrived) {
      if (!absl::StartsWith(notification.payload, kHeartbeatPrefix)) {
        cache_->Apply(notification.payload);
        continue;
      }
      if (!notification.from_self) continue;  // another replica's heartbeat
      const std::string_view digits =
          std::string_view(notification.payload).substr(sizeof(kHeartbeatPrefix) - 1);
      int64_t echoed = 0;
      std::from_chars(digits.data(), digits.data() + digits.size(), echoed);
      while (!in_flight.empty() && in_flight.front().first <= echoed) {
        cache_->Confirm(in_flight.front().second);
        in_flight.pop_front();
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace loyalty::query
