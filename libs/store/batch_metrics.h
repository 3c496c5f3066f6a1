#pragma once

#include "libs/store/member_batch.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"

namespace loyalty::store {

// Batches of a member's queued commands (MemberBatcher): how many ran together or fell back to
// one transaction each, and the commands they held.
class BatchMetrics final : public BatchObserver {
 public:
  explicit BatchMetrics(prometheus::Registry& registry);

  void OnBatch(size_t commands, bool fell_back) override;

 private:
  prometheus::Family<prometheus::Counter>& batches_;
  prometheus::Counter& committed_;
  prometheus::Counter& fell_back_;
  prometheus::Counter& commands_;
};

}  // namespace loyalty::store
