// loyalty-bench: a gRPC load generator for the loyalty services.
//   loyalty-bench prepare --target=... --members=N      create the data set (idempotent)
//   loyalty-bench run --target=... [--query_target=...]  send load, print a table (and JSON)
//   loyalty-bench once --op=accrue --key=K ...           one command with a fixed key
// All flags: loyalty-bench --help.

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "tools/bench/options.h"
#include "tools/bench/prepare.h"
#include "tools/bench/report.h"
#include "tools/bench/runner.h"

namespace loyalty::bench {
namespace {

// Exit codes: 0 done, 1 a call failed, 2 usage error, 3 the target is unreachable.
int Fail(const absl::Status& status) {
  std::fprintf(stderr, "loyalty-bench: %s\n", std::string(status.message()).c_str());
  return status.code() == absl::StatusCode::kUnavailable ? 3 : 1;
}

int RunLoad(const Options& options) {
  Mix mix = options.mix;
  std::vector<std::shared_ptr<grpc::Channel>> query_channels;
  if (mix.HasQueries() && options.query_target.empty()) {
    std::fprintf(stderr, "loyalty-bench: warning: no --query_target, skipping query operations\n");
    mix = mix.WithoutQueries();
    if (mix.total() == 0) return Fail(absl::InvalidArgumentError("nothing left in --mix"));
  }
  auto command_channels = OpenChannels(options, options.target);
  if (!command_channels.ok()) return Fail(command_channels.status());
  if (mix.HasQueries()) {
    auto channels = OpenChannels(options, options.query_target);
    if (!channels.ok()) return Fail(channels.status());
    query_channels = *std::move(channels);
  }
  Runner runner(options, mix, *std::move(command_channels), std::move(query_channels));
  const RunReport report = runner.Run();
  std::fputs(FormatText(report).c_str(), stdout);
  if (!options.json_out.empty()) {
    std::ofstream out(options.json_out);
    out << FormatJson(report);
    if (!out.good()) return Fail(absl::UnavailableError("cannot write " + options.json_out));
  }
  return 0;
}

int Main(const std::vector<std::string>& arguments) {
  for (const std::string& argument : arguments) {
    if (argument == "--help" || argument == "-h") {
      std::fputs(Usage().c_str(), stdout);
      return 0;
    }
  }
  absl::StatusOr<Options> options = ParseOptions(arguments);
  if (!options.ok()) {
    std::fprintf(stderr, "loyalty-bench: %s\n%s", std::string(options.status().message()).c_str(),
                 Usage().c_str());
    return 2;
  }
  if (options->mode == Mode::kRun) return RunLoad(*options);
  const bool query_once = options->mode == Mode::kOnce && IsQuery(options->once_operation);
  auto channels =
      OpenChannels(*options, query_once ? options->query_target : options->target);
  if (!channels.ok()) return Fail(channels.status());
  const absl::Status status = options->mode == Mode::kPrepare
                                  ? Prepare(*options, *channels)
                                  : SendOnce(*options, channels->front());
  if (!status.ok()) return Fail(status);
  if (options->mode == Mode::kPrepare) std::fprintf(stderr, "prepare: done\n");
  return 0;
}

}  // namespace
}  // namespace loyalty::bench

int main(int argc, char** argv) {
  return loyalty::bench::Main(std::vector<std::string>(argv + 1, argv + argc));
}
