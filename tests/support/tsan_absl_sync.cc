// ThreadSanitizer builds only (LOYALTY_SANITIZE=thread): makes Debian's absl::Mutex, CondVar and
// Notification visible to TSan.
//
// Debian's libabsl_synchronization is not built with -fsanitize=thread, so its lock and wait paths
// (atomics and futex calls) carry no TSan annotations: TSan sees no happens-before edge through
// an absl::Mutex and reports every access guarded by one as a race (a two-thread counter under
// absl::MutexLock is enough). Our pool, call queue and member batcher, and libgrpc, use
// absl::Mutex. This file defines the library's own entry points in the test executable, which
// the dynamic linker binds ahead of libabsl_synchronization.so (its calls go through the PLT,
// libgrpc's too); each one tells TSan what it does (the same __tsan_mutex_* calls absl makes when
// it is itself built with TSan) and calls the real function, found with dlsym(RTLD_NEXT).
// Nested calls (Notify locks its own mutex) are annotated only at the outermost entry point.
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

// Depth of wrapped calls on this thread: only the outermost one is annotated.
thread_local int wrapped_depth = 0;

class Wrapped {
 public:
  Wrapped() : outermost_(wrapped_depth++ == 0) {}
  ~Wrapped() { --wrapped_depth; }
  Wrapped(const Wrapped&) = delete;
  Wrapped& operator=(const Wrapped&) = delete;

 protected:
  bool outermost() const { return outermost_; }

 private:
  const bool outermost_;
};

// For the lifetime of the object, a call that returns holding `mutex` (a try lock: when it says
// so). TSan ignores accesses in between, such as conditions absl evaluates.
class Acquiring final : Wrapped {
 public:
  Acquiring(void* mutex, unsigned flags) : mutex_(mutex), flags_(flags) {
    if (outermost()) __tsan_mutex_pre_lock(mutex_, flags_);
  }
  ~Acquiring() {
    if (outermost()) __tsan_mutex_post_lock(mutex_, flags_, 0);
  }
  bool TryResult(bool locked) {
    if (!locked) flags_ |= __tsan_mutex_try_lock_failed;
    return locked;
  }

 private:
  void* const mutex_;
  unsigned flags_;
};

// For the lifetime of the object, a call that releases `mutex`.
class Releasing final : Wrapped {
 public:
  Releasing(void* mutex, unsigned flags) : mutex_(mutex), flags_(flags) {
    if (outermost()) __tsan_mutex_pre_unlock(mutex_, flags_);
  }
  ~Releasing() {
    if (outermost()) __tsan_mutex_post_unlock(mutex_, flags_);
  }

 private:
  void* const mutex_;
  const unsigned flags_;
};

// For the lifetime of the object, a call entered and left holding `mutex` that releases it while
// it waits (Mutex::Await*, CondVar::Wait*).
class Waiting final : Wrapped {
 public:
  explicit Waiting(void* mutex) : mutex_(mutex) {
    if (outermost()) __tsan_mutex_pre_unlock(mutex_, 0);
  }
  ~Waiting() {
    if (!outermost()) return;
    __tsan_mutex_post_unlock(mutex_, 0);
    __tsan_mutex_pre_lock(mutex_, 0);
    __tsan_mutex_post_lock(mutex_, 0, 0);
  }

 private:
  void* const mutex_;
};

// For the lifetime of the object, a Notification's Notify (a release) or a wait for it (an
// acquire when it saw the notification).
class Notifying final : Wrapped {
 public:
  explicit Notifying(const void* notification) {
    if (outermost()) __tsan_release(const_cast<void*>(notification));
  }
};
class AwaitingNotification final : Wrapped {
 public:
  explicit AwaitingNotification(const void* notification) : notification_(notification) {}
  ~AwaitingNotification() {
    if (outermost() && notified_) __tsan_acquire(const_cast<void*>(notification_));
  }
  bool Result(bool notified) {
    notified_ = notified;
    return notified;
  }

 private:
  const void* const notification_;
  bool notified_ = true;
};

}  // namespace

// absl's own names, so the definitions are in its namespace.
#define REAL(type, pattern) static const auto real = Real<type>(pattern)

namespace absl {
ABSL_NAMESPACE_BEGIN

Mutex::~Mutex() {
  REAL(void (*)(Mutex*), "_ZN4absl@5MutexD2Ev");
  __tsan_mutex_destroy(this, 0);
  real(this);
}

void Mutex::Lock() {
  REAL(void (*)(Mutex*), "_ZN4absl@5Mutex4LockEv");
  const Acquiring acquiring(this, 0);
  real(this);
}

void Mutex::ReaderLock() {
  REAL(void (*)(Mutex*), "_ZN4absl@5Mutex10ReaderLockEv");
  const Acquiring acquiring(this, __tsan_mutex_read_lock);
  real(this);
}

bool Mutex::TryLock() {
  REAL(bool (*)(Mutex*), "_ZN4absl@5Mutex7TryLockEv");
  Acquiring acquiring(this, __tsan_mutex_try_lock);
  return acquiring.TryResult(real(this));
}

bool Mutex::ReaderTryLock() {
  REAL(bool (*)(Mutex*), "_ZN4absl@5Mutex13ReaderTryLockEv");
  Acquiring acquiring(this, __tsan_mutex_try_read_lock);
  return acquiring.TryResult(real(this));
}

void Mutex::Unlock() {
  REAL(void (*)(Mutex*), "_ZN4absl@5Mutex6UnlockEv");
  const Releasing releasing(this, 0);
  real(this);
}

void Mutex::ReaderUnlock() {
  REAL(void (*)(Mutex*), "_ZN4absl@5Mutex12ReaderUnlockEv");
  const Releasing releasing(this, __tsan_mutex_read_lock);
  real(this);
}

// LockWhen*: returns holding the lock whatever the condition (the timed ones say whether it
// held).
void Mutex::LockWhen(const Condition& condition) {
  REAL(void (*)(Mutex*, const Condition&), "_ZN4absl@5Mutex8LockWhenERKNS0_9ConditionE");
  const Acquiring acquiring(this, 0);
  real(this, condition);
}

bool Mutex::LockWhenWithTimeout(const Condition& condition, Duration timeout) {
  REAL(bool (*)(Mutex*, const Condition&, Duration),
       "_ZN4absl@5Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  const Acquiring acquiring(this, 0);
  return real(this, condition, timeout);
}

bool Mutex::LockWhenWithDeadline(const Condition& condition, Time deadline) {
  REAL(bool (*)(Mutex*, const Condition&, Time),
       "_ZN4absl@5Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  const Acquiring acquiring(this, 0);
  return real(this, condition, deadline);
}

void Mutex::Await(const Condition& condition) {
  REAL(void (*)(Mutex*, const Condition&), "_ZN4absl@5Mutex5AwaitERKNS0_9ConditionE");
  const Waiting waiting(this);
  real(this, condition);
}

bool Mutex::AwaitWithTimeout(const Condition& condition, Duration timeout) {
  REAL(bool (*)(Mutex*, const Condition&, Duration),
       "_ZN4absl@5Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  const Waiting waiting(this);
  return real(this, condition, timeout);
}

bool Mutex::AwaitWithDeadline(const Condition& condition, Time deadline) {
  REAL(bool (*)(Mutex*, const Condition&, Time),
       "_ZN4absl@5Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  const Waiting waiting(this);
  return real(this, condition, deadline);
}

void CondVar::Wait(Mutex* mutex) {
  REAL(void (*)(CondVar*, Mutex*), "_ZN4absl@7CondVar4WaitEPNS0_5MutexE");
  const Waiting waiting(mutex);
  real(this, mutex);
}

bool CondVar::WaitWithTimeout(Mutex* mutex, Duration timeout) {
  REAL(bool (*)(CondVar*, Mutex*, Duration),
       "_ZN4absl@7CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE");
  const Waiting waiting(mutex);
  return real(this, mutex, timeout);
}

bool CondVar::WaitWithDeadline(Mutex* mutex, Time deadline) {
  REAL(bool (*)(CondVar*, Mutex*, Time),
       "_ZN4absl@7CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE");
  const Waiting waiting(mutex);
  return real(this, mutex, deadline);
}

void Notification::Notify() {
  REAL(void (*)(Notification*), "_ZN4absl@12Notification6NotifyEv");
  const Notifying notifying(this);
  real(this);
}

void Notification::WaitForNotification() const {
  REAL(void (*)(const Notification*), "_ZNK4absl@12Notification19WaitForNotificationEv");
  const AwaitingNotification awaiting(this);
  real(this);
}

bool Notification::WaitForNotificationWithTimeout(Duration timeout) const {
  REAL(bool (*)(const Notification*, Duration),
       "_ZNK4absl@12Notification30WaitForNotificationWithTimeoutENS0_8DurationE");
  AwaitingNotification awaiting(this);
  return awaiting.Result(real(this, timeout));
}

bool Notification::WaitForNotificationWithDeadline(Time deadline) const {
  REAL(bool (*)(const Notification*, Time),
       "_ZNK4absl@12Notification31WaitForNotificationWithDeadlineENS0_4TimeE");
  AwaitingNotification awaiting(this);
  return awaiting.Result(real(this, deadline));
}

ABSL_NAMESPACE_END
}  // namespace absl
