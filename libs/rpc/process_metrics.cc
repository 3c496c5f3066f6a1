#include "libs/rpc/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "libs/base/version.h"

namespace loyalty::rpc {
namespace {

std::string ReadFile(const char* path) {
  std::ifstream file(path);
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

// The fields of /proc/self/stat after the command name: [0] is the state (field 3 of proc(5)).
std::vector<std::string> StatFields() {
  const std::string stat = ReadFile("/proc/self/stat");
  const size_t name_end = stat.rfind(')');
  if (name_end == std::string::npos) return {};
  return absl::StrSplit(absl::string_view(stat).substr(name_end + 1), ' ', absl::SkipEmpty());
}

// proc(5) field `number` (14: utime, ...) of /proc/self/stat.
std::optional<double> StatField(const std::vector<std::string>& fields, size_t number) {
  double value = 0;
  if (number < 3 || number - 3 >= fields.size() || !absl::SimpleAtod(fields[number - 3], &value)) {
    return std::nullopt;
  }
  return value;
}

// The system's boot time, Unix seconds ("btime" of /proc/stat).
std::optional<double> BootTime() {
  for (absl::string_view line : absl::StrSplit(ReadFile("/proc/stat"), '\n')) {
    double seconds = 0;
    if (absl::ConsumePrefix(&line, "btime ") && absl::SimpleAtod(line, &seconds)) return seconds;
  }
  return std::nullopt;
}

double OpenFds() {
  std::error_code error;
  double count = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", error), end; !error && it != end;
       it.increment(error)) {
    ++count;
  }
  return count;
}

prometheus::MetricFamily Family(std::string name, std::string help, prometheus::MetricType type,
                                double value,
                                std::vector<prometheus::ClientMetric::Label> labels = {}) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  return {std::move(name), std::move(help), type, {metric}};
}

}  // namespace

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
  using prometheus::MetricType;
  std::vector<prometheus::MetricFamily> families;
  families.push_back(Family(
      "loyalty_build_info", "1, labelled with the version and the commit the binary was built from",
      MetricType::Gauge, 1,
      {{"commit", std::string(Commit())}, {"version", std::string(Version())}}));
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  const std::vector<std::string> stat = StatFields();
  const std::optional<double> user = StatField(stat, 14);
  const std::optional<double> system = StatField(stat, 15);
  if (user && system && ticks > 0) {
    families.push_back(Family("process_cpu_seconds_total",
                              "Total user and system CPU time spent in seconds.",
                              MetricType::Counter, (*user + *system) / ticks));
  }
  const std::optional<double> boot = BootTime();
  if (const std::optional<double> start = StatField(stat, 22); start && boot && ticks > 0) {
    families.push_back(Family("process_start_time_seconds",
                              "Start time of the process since unix epoch in seconds.",
                              MetricType::Gauge, *boot + *start / ticks));
  }
  if (const std::optional<double> bytes = StatField(stat, 23)) {
    families.push_back(Family("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                              MetricType::Gauge, *bytes));
  }
  if (const std::optional<double> pages = StatField(stat, 24)) {
    families.push_back(Family("process_resident_memory_bytes", "Resident memory size in bytes.",
                              MetricType::Gauge, *pages * page));
  }
  families.push_back(
      Family("process_open_fds", "Number of open file descriptors.", MetricType::Gauge, OpenFds()));
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    families.push_back(Family("process_max_fds", "Maximum number of open file descriptors.",
                              MetricType::Gauge, static_cast<double>(limit.rlim_cur)));
  }
  return families;
}

std::shared_ptr<ProcessCollector> ProcessMetrics() {
  static const auto* const collector =
      new std::shared_ptr<ProcessCollector>(std::make_shared<ProcessCollector>());
  return *collector;
}

}  // namespace loyalty::rpc
