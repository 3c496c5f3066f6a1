#include "libs/store/member_batch.h"

#include <algorithm>
#include <memory>

#include "libs/ledger/member.h"

namespace loyalty::store {

absl::Status MemberBatcher::Run(MemberCommandCache& cached, const Attempt& attempt,
                                absl::Time deadline) {
  Command self{
      .cached = &cached, .attempt = &attempt, .deadline = deadline, .status = absl::OkStatus()};
  const Key key(cached.org_id(), cached.member_id());
  std::vector<Command*> batch;
  {
    absl::MutexLock lock(&mutex_);
    auto [found, first] = queues_.try_emplace(key);
    Queue& queue = found->second;  // a node's address stays, unlike an iterator
    if (first) {
      self.lead = true;
    } else {
      queue.waiting.push_back(&self);
      mutex_.Await(absl::Condition(&self, &Command::Ready));
      if (self.done) return self.status;
    }
    batch.push_back(&self);
    while (!queue.waiting.empty() && batch.size() < kMaxBatch) {
      batch.push_back(queue.waiting.front());
      queue.waiting.pop_front();
    }
    queue.running = batch.size();
  }
  RunBatch(batch);
  absl::MutexLock lock(&mutex_);
  for (Command* command : batch) command->done = true;
  auto found = queues_.find(key);
  Queue& queue = found->second;
  if (queue.waiting.empty()) {
    queues_.erase(found);
  } else {
    queue.running = 0;
    queue.waiting.front()->lead = true;
    queue.waiting.pop_front();
  }
  return self.status;
}

void MemberBatcher::AwaitQueued(const std::string& org_id, const std::string& member_id,
                                size_t commands) const {
  const Key key(org_id, member_id);
  const auto reached = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    auto found = queues_.find(key);
    const size_t queued =
        found == queues_.end() ? 0 : found->second.running + found->second.waiting.size();
    return queued >= commands;
  };
  mutex_.LockWhen(absl::Condition(&reached));
  mutex_.Unlock();
}

void MemberBatcher::RunBatch(const std::vector<Command*>& batch) {
  if (batch.size() == 1) return RunAlone(*batch.front());
  const Together together = RunTogether(batch);
  if (together == Together::kNoConnection) return;
  if (observer_ != nullptr) observer_->OnBatch(batch.size(), together == Together::kFailed);
  if (together == Together::kCommitted) return;
  for (Command* command : batch) RunAlone(*command);
}

MemberBatcher::Together MemberBatcher::RunTogether(const std::vector<Command*>& batch) {
  absl::Time deadline = absl::InfiniteFuture();  // none of them commits after its deadline
  for (const Command* command : batch) deadline = std::min(deadline, command->deadline);
  absl::StatusOr<pg::Lease> lease = pool_.Acquire(deadline);
  if (!lease.ok()) {
    // The earliest deadline passed: the others may still run, alone.
    if (absl::IsDeadlineExceeded(lease.status())) return Together::kFailed;
    // Alone, each would wait for a connection as long again.
    for (Command* command : batch) command->status = lease.status();
    return Together::kNoConnection;
  }
  MemberCommandCache* last = nullptr;  // the last command that changed the member
  const absl::Status status = pg::RunTransactionOnce(
      **lease, pg::Isolation::kReadCommitted,
      [&](pg::Transaction& tx) -> absl::Status {
        last = nullptr;
        std::shared_ptr<const ledger::MemberState>
            state;  // the member's, after the commands so far
        for (Command* command : batch) {
          tx.Savepoint();
          command->cached->Follow(state);
          command->status = (*command->attempt)(tx);
          if (command->status.ok()) command->status = tx.Flush();
          if (tx.RoundTripFailed() || pg::IsRetryable(command->status)) {
            // Alone, the command would be retried; and after a failed pipeline it is not
            // known which statements ran.
            return command->status.ok() ? absl::InternalError("round trip failed")
                                        : command->status;
          }
          if (!command->status.ok()) {
            tx.RollbackToSavepoint();
            continue;
          }
          if (std::shared_ptr<const ledger::MemberState> after = command->cached->After()) {
            state = std::move(after);
            last = command->cached;
          }
        }
        return absl::OkStatus();
      },
      deadline);
  if (!status.ok()) return Together::kFailed;
  if (last != nullptr) last->Committed();
  return Together::kCommitted;
}

void MemberBatcher::RunAlone(Command& command) {
  command.cached->Follow(nullptr);
  command.status = pg::RunInTransaction(pool_, pg::Isolation::kReadCommitted, retry_,
                                        *command.attempt, command.deadline);
  if (command.status.ok()) command.cached->Committed();
}

}  // namespace loyalty::store
