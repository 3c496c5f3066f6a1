#include "libs/store/batch_metrics.h"

namespace loyalty::store {

BatchMetrics::BatchMetrics(prometheus::Registry& registry)
    : batches_(prometheus::BuildCounter()
                   .Name("loyalty_member_batches_total")
                   .Help("Batches of commands queued on one member, by outcome: committed"
                         " together, or fell_back (each ran again alone)")
                   .Register(registry)),
      committed_(batches_.Add({{"outcome", "committed"}})),
      fell_back_(batches_.Add({{"outcome", "fell_back"}})),
      commands_(prometheus::BuildCounter()
                    .Name("loyalty_member_batched_commands_total")
                    .Help("Commands that ran in a batch of more than one")
                    .Register(registry)
                    .Add({})) {}

void BatchMetrics::OnBatch(size_t commands, bool fell_back) {
  (fell_back ? fell_back_ : committed_).Increment();
  commands_.Increment(static_cast<double>(commands));
}

}  // namespace loyalty::store
