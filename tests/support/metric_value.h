#pragma once

#include <map>
#include <optional>
#include <string>

#include "prometheus/metric_family.h"
#include "prometheus/registry.h"

namespace loyalty::testing {

// The value of the series of `family` (a counter or a gauge) in `registry` whose labels include
// `labels`; nullopt when there is none.
inline std::optional<double> MetricValue(const prometheus::Registry& registry,
                                         const std::string& family,
                                         const std::map<std::string, std::string>& labels) {
  for (const prometheus::MetricFamily& collected : registry.Collect()) {
    if (collected.name != family) continue;
    for (const prometheus::ClientMetric& metric : collected.metric) {
      std::map<std::string, std::string> found;
      for (const prometheus::ClientMetric::Label& label : metric.label) {
        found[label.name] = label.value;
      }
      bool match = true;
      for (const auto& [name, value] : labels) match = match && found[name] == value;
      if (match) {
        return collected.type == prometheus::MetricType::Gauge ? metric.gauge.value
                                                               : metric.counter.value;
      }
    }
  }
  return std::nullopt;
}

}  // namespace loyalty::testing
