// ThreadSanitizer builds only (LOYALTY_SANITIZE=thread): makes Debian's absl::Mutex, CondVar and
// Notification visible to TSan.
//
// Debian's libabsl_synchronization is not built with -fsanitize=thread, so its lock and wait paths
// (atomics and futex calls) carry no TSan annotations: TSan sees no happens-before edge through
// an absl::Mutex and reports every access guarded by one as a race (a two-thread counter under
// absl::MutexLock is enough). Our pool, call queue and member batcher, and libgrpc, use
// absl::Mutex. This file defines the library's own entry points in the test executable, which
// the dynamic linker binds ahead of libabsl_synchronization.so (its calls go through the PLT,
// libgrpc's too). Each one calls the real function, found with dlsym(RTLD_NEXT), and tells TSan
// the happens-before edge it makes: __tsan_release on the mutex before it is given up,
// __tsan_acquire after it is taken; Notify releases the notification, a wait that saw it
// acquires; accesses during the call (conditions absl evaluates) are not checked. Not TSan's mutex
// model (__tsan_mutex_*): that reads the mutex's memory at each lock,
// and libgrpc's mutexes live in memory that libgrpc hands between threads where TSan cannot see
// it. A reader lock is counted as a lock, so two readers are ordered: this can hide a race
// between readers, never report one.
#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/base/config.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

#ifndef __SANITIZE_THREAD__
#error "tsan_absl_sync.cc belongs in -fsanitize=thread builds only"
#endif

// In libtsan, not declared by gcc 12's sanitizer/tsan_interface.h.
extern "C" void __tsan_ignore_thread_begin();
extern "C" void __tsan_ignore_thread_end();

namespace {

// The symbol's mangled name for this absl's inline namespace, from a template where @ stands for
// the namespace's length-prefixed name (e.g. "7debian3").
std::string Mangled(const char* pattern) {
  const std::string inline_namespace = ABSL_INTERNAL_INLINE_NAMESPACE_STR;
  const std::string prefix = std::to_string(inline_namespace.size()) + inline_namespace;
  std::string name;
  for (const char* c = pattern; *c != '\0'; ++c) {
    if (*c == '@') {
      name += prefix;
    } else {
      name += *c;
    }
  }
  return name;
}

template <typename Function>
Function Real(const char* pattern) {
  const std::string name = Mangled(pattern);
  void* symbol = dlsym(RTLD_NEXT, name.c_str());
  if (symbol == nullptr) {
    std::fprintf(stderr, "tsan_absl_sync: %s not found\n", name.c_str());
    std::abort();
  }
  return reinterpret_cast<Function>(symbol);
}

// What a call into absl does for TSan.
enum class Sync {
  kAcquire,  // returns holding the mutex (a try lock or a timed wait: when it says so)
  kRelease,  // gives the mutex up
  kWait,     // entered and left holding the mutex, which it gives up while it waits
};

// For the lifetime of the object, one call into absl: a release before it, an acquire after it,
// and no access checked during it. absl evaluates conditions inside its calls, some on another
// waiter's behalf; absl built with TSan ignores those accesses the same way.
class Call final {
 public:
  Call(const void* address, Sync sync) : address_(const_cast<void*>(address)), sync_(sync) {
    if (sync_ != Sync::kAcquire) __tsan_release(address_);
    __tsan_ignore_thread_begin();
  }
  ~Call() {
    __tsan_ignore_thread_end();
    if (sync_ != Sync::kRelease && acquired_) __tsan_acquire(address_);
  }
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;
  bool Result(bool acquired) {
    acquired_ = acquired;
    return acquired;
  }

 private:
  void* const address_;
  const Sync sync_;
  bool acquired_ = true;
};

}  // namespace

// absl's own names, so the definitions are in its namespace.
#define REAL(type, pattern) static const auto real = Real<type>(pattern)

namespace absl {
ABSL_NAMESPACE_BEGIN

void Mutex::Lock() {
  REAL(void (*)(Mutex*), "_ZN4absl@5Mutex4LockEv");
  const Call call(this, Sync::kAcquire);
  real(this);
}

void Mutex::ReaderLock() {
  REAL(void (*)(Mutex*), "_ZN4absl@5Mutex10ReaderLockEv");
  const Call call(this, Sync::kAcquire);
  real(this);
}

bool Mutex::TryLock() {
  REAL(bool (*)(Mutex*), "_ZN4absl@5Mutex7TryLockEv");
  Call call(this, Sync::kAcquire);
  return call.Result(real(this));
}

bool Mutex::ReaderTryLock() {
  REAL(bool (*)(Mutex*), "_ZN4absl@5Mutex13ReaderTryLockEv");
  Call call(this, Sync::kAcquire);
  return call.Result(real(this));
}

void Mutex::Unlock() {
  REAL(void (*)(Mutex*), "_ZN4absl@5Mutex6UnlockEv");
  const Call call(this, Sync::kRelease);
  real(this);
}

void Mutex::ReaderUnlock() {
  REAL(void (*)(Mutex*), "_ZN4absl@5Mutex12ReaderUnlockEv");
  const Call call(this, Sync::kRelease);
  real(this);
}

// LockWhen*: returns holding the lock whatever the condition (the timed ones say whether it
// held).
void Mutex::LockWhen(const Condition& condition) {
  REAL(void (*)(Mutex*, const Condition&), "_ZN4absl@5Mutex8LockWhenERKNS0_9ConditionE");
  const Call call(this, Sync::kAcquire);
  real(this, condition);
}

bool Mutex::LockWhenWithTimeout(const Condition& condition, Duration timeout) {
  REAL(bool (*)(Mutex*, const Condition&, Duration),
       "_ZN4absl@5Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  const Call call(this, Sync::kAcquire);
  return real(this, condition, timeout);
}

bool Mutex::LockWhenWithDeadline(const Condition& condition, Time deadline) {
  REAL(bool (*)(Mutex*, const Condition&, Time),
       "_ZN4absl@5Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  const Call call(this, Sync::kAcquire);
  return real(this, condition, deadline);
}

void Mutex::Await(const Condition& condition) {
  REAL(void (*)(Mutex*, const Condition&), "_ZN4absl@5Mutex5AwaitERKNS0_9ConditionE");
  const Call call(this, Sync::kWait);
  real(this, condition);
}

bool Mutex::AwaitWithTimeout(const Condition& condition, Duration timeout) {
  REAL(bool (*)(Mutex*, const Condition&, Duration),
       "_ZN4absl@5Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  const Call call(this, Sync::kWait);
  return real(this, condition, timeout);
}

bool Mutex::AwaitWithDeadline(const Condition& condition, Time deadline) {
  REAL(bool (*)(Mutex*, const Condition&, Time),
       "_ZN4absl@5Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  const Call call(this, Sync::kWait);
  return real(this, condition, deadline);
}

void CondVar::Wait(Mutex* mutex) {
  REAL(void (*)(CondVar*, Mutex*), "_ZN4absl@7CondVar4WaitEPNS0_5MutexE");
  const Call call(mutex, Sync::kWait);
  real(this, mutex);
}

bool CondVar::WaitWithTimeout(Mutex* mutex, Duration timeout) {
  REAL(bool (*)(CondVar*, Mutex*, Duration),
       "_ZN4absl@7CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE");
  const Call call(mutex, Sync::kWait);
  return real(this, mutex, timeout);
}

bool CondVar::WaitWithDeadline(Mutex* mutex, Time deadline) {
  REAL(bool (*)(CondVar*, Mutex*, Time),
       "_ZN4absl@7CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE");
  const Call call(mutex, Sync::kWait);
  return real(this, mutex, deadline);
}

void Notification::Notify() {
  REAL(void (*)(Notification*), "_ZN4absl@12Notification6NotifyEv");
  const Call call(this, Sync::kRelease);
  real(this);
}

void Notification::WaitForNotification() const {
  REAL(void (*)(const Notification*), "_ZNK4absl@12Notification19WaitForNotificationEv");
  const Call call(this, Sync::kAcquire);
  real(this);
}

bool Notification::WaitForNotificationWithTimeout(Duration timeout) const {
  REAL(bool (*)(const Notification*, Duration),
       "_ZNK4absl@12Notification30WaitForNotificationWithTimeoutENS0_8DurationE");
  Call call(this, Sync::kAcquire);
  return call.Result(real(this, timeout));
}

bool Notification::WaitForNotificationWithDeadline(Time deadline) const {
  REAL(bool (*)(const Notification*, Time),
       "_ZNK4absl@12Notification31WaitForNotificationWithDeadlineENS0_4TimeE");
  Call call(this, Sync::kAcquire);
  return call.Result(real(this, deadline));
}

ABSL_NAMESPACE_END
}  // namespace absl
