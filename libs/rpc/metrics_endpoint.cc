#include "libs/rpc/metrics_endpoint.h"

#include <exception>

#include "absl/strings/str_cat.h"
#include "libs/rpc/process_metrics.h"

namespace loyalty::rpc {

absl::StatusOr<std::unique_ptr<prometheus::Exposer>> ServeMetrics(
    const std::string& listen, const std::shared_ptr<prometheus::Registry>& registry) {
  if (listen.empty()) return nullptr;
  std::unique_ptr<prometheus::Exposer> exposer;
  try {
    // civetweb reports a port it cannot bind by throwing from the constructor.
    exposer = std::make_unique<prometheus::Exposer>(listen);
  } catch (const std::exception& error) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve metrics on ", listen, ": ", error.what()));
  }
  exposer->RegisterCollectable(registry);
  exposer->RegisterCollectable(ProcessMetrics());
  return exposer;
}

}  // namespace loyalty::rpc
