#pragma once

#include <cstdint>
#include <memory>
#include <stop_token>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/pg/connection.h"
#include "services/query/checkpoint.h"
#include "services/query/projector_metrics.h"

namespace loyalty::query {

struct ProjectorOptions {
  std::string database_url;  // the primary: the projector writes the views
  int batch_size = 500;      // events per SQL transaction, 1..10000
  absl::Duration poll_interval = absl::Milliseconds(20);      // after a round that found none
  absl::Duration busy_poll_interval = absl::Milliseconds(5);  // after one that found events
  absl::Duration lag_report_interval = absl::Seconds(1);      // between lag gauge refreshes
  absl::Duration standby_interval = absl::Seconds(1);         // retry of the leader lock
};

// Applies committed outbox events to the views strictly in position order, each round in one SQL
// transaction that also advances the checkpoint (docs/read-side.md has the ordering proof).
// Not thread-safe: one thread drives it.
class Projector final {
 public:
  // The advisory lock key the leader holds on its connection.
  static constexpr int64_t kLeaderLockKey = 0x6c6f79616c7071;  // "loyalpq", not migrate.cc's key
  static constexpr int kMaxBatchSize = 10000;

  // `metrics` and `watch` may be null; both must outlive the projector.
  static absl::StatusOr<std::unique_ptr<Projector>> Open(ProjectorOptions options,
                                                         ProjectorMetrics* metrics = nullptr,
                                                         CheckpointWatch* watch = nullptr);

  // Releases the leader lock, if held, before the connection closes.
  ~Projector();

  // One round: applies up to batch_size events after the checkpoint and returns how many were
  // applied. Stops before a position that may still commit. ABORTED when another projector moved
  // the checkpoint meanwhile (nothing is applied then).
  absl::StatusOr<int> RunOnce();

  // Takes the leader lock when free; true while this projector holds it.
  absl::StatusOr<bool> TryLead();

  // Until `stop` is requested: stands by until it leads, then runs rounds: at once after a full
  // batch, busy_poll_interval after a round that found events (applied, or waiting behind a
  // position that may still commit), poll_interval after one that found none. Errors are logged
  // and retried (the connection is reopened).
  void Run(std::stop_token stop);

 private:
  Projector(ProjectorOptions options, std::unique_ptr<pg::Connection> connection,
            ProjectorMetrics* metrics, CheckpointWatch* watch);
  absl::Status Reconnect();
  void ReportLag();

  absl::Time lag_reported_at_ = absl::InfinitePast();
  bool found_events_ = false;  // by the last round

  const ProjectorOptions options_;
  std::unique_ptr<pg::Connection> connection_;
  ProjectorMetrics* const metrics_;
  CheckpointWatch* const watch_;
  bool leader_ = false;
};

}  // namespace loyalty::query
