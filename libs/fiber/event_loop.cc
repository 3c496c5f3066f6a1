#include "libs/fiber/event_loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include <boost/context/fiber.hpp>
#include <boost/context/protected_fixedsize_stack.hpp>

#include "libs/base/check.h"

namespace loyalty::fiber {

namespace context = boost::context;

struct Fiber {
  enum class State { kIdle, kReady, kRunning, kSuspended };

  EventLoop* loop = nullptr;
  context::fiber self;    // the fiber, while it does not run
  context::fiber caller;  // the loop, while the fiber runs
  State state = State::kIdle;
  EventLoop::Task task;
  uint64_t wait = 0;  // the number of its current (or last) suspension
  SteadyTime deadline = kNoDeadline;
  int fd = -1;  // watched during the suspension
  bool timed_out = false;
};

namespace {

thread_local Fiber* current_fiber = nullptr;
thread_local EventLoop* current_loop = nullptr;

constexpr int kMaxEvents = 64;
constexpr int64_t kMaxTimeoutMs = 60 * 60 * 1000;

}  // namespace

EventLoop::EventLoop(int fibers, int capacity) : fiber_count_(fibers), capacity_(capacity) {
  LOYALTY_CHECK(fibers >= 1 && fibers <= kMaxFibers && capacity >= 1);
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  LOYALTY_CHECK(epoll_fd_ >= 0 && wake_fd_ >= 0);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.ptr = nullptr;  // the wake fd; fibers' fds carry their Fiber
  LOYALTY_CHECK(epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &event) == 0);
  thread_ = std::thread([this] { Run(); });
}

EventLoop::~EventLoop() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  Signal();
  thread_.join();
  close(wake_fd_);
  close(epoll_fd_);
}

bool EventLoop::TrySubmit(Task task) {
  bool signal = false;
  {
    absl::MutexLock lock(&mutex_);
    if (stopping_ || tasks_.size() >= static_cast<size_t>(capacity_)) return false;
    tasks_.push_back(std::move(task));
    signal = std::exchange(sleeping_, false);
  }
  if (signal) Signal();
  return true;
}

void EventLoop::Signal() {
  const uint64_t one = 1;
  // EAGAIN: the counter is full, so the loop wakes anyway.
  [[maybe_unused]] const ssize_t written = write(wake_fd_, &one, sizeof one);
}

void EventLoop::Run() {
  current_loop = this;
  fibers_.reserve(static_cast<size_t>(fiber_count_));
  for (int i = 0; i < fiber_count_; ++i) {
    auto fiber = std::make_unique<Fiber>();
    Fiber* raw = fiber.get();
    raw->loop = this;
    raw->self = context::fiber(std::allocator_arg, context::protected_fixedsize_stack(kStackBytes),
                               [this, raw](context::fiber&& caller) {
                                 raw->caller = std::move(caller);
                                 WorkerBody(*raw);
                                 return std::move(raw->caller);
                               });
    idle_.push_back(raw);
    fibers_.push_back(std::move(fiber));
  }
  while (TakeInbox()) {
    PollEvents(TimeoutMs());
    FireTimers();
    // The fibers ready now; those they make ready run in the next round, after the next poll.
    for (size_t ready = ready_.size(); ready > 0; --ready) {
      Fiber* fiber = ready_.front();
      ready_.pop_front();
      Resume(*fiber);
    }
  }
  for (Fiber* fiber : idle_) Resume(*fiber);  // without a task: each returns and ends
  current_loop = nullptr;
}

bool EventLoop::TakeInbox() {
  absl::MutexLock lock(&mutex_);
  for (const RemoteWake& wake : wakes_) MakeReady(*wake.fiber, wake.wait, false);
  wakes_.clear();
  while (!idle_.empty() && !tasks_.empty()) {
    Fiber* fiber = idle_.back();
    idle_.pop_back();
    fiber->task = std::move(tasks_.front());
    tasks_.pop_front();
    fiber->state = Fiber::State::kReady;
    ready_.push_back(fiber);
  }
  if (stopping_ && tasks_.empty() && ready_.empty() && idle_.size() == fibers_.size()) {
    return false;
  }
  sleeping_ = ready_.empty();
  return true;
}

void EventLoop::WorkerBody(Fiber& fiber) {
  while (fiber.task) {  // none: the loop is stopping
    {
      Task task = std::move(fiber.task);
      std::move(task)();
    }  // what the task holds is released on the fiber, before it is idle
    fiber.task = nullptr;
    fiber.state = Fiber::State::kIdle;
    idle_.push_back(&fiber);
    SwitchToLoop(fiber);
  }
}

void EventLoop::Resume(Fiber& fiber) {
  current_fiber = &fiber;
  fiber.state = Fiber::State::kRunning;
  fiber.self = std::move(fiber.self).resume();
  current_fiber = nullptr;
}

void EventLoop::SwitchToLoop(Fiber& fiber) { fiber.caller = std::move(fiber.caller).resume(); }

void EventLoop::MakeReady(Fiber& fiber, uint64_t wait, bool timed_out) {
  if (fiber.state != Fiber::State::kSuspended || fiber.wait != wait) return;  // a late wake
  if (fiber.deadline != kNoDeadline) --timed_waits_;
  fiber.deadline = kNoDeadline;
  fiber.fd = -1;
  fiber.timed_out = timed_out;
  fiber.state = Fiber::State::kReady;
  ready_.push_back(&fiber);
}

int EventLoop::TimeoutMs() const {
  if (!ready_.empty()) return 0;
  if (timed_waits_ == 0) return -1;
  SteadyTime nearest = kNoDeadline;
  for (const auto& fiber : fibers_) {
    if (fiber->state == Fiber::State::kSuspended) nearest = std::min(nearest, fiber->deadline);
  }
  const auto remaining = nearest - std::chrono::steady_clock::now();
  if (remaining <= SteadyTime::duration::zero()) return 0;
  // Rounded up, so that a deadline has passed when the wait ends.
  const int64_t ms = std::chrono::ceil<std::chrono::milliseconds>(remaining).count();
  return static_cast<int>(std::min(ms, kMaxTimeoutMs));
}

void EventLoop::PollEvents(int timeout_ms) {
  epoll_event events[kMaxEvents];
  const int count = epoll_wait(epoll_fd_, events, kMaxEvents, timeout_ms);
  for (int i = 0; i < count; ++i) {
    if (events[i].data.ptr == nullptr) {
      uint64_t value = 0;
      [[maybe_unused]] const ssize_t read_bytes = read(wake_fd_, &value, sizeof value);
      continue;
    }
    Fiber& fiber = *static_cast<Fiber*>(events[i].data.ptr);
    if (fiber.fd >= 0) MakeReady(fiber, fiber.wait, false);
  }
}

void EventLoop::FireTimers() {
  if (timed_waits_ == 0) return;
  const SteadyTime now = std::chrono::steady_clock::now();
  for (const auto& fiber : fibers_) {
    if (fiber->state == Fiber::State::kSuspended && fiber->deadline <= now) {
      MakeReady(*fiber, fiber->wait, true);
    }
  }
}

bool EventLoop::Watch(int fd, uint32_t events, Fiber& fiber) {
  epoll_event event{};
  event.events = events | EPOLLONESHOT;
  event.data.ptr = &fiber;
  // Once added, an fd stays in the set, disarmed between waits (one call a wait). A closed fd
  // leaves the set by itself, so a new socket with its number is added again.
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &event) == 0) return true;
  return errno == ENOENT && epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) == 0;
}

void EventLoop::Unwatch(int fd) {
  epoll_event event{};
  event.events = 0;
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &event);
}

Fiber* Suspension::Current() { return current_fiber; }

Suspension::Suspension(Fiber& fiber) : fiber_(fiber), wait_(++fiber.wait) {}

bool Suspension::Suspend(SteadyTime deadline, int fd, uint32_t events) {
  LOYALTY_CHECK(current_fiber == &fiber_ && fiber_.wait == wait_);
  EventLoop& loop = *fiber_.loop;
  // An fd the loop cannot watch (closed, say) is reported ready: the caller's next read says why.
  if (fd >= 0 && !loop.Watch(fd, events, fiber_)) return true;
  fiber_.fd = fd;
  fiber_.deadline = deadline;
  if (deadline != kNoDeadline) ++loop.timed_waits_;
  fiber_.timed_out = false;
  fiber_.state = Fiber::State::kSuspended;
  loop.SwitchToLoop(fiber_);
  if (fiber_.timed_out && fd >= 0) loop.Unwatch(fd);
  return !fiber_.timed_out;
}

void Suspension::Ticket::Wake() const {
  EventLoop& loop = *fiber->loop;
  if (current_loop == &loop) {  // on its thread, so the fiber is not running
    loop.MakeReady(*fiber, wait, false);
    return;
  }
  bool signal = false;
  {
    absl::MutexLock lock(&loop.mutex_);
    loop.wakes_.push_back({fiber, wait});
    signal = std::exchange(loop.sleeping_, false);
  }
  if (signal) loop.Signal();
}

}  // namespace loyalty::fiber
