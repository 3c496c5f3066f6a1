// Every metric that the alert rules and the Grafana dashboard (helm/loyalty/files/) name is one
// the real binaries export: loyalty-command and loyalty-query over mutual TLS (so the access
// control's metrics exist) and loyalty-worker, scraped after calls that create the labelled
// series (an accrual, a read of it, refused calls, a reload of the access policy).

#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "libs/base/version.h"
#include "loyalty/v1/command.grpc.pb.h"
#include "loyalty/v1/query.grpc.pb.h"
#include "tests/e2e/mtls_services.h"
#include "tests/support/demo_org.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/raw_call.h"

namespace loyalty::testing {
namespace {

constexpr absl::Duration kStartTimeout = absl::Seconds(30);

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

// The metric names in an HTTP answer of Prometheus' text format: each sample's name
// (histograms' with their _bucket, _sum and _count) and each family's from its "# TYPE" line.
void AddMetricNames(const std::string& answer, std::set<std::string>* names) {
  const size_t body = answer.find("\r\n\r\n");
  if (body == std::string::npos) return;
  for (absl::string_view line : absl::StrSplit(answer.substr(body + 4), '\n')) {
    if (absl::ConsumePrefix(&line, "# TYPE ")) {
      names->emplace(line.substr(0, line.find(' ')));
    } else if (!line.empty() && line[0] != '#') {
      names->emplace(line.substr(0, line.find_first_of("{ ")));
    }
  }
}

// The loyalty_*, grpc_* and process_* metric names in PromQL (or any text): not the recording
// rules' loyalty:*.
std::set<std::string> NamesUsed(const std::string& text) {
  static const std::regex kName("(^|[^A-Za-z0-9_:])((loyalty|grpc_server|process)_[a-z0-9_]+)");
  std::set<std::string> names;
  for (std::sregex_iterator it(text.begin(), text.end(), kName), end; it != end; ++it) {
    names.insert((*it)[2].str());
  }
  return names;
}

v1::AccrueRequest Purchase(const std::string& org, const std::string& member) {
  v1::AccrueRequest request;
  request.set_org_id(org);
  request.set_idempotency_key(NewKey());
  request.set_member_id(member);
  request.mutable_purchase()->set_order_ref("scrape-order");
  request.mutable_purchase()->mutable_amount()->set_minor_units(2500);
  request.mutable_purchase()->mutable_amount()->set_currency("USD");
  return request;
}

grpc::Status Accrue(const rpc::ClientTls& tls, const std::string& target,
                    const v1::AccrueRequest& request, v1::AccrueResponse* response) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return v1::CommandService::NewStub(rpc::OpenChannel(target, tls))
      ->Accrue(&context, request, response);
}

class ScrapeTest : public MtlsServicesTest {};

TEST_F(ScrapeTest, EveryMetricTheRulesAndTheDashboardNameIsExported) {
  // The worker serves no gRPC: it is ready when its metrics port accepts connections.
  const int worker_metrics_port = FreeLoopbackPort();
  ServiceProcess worker(LOYALTY_WORKER_BINARY,
                        {"--database_url=" + database_url(),
                         absl::StrCat("--metrics_listen=127.0.0.1:", worker_metrics_port),
                         "--pool_size=2", "--interval_ms=100"},
                        worker_metrics_port, pki_.Path("loyalty-worker.log"));
  ASSERT_TRUE(worker.Start(kStartTimeout)) << worker.LogTail();

  // An accrual by the shop (role earn_burn), read back through the projected views by the
  // reader (role read); refused: the reader accruing, and a caller without a certificate.
  const v1::AccrueRequest purchase = Purchase(kOrg, kMember);
  v1::AccrueResponse accrued;
  const grpc::Status accrue = Accrue(shop_, command_target(), purchase, &accrued);
  ASSERT_TRUE(accrue.ok()) << accrue.error_message();
  v1::GetBalancesRequest read;
  read.set_org_id(kOrg);
  read.set_member_id(kMember);
  read.set_min_position(accrued.ledger_position());
  v1::GetBalancesResponse balances;
  grpc::ClientContext read_context;
  read_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  const grpc::Status got = v1::QueryService::NewStub(rpc::OpenChannel(query_target(), reader_))
                               ->GetBalances(&read_context, read, &balances);
  ASSERT_TRUE(got.ok()) << got.error_message();
  EXPECT_GE(balances.ledger_position(), accrued.ledger_position());
  v1::AccrueResponse refused;
  EXPECT_EQ(Accrue(reader_, command_target(), Purchase(kOrg, kMember), &refused).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Accrue(pki_.Anonymous(), command_target(), Purchase(kOrg, kMember), &refused)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  // A reload of a changed policy file (the same grants, other bytes) counts in
  // loyalty_access_policy_reloads_total{result="loaded"}.
  std::ofstream(pki_.Path("access-policy.json"), std::ios::app) << "\n";
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (HttpGetMetrics(command_metrics_port())
                 .find("loyalty_access_policy_reloads_total{result=\"loaded\"} 1") ==
             std::string::npos &&
         absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(50));
  }

  std::set<std::string> exported;
  for (const int port : {command_metrics_port(), query_metrics_port(), worker_metrics_port}) {
    const std::string scrape = HttpGetMetrics(port);
    ASSERT_NE(scrape.find("200 OK"), std::string::npos) << "port " << port << ": " << scrape;
    AddMetricNames(scrape, &exported);
  }

  const std::string files = absl::StrCat(LOYALTY_SOURCE_DIR, "/helm/loyalty/files/");
  for (const char* file : {"prometheus-rules.yaml", "grafana-dashboard.json"}) {
    const std::set<std::string> used = NamesUsed(ReadFile(files + file));
    // Each names most of the metrics: an empty or unread file, or a regex that finds nothing,
    // must not pass.
    EXPECT_GE(used.size(), 10u) << file << ": " << absl::StrJoin(used, " ");
    for (const std::string& name : used) {
      EXPECT_TRUE(exported.count(name) > 0)
          << file << " names " << name << ", which no service exports; exported: "
          << absl::StrJoin(exported, " ");
    }
  }

  EXPECT_EQ(worker.Stop(absl::Seconds(20)), 0) << worker.LogTail();
}

// The body of a scrape (the HTTP answer without its headers).
std::string Body(const std::string& answer) {
  const size_t body = answer.find("\r\n\r\n");
  return body == std::string::npos ? std::string() : answer.substr(body + 4);
}

// `promtool check metrics` on `exposition`: its output, empty when it finds nothing wrong; the
// exit status into `status`.
std::string PromtoolCheck(const std::string& exposition, const std::string& path, int* status) {
  std::ofstream(path) << exposition;
  std::string output;
  FILE* pipe = popen(absl::StrCat("promtool check metrics < ", path, " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    *status = -1;
    return "cannot run promtool";
  }
  char buffer[4096];
  for (size_t read; (read = fread(buffer, 1, sizeof buffer, pipe)) > 0;)
    output.append(buffer, read);
  *status = pclose(pipe);
  return output;
}

// The value of the sample `series` (its name and labels as the scrape writes them, in the
// exposer's label order) in `scrape`; -1 when absent.
double Sample(const std::string& scrape, const std::string& series) {
  for (absl::string_view line : absl::StrSplit(scrape, '\n')) {
    if (!absl::ConsumePrefix(&line, series) || !absl::ConsumePrefix(&line, " ")) continue;
    double value = 0;
    if (absl::SimpleAtod(line.substr(0, line.find(' ')), &value)) return value;
  }
  return -1;
}

// go-grpc-prometheus' families, process_*, loyalty_build_info and counters at 0 in the scrapes of
// the real binaries; calls refused before a handler (no certificate, a method the server does
// not serve) counted; and promtool finds nothing to say about any scrape.
TEST_F(ScrapeTest, StandardMetricsAreExportedCountRefusedCallsAndPassPromtool) {
  const std::string accrue_labels =
      "grpc_method=\"Accrue\",grpc_service=\"loyalty.v1.CommandService\",grpc_type=\"unary\"";
  const std::string before = HttpGetMetrics(command_metrics_port());
  // Present at 0 before any call: each method's counters for each code, the retries.
  EXPECT_EQ(Sample(before, "grpc_server_handled_total{grpc_code=\"Unauthenticated\"," +
                               accrue_labels + "}"),
            0)
      << before;
  EXPECT_EQ(Sample(before, "grpc_server_started_total{" + accrue_labels + "}"), 0);
  EXPECT_EQ(Sample(before, "loyalty_db_retries_total{pool=\"command\",sqlstate=\"40001\"}"), 0);
  EXPECT_EQ(Sample(before, "loyalty_caller_refusals_total{reason=\"UNAUTHENTICATED\"}"), 0);

  // Refused before any handler: no client certificate; a method CommandService does not have.
  v1::AccrueResponse refused;
  EXPECT_EQ(
      Accrue(pki_.Anonymous(), command_target(), Purchase(kOrg, kMember), &refused).error_code(),
      grpc::StatusCode::UNAUTHENTICATED);
  grpc::GenericStub generic(rpc::OpenChannel(command_target(), shop_));
  std::string reply;
  EXPECT_EQ(RawCall(generic, "/loyalty.v1.CommandService/NoSuchMethod", "", &reply).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  v1::AccrueResponse accrued;
  const grpc::Status accrue = Accrue(shop_, command_target(), Purchase(kOrg, kMember), &accrued);
  ASSERT_TRUE(accrue.ok()) << accrue.error_message();

  const std::string after = HttpGetMetrics(command_metrics_port());
  EXPECT_EQ(Sample(after, "grpc_server_handled_total{grpc_code=\"Unauthenticated\"," +
                              accrue_labels + "}"),
            1)
      << after;
  EXPECT_EQ(Sample(after, "grpc_server_handled_total{grpc_code=\"OK\"," + accrue_labels + "}"), 1);
  EXPECT_EQ(Sample(after, "grpc_server_started_total{" + accrue_labels + "}"), 2);
  EXPECT_EQ(Sample(after, "loyalty_rpc_calls_in_flight{" + accrue_labels + "}"), 0);
  EXPECT_NE(after.find("grpc_server_handled_total{grpc_code=\"Unimplemented\",grpc_method="
                       "\"unknown\",grpc_service=\"unknown\""),
            std::string::npos)
      << after;
  EXPECT_EQ(after.find("NoSuchMethod"), std::string::npos);
  EXPECT_EQ(Sample(after, "grpc_server_handling_seconds_bucket{" + accrue_labels + ",le=\"60\"}"),
            2);

  int port_index = 0;
  for (const int port : {command_metrics_port(), query_metrics_port()}) {
    const std::string scrape = Body(HttpGetMetrics(port));
    for (const char* name :
         {"grpc_server_started_total", "grpc_server_handled_total",
          "grpc_server_handling_seconds_bucket", "loyalty_rpc_calls_in_flight",
          "loyalty_rpc_call_queue_depth", "loyalty_rpc_call_queue_capacity",
          "process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds",
          "process_start_time_seconds", "loyalty_db_retries_total"}) {
      const bool found = scrape.find(absl::StrCat("\n", name, "{")) != std::string::npos ||
                         scrape.find(absl::StrCat("\n", name, " ")) != std::string::npos;
      EXPECT_TRUE(found) << "port " << port << " lacks " << name;
    }
    EXPECT_EQ(Sample(scrape, absl::StrCat("loyalty_build_info{commit=\"", Commit(), "\",version=\"",
                                          Version(), "\"}")),
              1)
        << scrape;
    EXPECT_GT(Sample(scrape, "process_start_time_seconds"), 1.6e9);
    EXPECT_GT(Sample(scrape, "process_resident_memory_bytes"), 1e6);
    int status = 0;
    const std::string problems =
        PromtoolCheck(scrape, pki_.Path(absl::StrCat("scrape-", port_index++, ".txt")), &status);
    EXPECT_EQ(status, 0) << problems;
    EXPECT_EQ(problems, "") << "port " << port;
  }
}

}  // namespace
}  // namespace loyalty::testing
