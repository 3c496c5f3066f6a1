#pragma once

#include <stop_token>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/query/balance_cache.h"

namespace loyalty::query {

struct ViewListenerOptions {
  std::string database_url;  // the server GetBalances reads the views from
  absl::Duration heartbeat_interval = absl::Milliseconds(200);
  absl::Duration reconnect_interval = absl::Seconds(1);
  absl::Duration standby_poll_interval = absl::Milliseconds(20);  // StandbyWatcher's
};

// Keeps a BalanceCache told of every change: one session LISTENs to loyalty_views and hands each
// announcement to the cache in arrival order, and NOTIFYs a heartbeat of its own every
// heartbeat_interval that, coming back, confirms all that was committed before it has arrived.
// When the session is lost the cache is closed (emptied) until a new one listens. A standby
// refuses LISTEN (and does not replicate announcements): from then on a StandbyWatcher keeps the
// cache told instead, by polling what the standby replays.
class ViewListener final {
 public:
  ViewListener(ViewListenerOptions options, BalanceCache* cache);
  void Run(std::stop_token stop);

 private:
  absl::Status ListenOnce(const std::stop_token& stop);

  const ViewListenerOptions options_;
  BalanceCache* cache_;
};

}  // namespace loyalty::query
