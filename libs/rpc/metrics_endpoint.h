#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "prometheus/exposer.h"
#include "prometheus/registry.h"

namespace loyalty::rpc {

// Serves REGISTRY on http://LISTEN/metrics (the exposer keeps a weak reference to it), with the
// process metrics and loyalty_build_info (ProcessMetrics); nullptr
// when LISTEN is empty. An address that cannot be bound (a port in use) is UNAVAILABLE naming
// it, not an exception.
absl::StatusOr<std::unique_ptr<prometheus::Exposer>> ServeMetrics(
    const std::string& listen, const std::shared_ptr<prometheus::Registry>& registry);

}  // namespace loyalty::rpc
