#pragma once

#include <memory>
#include <vector>

#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"

namespace loyalty::rpc {

// The standard process metrics of Prometheus' client libraries, read from /proc/self at each
// scrape: process_cpu_seconds_total, process_resident_memory_bytes,
// process_virtual_memory_bytes, process_open_fds, process_max_fds and
// process_start_time_seconds; and loyalty_build_info{version,commit} 1 (libs/base/version.h).
// ServeMetrics exports them beside the process's registry.
class ProcessCollector final : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override;
};

// The process's one collector (the exposer keeps only a weak reference).
std::shared_ptr<ProcessCollector> ProcessMetrics();

}  // namespace loyalty::rpc
