#include "libs/base/sleep.h"

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace loyalty {
namespace {

// Set by the stop request, under the mutex: its unlock wakes the sleeper's Await.
struct StopSeen {
  absl::Mutex mutex;
  bool stopped ABSL_GUARDED_BY(mutex) = false;
};

}  // namespace

bool SleepUnlessStopped(const std::stop_token& stop, absl::Duration duration) {
  StopSeen seen;
  const std::stop_callback on_stop(stop, [&seen] {
    absl::MutexLock lock(&seen.mutex);
    seen.stopped = true;
  });
  absl::MutexLock lock(&seen.mutex);
  seen.mutex.AwaitWithTimeout(absl::Condition(&seen.stopped), duration);
  return seen.stopped;
}

}  // namespace loyalty
