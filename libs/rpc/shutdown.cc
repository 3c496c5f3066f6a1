#include "libs/rpc/shutdown.h"

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "grpc/grpc.h"
#include "libs/base/log.h"

namespace loyalty::rpc {

namespace {

// How often StopServers looks whether calls are still in flight.
constexpr absl::Duration kInFlightPoll = absl::Milliseconds(20);

}  // namespace

void StopServers(std::vector<grpc::Server*> servers, absl::Duration grace,
                 absl::FunctionRef<void()> cancel_running, RpcMetrics* metrics) {
  std::erase(servers, nullptr);
  const absl::Time grace_deadline = absl::Now() + grace;
  absl::Mutex mutex;
  size_t running = servers.size();  // guarded by `mutex`
  const auto all_stopped = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex) { return running == 0; };
  std::vector<std::thread> stopping;
  for (grpc::Server* server : servers) {
    // Each Shutdown blocks until its calls are answered: one thread each, so that every server
    // stops taking calls at once.
    stopping.emplace_back([&, server] {
      server->Shutdown(absl::ToChronoTime(grace_deadline + kShutdownAnswerTime));
      absl::MutexLock lock(&mutex);
      --running;
    });
  }
  // Calls in flight none twice in a row, kInFlightPoll apart: every Shutdown has begun (no call
  // is taken any more) and none is left to answer; what keeps the servers then is the clients'
  // idle connections, which cancelling (nothing) closes.
  int idle_polls = 0;
  mutex.Lock();
  while (metrics != nullptr && idle_polls < 2 &&
         !mutex.AwaitWithDeadline(absl::Condition(&all_stopped),
                                  std::min(grace_deadline, absl::Now() + kInFlightPoll)) &&
         absl::Now() < grace_deadline) {
    idle_polls = metrics->CallsInFlight() == 0 ? idle_polls + 1 : 0;
  }
  if (idle_polls == 2) {
    LogInfo("no call in flight: closing the clients' idle connections");
    for (grpc::Server* server : servers) grpc_server_cancel_all_calls(server->c_server());
  }
  if (!mutex.AwaitWithDeadline(absl::Condition(&all_stopped), grace_deadline)) {
    mutex.Unlock();
    LogWarning(absl::StrCat("the shutdown grace of ", absl::FormatDuration(grace),
                            " has passed: cancelling the calls still running"));
    cancel_running();
    mutex.Lock();
    if (!mutex.AwaitWithDeadline(absl::Condition(&all_stopped),
                                 grace_deadline + 2 * kShutdownAnswerTime)) {
      LogError("the servers did not stop after the grace: exiting now");
      std::_Exit(1);
    }
  }
  mutex.Unlock();
  for (std::thread& thread : stopping) thread.join();
}

}  // namespace loyalty::rpc
