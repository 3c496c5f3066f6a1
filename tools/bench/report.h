#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "tools/bench/histogram.h"
#include "tools/bench/operation.h"

namespace loyalty::bench {

inline constexpr int kStatusCodeCount = 17;  // gRPC codes 0..16

// What one operation did inside the measured window.
struct OperationStats {
  int64_t ok = 0;
  std::array<int64_t, kStatusCodeCount> errors_by_code{};
  Histogram latency_ns;  // successful calls only

  int64_t errors() const;
  void Merge(const OperationStats& other);
};

// A finished run: its settings and what each operation did.
struct RunReport {
  std::string label;
  std::string target;
  std::string mode;  // "closed" or "open"
  std::string mix;
  std::string distribution;
  int channels = 0;
  int concurrency = 0;
  double rate_per_s = 0;
  double warmup_s = 0;
  double duration_s = 0;  // the measured window
  int64_t late_sends = 0;  // open loop: sends that waited for a free slot
  std::array<OperationStats, kOperationCount> operations;

  OperationStats Overall() const;
};

// Latency summary in microseconds.
struct LatencySummary {
  double p50_us = 0;
  double p90_us = 0;
  double p99_us = 0;
  double p999_us = 0;
  double max_us = 0;
  double mean_us = 0;
};
LatencySummary Summarize(const Histogram& latency_ns);

// Successful calls per second of the measured window.
double Throughput(const OperationStats& stats, double duration_s);

// A table: one row per operation with calls, then "all".
std::string FormatText(const RunReport& report);

// {"label":..,"config":{..},"duration_s":..,"overall":{..},"operations":{"accrue":{..},..}}
// where each entry is {"ok","errors","throughput_per_s","latency_us":{"p50","p90","p99",
// "p99_9","max","mean"},"errors_by_code":{"CODE":n}}.
std::string FormatJson(const RunReport& report);

}  // namespace loyalty::bench
