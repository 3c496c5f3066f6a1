#include "tools/bench/report.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace loyalty::bench {
namespace {

constexpr const char* kCodeNames[kStatusCodeCount] = {
    "OK",       "CANCELLED",          "UNKNOWN",           "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED", "NOT_FOUND",  "ALREADY_EXISTS",    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
    "UNIMPLEMENTED", "INTERNAL",      "UNAVAILABLE",       "DATA_LOSS",
    "UNAUTHENTICATED"};

std::string JsonString(absl::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      absl::StrAppendFormat(&out, "\\u%04x", static_cast<int>(c));
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

std::string JsonNumber(double value) { return absl::StrFormat("%.3f", value); }

// "NAME<separator>count" for each status code the calls failed with, in code order.
std::vector<std::string> ErrorCounts(const OperationStats& stats, bool json) {
  std::vector<std::string> codes;
  for (int code = 1; code < kStatusCodeCount; ++code) {
    const int64_t count = stats.errors_by_code[static_cast<size_t>(code)];
    if (count == 0) continue;
    codes.push_back(json ? absl::StrCat(JsonString(kCodeNames[code]), ":", count)
                         : absl::StrCat(kCodeNames[code], " ", count));
  }
  return codes;
}

std::string StatsJson(const OperationStats& stats, double duration_s) {
  const LatencySummary latency = Summarize(stats.latency_ns);
  const std::vector<std::string> codes = ErrorCounts(stats, /*json=*/true);
  return absl::StrCat(
      "{\"ok\":", stats.ok, ",\"errors\":", stats.errors(),
      ",\"throughput_per_s\":", JsonNumber(Throughput(stats, duration_s)),
      ",\"latency_us\":{\"p50\":", JsonNumber(latency.p50_us),
      ",\"p90\":", JsonNumber(latency.p90_us), ",\"p99\":", JsonNumber(latency.p99_us),
      ",\"p99_9\":", JsonNumber(latency.p999_us), ",\"max\":", JsonNumber(latency.max_us),
      ",\"mean\":", JsonNumber(latency.mean_us), "},\"errors_by_code\":{",
      absl::StrJoin(codes, ","), "}}");
}

std::string TextRow(absl::string_view name, const OperationStats& stats, double duration_s) {
  const LatencySummary latency = Summarize(stats.latency_ns);
  return absl::StrFormat("%-17s %10d %8d %11.1f %9.1f %9.1f %9.1f %9.1f %9.1f\n", name,
                         stats.ok, stats.errors(), Throughput(stats, duration_s), latency.p50_us,
                         latency.p90_us, latency.p99_us, latency.p999_us, latency.max_us);
}

}  // namespace

int64_t OperationStats::errors() const {
  int64_t total = 0;
  for (int64_t count : errors_by_code) total += count;
  return total;
}

void OperationStats::Merge(const OperationStats& other) {
  ok += other.ok;
  for (size_t i = 0; i < errors_by_code.size(); ++i) errors_by_code[i] += other.errors_by_code[i];
  latency_ns.Merge(other.latency_ns);
}

OperationStats RunReport::Overall() const {
  OperationStats overall;
  for (const OperationStats& stats : operations) overall.Merge(stats);
  return overall;
}

LatencySummary Summarize(const Histogram& latency_ns) {
  constexpr double kNsPerUs = 1000;
  LatencySummary summary;
  summary.p50_us = static_cast<double>(latency_ns.Percentile(0.50)) / kNsPerUs;
  summary.p90_us = static_cast<double>(latency_ns.Percentile(0.90)) / kNsPerUs;
  summary.p99_us = static_cast<double>(latency_ns.Percentile(0.99)) / kNsPerUs;
  summary.p999_us = static_cast<double>(latency_ns.Percentile(0.999)) / kNsPerUs;
  summary.max_us = static_cast<double>(latency_ns.max()) / kNsPerUs;
  summary.mean_us = latency_ns.Mean() / kNsPerUs;
  return summary;
}

double Throughput(const OperationStats& stats, double duration_s) {
  return duration_s <= 0 ? 0 : static_cast<double>(stats.ok) / duration_s;
}

std::string FormatText(const RunReport& report) {
  std::string out = absl::StrCat(
      report.label.empty() ? "" : absl::StrCat("run: ", report.label, "\n"),
      "target ", report.target, ", ", report.mode, " loop, ",
      report.mode == "open" ? absl::StrCat(report.rate_per_s, " calls/s")
                            : absl::StrCat(report.concurrency, " outstanding"),
      ", ", report.channels, " channels, ", report.distribution, "\nmix ", report.mix,
      ", warm-up ", report.warmup_s, " s, measured ", JsonNumber(report.duration_s), " s",
      report.late_sends > 0 ? absl::StrCat(", ", report.late_sends, " late sends") : "", "\n");
  const OperationStats overall = report.Overall();
  if (overall.errors() > 0) {
    absl::StrAppend(&out, "errors by code: ",
                    absl::StrJoin(ErrorCounts(overall, /*json=*/false), ", "), "\n");
  }
  absl::StrAppendFormat(&out, "%-17s %10s %8s %11s %9s %9s %9s %9s %9s\n", "operation", "ok",
                        "errors", "calls/s", "p50 us", "p90 us", "p99 us", "p99.9 us", "max us");
  for (Operation operation : kAllOperations) {
    const OperationStats& stats = report.operations[OperationIndex(operation)];
    if (stats.ok + stats.errors() == 0) continue;
    absl::StrAppend(&out, TextRow(OperationName(operation), stats, report.duration_s));
  }
  absl::StrAppend(&out, TextRow("all", overall, report.duration_s));  // last: scripts tail it
  return out;
}

std::string FormatJson(const RunReport& report) {
  std::vector<std::string> operations;
  for (Operation operation : kAllOperations) {
    const OperationStats& stats = report.operations[OperationIndex(operation)];
    if (stats.ok + stats.errors() == 0) continue;
    operations.push_back(absl::StrCat(JsonString(OperationName(operation)), ":",
                                      StatsJson(stats, report.duration_s)));
  }
  return absl::StrCat(
      "{\"label\":", JsonString(report.label), ",\"config\":{\"target\":",
      JsonString(report.target), ",\"mode\":", JsonString(report.mode),
      ",\"mix\":", JsonString(report.mix), ",\"distribution\":", JsonString(report.distribution),
      ",\"channels\":", report.channels, ",\"concurrency\":", report.concurrency,
      ",\"rate_per_s\":", JsonNumber(report.rate_per_s), ",\"warmup_s\":",
      JsonNumber(report.warmup_s), "},\"duration_s\":", JsonNumber(report.duration_s),
      ",\"late_sends\":", report.late_sends, ",\"overall\":",
      StatsJson(report.Overall(), report.duration_s), ",\"operations\":{",
      absl::StrJoin(operations, ","), "}}\n");
}

}  // namespace loyalty::bench
