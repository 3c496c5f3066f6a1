#include "tools/bench/options.h"

#include <functional>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace loyalty::bench {
namespace {

constexpr size_t kMaxPathLength = 4096;

constexpr char kDefaultMix[] =
    "accrue=60,redeem=20,group_redeem=5,transfer=5,get_balances=5,list_redemptions=3,"
    "tier_progress=2";

absl::Status OutOfRange(absl::string_view flag, absl::string_view value, absl::string_view range) {
  return absl::InvalidArgumentError(
      absl::StrCat("--", flag, "=", value, ": must be ", range));
}

absl::Status ParseInt(absl::string_view flag, absl::string_view value, int64_t low, int64_t high,
                      int64_t* out) {
  if (!absl::SimpleAtoi(value, out) || *out < low || *out > high) {
    return OutOfRange(flag, value, absl::StrCat("an integer in ", low, "..", high));
  }
  return absl::OkStatus();
}

absl::Status ParseInt32(absl::string_view flag, absl::string_view value, int low, int high,
                        int* out) {
  int64_t parsed = 0;
  absl::Status status = ParseInt(flag, value, low, high, &parsed);
  if (status.ok()) *out = static_cast<int>(parsed);
  return status;
}

absl::Status ParseDouble(absl::string_view flag, absl::string_view value, double low, double high,
                         double* out) {
  if (!absl::SimpleAtod(value, out) || !(*out >= low && *out <= high)) {
    return OutOfRange(flag, value, absl::StrCat("a number in ", low, "..", high));
  }
  return absl::OkStatus();
}

absl::Status ParseText(absl::string_view flag, absl::string_view value, size_t max_size,
                       std::string* out) {
  if (value.size() > max_size) {
    return OutOfRange(flag, value, absl::StrCat("at most ", max_size, " characters"));
  }
  *out = std::string(value);
  return absl::OkStatus();
}

using Setter = std::function<absl::Status(absl::string_view, Options&)>;

const std::map<std::string, Setter, std::less<>>& Setters() {
  static const auto* setters = new std::map<std::string, Setter, std::less<>>{
      {"target", [](auto v, Options& o) { return ParseText("target", v, 256, &o.target); }},
      {"query_target",
       [](auto v, Options& o) { return ParseText("query_target", v, 256, &o.query_target); }},
      {"org", [](auto v, Options& o) { return ParseText("org", v, 64, &o.org_id); }},
      {"channels",
       [](auto v, Options& o) { return ParseInt32("channels", v, 1, kMaxChannels, &o.channels); }},
      {"concurrency",
       [](auto v, Options& o) {
         return ParseInt32("concurrency", v, 1, kMaxConcurrency, &o.concurrency);
       }},
      {"rate",
       [](auto v, Options& o) {
         return ParseDouble("rate", v, 0, kMaxRatePerSecond, &o.rate_per_s);
       }},
      {"max_outstanding",
       [](auto v, Options& o) {
         return ParseInt32("max_outstanding", v, 1, kMaxOutstanding, &o.max_outstanding);
       }},
      {"mix",
       [](auto v, Options& o) {
         absl::StatusOr<Mix> mix = Mix::Parse(v);
         if (!mix.ok()) return mix.status();
         o.mix = *mix;
         return absl::OkStatus();
       }},
      {"members",
       [](auto v, Options& o) { return ParseInt("members", v, 1, kMaxMembers, &o.keys.members); }},
      {"hot_fraction",
       [](auto v, Options& o) {
         return ParseDouble("hot_fraction", v, 0, 1, &o.keys.hot_fraction);
       }},
      {"hot_share",
       [](auto v, Options& o) { return ParseDouble("hot_share", v, 0, 1, &o.keys.hot_share); }},
      {"distribution",
       [](auto v, Options& o) {
         if (v != "uniform" && v != "hot1") return OutOfRange("distribution", v, "uniform or hot1");
         o.keys.hot1 = v == "hot1";
         return absl::OkStatus();
       }},
      {"warmup_s",
       [](auto v, Options& o) {
         return ParseDouble("warmup_s", v, 0, kMaxWarmupSeconds, &o.warmup_s);
       }},
      {"duration_s",
       [](auto v, Options& o) {
         return ParseDouble("duration_s", v, 0.1, kMaxDurationSeconds, &o.duration_s);
       }},
      {"timeout_ms",
       [](auto v, Options& o) {
         return ParseInt32("timeout_ms", v, 1, kMaxTimeoutMs, &o.timeout_ms);
       }},
      {"json_out",
       [](auto v, Options& o) { return ParseText("json_out", v, kMaxPathLength, &o.json_out); }},
      {"insecure_plaintext",
       [](auto v, Options& o) {
         if (v != "true" && v != "false") {
           return OutOfRange("insecure_plaintext", v, "true or false");
         }
         o.tls.insecure_plaintext = v == "true";
         return absl::OkStatus();
       }},
      {"label", [](auto v, Options& o) { return ParseText("label", v, 128, &o.label); }},
      {"history",
       [](auto v, Options& o) { return ParseInt32("history", v, 0, kMaxHistory, &o.history); }},
      {"prepare_concurrency",
       [](auto v, Options& o) {
         return ParseInt32("prepare_concurrency", v, 1, kMaxPrepareConcurrency,
                           &o.prepare_concurrency);
       }},
      {"badges",
       [](auto v, Options& o) {
         if (v != "true" && v != "false") return OutOfRange("badges", v, "true or false");
         o.badges = v == "true";
         return absl::OkStatus();
       }},
      {"op",
       [](auto v, Options& o) {
         std::optional<Operation> operation = ParseOperation(v);
         if (!operation.has_value() ||
             (IsQuery(*operation) && *operation != Operation::kGetBalances)) {
           return OutOfRange("op", v, "accrue, redeem, group_redeem, transfer or get_balances");
         }
         o.once_operation = *operation;
         return absl::OkStatus();
       }},
      {"member_index",
       [](auto v, Options& o) {
         return ParseInt("member_index", v, 0, kMaxMembers - 1, &o.member_index);
       }},
      {"key", [](auto v, Options& o) { return ParseText("key", v, 100, &o.key); }},
  };
  return *setters;
}

absl::Status ParseMode(absl::string_view word, Options& options) {
  if (word == "run") {
    options.mode = Mode::kRun;
  } else if (word == "prepare") {
    options.mode = Mode::kPrepare;
  } else if (word == "once") {
    options.mode = Mode::kOnce;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown mode '", word, "' (run, prepare or once)"));
  }
  return absl::OkStatus();
}

absl::Status Validate(const Options& options) {
  if (options.target.empty()) return absl::InvalidArgumentError("--target is empty");
  if (options.org_id.empty()) return absl::InvalidArgumentError("--org is empty");
  if (options.keys.hot1 && options.keys.hot_share > 0) {
    return absl::InvalidArgumentError("--distribution=hot1 and --hot_share exclude each other");
  }
  if (options.keys.hot_share > 0 && options.keys.hot_fraction <= 0) {
    return absl::InvalidArgumentError("--hot_share needs --hot_fraction > 0");
  }
  if (options.mix.weight(Operation::kTransfer) > 0 && options.keys.members < 2) {
    return absl::InvalidArgumentError("transfer in --mix needs --members >= 2");
  }
  if (options.badges && options.mode != Mode::kPrepare) {
    return absl::InvalidArgumentError("--badges applies to prepare only");
  }
  if (options.mode == Mode::kOnce) {
    const bool query = IsQuery(options.once_operation);
    if (!query && options.key.empty()) return absl::InvalidArgumentError("once needs --key");
    if (query && options.query_target.empty()) {
      return absl::InvalidArgumentError("once --op=get_balances needs --query_target");
    }
    if (options.member_index >= options.keys.members) {
      return absl::InvalidArgumentError("--member_index must be below --members");
    }
  }
  return rpc::CheckClientTls(options.tls);
}

}  // namespace

absl::StatusOr<Options> ParseOptions(const std::vector<std::string>& arguments) {
  Options options;
  options.mix = *Mix::Parse(kDefaultMix);
  bool mode_seen = false;
  for (const std::string& argument : arguments) {
    if (!absl::StartsWith(argument, "--")) {
      if (mode_seen) {
        return absl::InvalidArgumentError(absl::StrCat("unexpected argument '", argument, "'"));
      }
      mode_seen = true;
      absl::Status status = ParseMode(argument, options);
      if (!status.ok()) return status;
      continue;
    }
    const absl::string_view flag = absl::string_view(argument).substr(2);
    if (flag == "insecure_plaintext") {
      options.tls.insecure_plaintext = true;
      continue;
    }
    if (flag == "badges") {
      options.badges = true;
      continue;
    }
    const size_t equals = flag.find('=');
    if (equals == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("flag '", argument, "' needs =value"));
    }
    const absl::string_view name = flag.substr(0, equals);
    const absl::string_view value = flag.substr(equals + 1);
    absl::Status status;
    if (std::string* field = rpc::ClientTlsField(options.tls, name)) {
      status = ParseText(name, value, kMaxPathLength, field);
    } else if (const auto setter = Setters().find(name); setter != Setters().end()) {
      status = setter->second(value, options);
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag '", argument, "'"));
    }
    if (!status.ok()) return status;
  }
  absl::Status valid = Validate(options);
  if (!valid.ok()) return valid;
  return options;
}

std::string Usage() {
  return absl::StrCat(
      "usage: loyalty-bench [run|prepare|once] [--flag=value ...]\n"
      "  --target=HOST:PORT        command+admin service (127.0.0.1:50051)\n"
      "  --query_target=HOST:PORT  query service; query operations are skipped without it\n"
      "  --tls_ca=FILE             TLS (the default): PEM CAs the services' certificates must\n"
      "                            chain to (required)\n"
      "  --tls_cert=FILE --tls_key=FILE  the caller's certificate chain and key (PEM)\n"
      "  --tls_server_name=NAME    the name the services' certificates must show, when it is\n"
      "                            not the target's host\n"
      "  --insecure_plaintext      no TLS, for services run with --insecure_plaintext\n"
      "  --org=ID                  org of the data set (bench)\n"
      "  --channels=N              gRPC channels (1..",
      kMaxChannels,
      ", 4)\n"
      "  --concurrency=N           closed loop: calls outstanding (1..",
      kMaxConcurrency,
      ", 32)\n"
      "  --rate=R                  open loop: calls per second (0 = closed loop)\n"
      "  --max_outstanding=N       open loop: calls in flight (8192)\n"
      "  --mix=op=w,...            ",
      kDefaultMix,
      "\n"
      "  --members=N               members of the data set (1000)\n"
      "  --hot_fraction=F --hot_share=S  hot set: fraction F of members gets share S of calls\n"
      "  --distribution=uniform|hot1     hot1: every call on member 0\n"
      "  --warmup_s=S --duration_s=S     (2, 10)\n"
      "  --timeout_ms=MS           per-call deadline (5000)\n"
      "  --json_out=FILE --label=NAME\n"
      "  --history=N               prepare: purchases per member (5)\n"
      "  --prepare_concurrency=N   prepare: calls in flight (16)\n"
      "  --badges                  prepare: also define 10 badges in shop (scripts/bench.sh\n"
      "                            --badges)\n"
      "  --op=OP --member_index=I --key=K  once: one command with a fixed key, or one\n"
      "                            get_balances (to --query_target, no key)\n");
}

}  // namespace loyalty::bench
