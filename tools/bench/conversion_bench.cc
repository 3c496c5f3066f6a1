// loyalty-conversion-bench: the worker's partner conversion against a running loyalty-command
// (docs/benchmarks.md, "Conversions"). It plays the partner itself (a PartnerGateway on a free
// loopback port that verifies every account and credits at once: the partner's cost is not
// measured), then:
//   1. through loyalty-command's API: the demo org, a partner (return window 0: points mature at
//      once; 10 local points buy 1), --members members each linked to an account and given
//      --lots_per_member awards of 10 points (the matured lots);
//   2. runs the worker's jobs in-process on --database_url, as loyalty-worker does, until every
//      lot has converted and every conversion is confirmed; prints conversions/s and lots/s;
//   3. the baseline, in the same run on the same database: as many lots again, expiring, and the
//      worker's expire_points job over them; prints its lots/s and the ratio.
//   loyalty-conversion-bench --target=127.0.0.1:50051 --database_url=URL [--members=10000]
//       [--lots_per_member=10] [--batch=500] [--threads=16]
// The target is called in plaintext (loyalty-command --insecure_plaintext).

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "libs/base/clock.h"
#include "libs/base/status_macros.h"
#include "libs/partner/gateway.h"
#include "libs/pg/connection.h"
#include "libs/pg/pool.h"
#include "libs/store/context.h"
#include "loyalty/partner/v1/gateway.grpc.pb.h"
#include "loyalty/v1/command.grpc.pb.h"
#include "prometheus/registry.h"
#include "services/worker/jobs.h"
#include "services/worker/partner_jobs.h"
#include "tools/demo_org/demo_org.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "loyalty-command (plaintext)");
ABSL_FLAG(std::string, database_url, "", "the database loyalty-command serves");
ABSL_FLAG(int, members, 10000, "linked members (1..1000000)");
ABSL_FLAG(int, lots_per_member, 10, "matured lots of each member (1..1000)");
ABSL_FLAG(int, batch, 500, "the worker's --batch (1..10000)");
ABSL_FLAG(int, threads, 16, "concurrent set-up calls (1..256)");

namespace loyalty::bench {
namespace {

constexpr char kOrg[] = "conv-bench";

// The partner: verifies every account, credits every conversion at once.
class InstantPartner final : public partner::v1::PartnerGateway::Service {
 public:
  grpc::Status VerifyAccount(grpc::ServerContext*, const partner::v1::VerifyAccountRequest*,
                             partner::v1::VerifyAccountResponse* response) override {
    response->set_verified(true);
    return grpc::Status::OK;
  }
  grpc::Status CreditPoints(grpc::ServerContext*, const partner::v1::CreditPointsRequest* request,
                            partner::v1::CreditPointsResponse* response) override {
    response->set_partner_reference(request->conversion_id());
    return grpc::Status::OK;
  }
};

std::string NextKey() {
  static std::atomic<int64_t> counter{0};
  return absl::StrCat("conv-bench-", absl::ToUnixNanos(absl::Now()), "-", counter.fetch_add(1));
}

absl::Status Check(const grpc::Status& status, absl::string_view what) {
  if (status.ok()) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(what, ": ", status.error_message()));
}

absl::Status CreatePartner(v1::AdminService::Stub& admin, const std::string& gateway) {
  v1::CreatePartnerRequest request;
  request.set_idempotency_key(NextKey());
  request.set_org_id(kOrg);
  v1::Partner* partner = request.mutable_partner();
  partner->set_partner_code("airline");
  partner->set_name("Bench Airline");
  partner->set_program_id(demo::kShopProgram);
  partner->set_point_type("base");
  partner->set_local_points(10);
  partner->set_partner_points(1);
  partner->set_return_window_days(0);
  partner->set_identity_field(v1::IDENTITY_FIELD_LAST_NAME);
  partner->set_voucher_points(100);
  partner->mutable_voucher_value()->set_minor_units(100);
  partner->mutable_voucher_value()->set_currency("USD");
  partner->set_voucher_validity_days(30);
  partner->set_gateway_address(gateway);
  v1::Partner response;
  grpc::ClientContext context;
  return Check(admin.CreatePartner(&context, request, &response), "CreatePartner");
}

// `lots` explicit awards of 10 points to `member`, expiring at `expires_at` when given.
absl::Status Award(v1::CommandService::Stub& commands, const std::string& member, int lots,
                   std::optional<absl::Time> expires_at) {
  for (int i = 0; i < lots; ++i) {
    v1::AccrueRequest request;
    request.set_org_id(kOrg);
    request.set_idempotency_key(NextKey());
    request.set_member_id(member);
    request.set_program_id(demo::kShopProgram);
    request.set_point_type("base");
    request.mutable_explicit_points()->set_points(10);
    request.mutable_explicit_points()->set_description("bench");
    if (expires_at.has_value()) {
      request.mutable_expires_at()->set_seconds(absl::ToUnixSeconds(*expires_at));
    }
    v1::AccrueResponse response;
    grpc::ClientContext context;
    LOYALTY_RETURN_IF_ERROR(Check(commands.Accrue(&context, request, &response), "Accrue"));
  }
  return absl::OkStatus();
}

// Runs `per_member(index)` for every member on `threads` threads; the first error.
absl::Status ForMembers(int members, int threads,
                        const std::function<absl::Status(int index)>& per_member) {
  std::atomic<int> next{0};
  std::vector<absl::Status> errors(static_cast<size_t>(threads));
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = next.fetch_add(1); i < members; i = next.fetch_add(1)) {
        absl::Status status = per_member(i);
        if (!status.ok()) {
          errors[static_cast<size_t>(t)] = std::move(status);
          return;
        }
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  for (const absl::Status& error : errors) LOYALTY_RETURN_IF_ERROR(error);
  return absl::OkStatus();
}

std::string Member(int index) { return absl::StrCat("m", index); }

absl::Status SetUp(const std::shared_ptr<grpc::Channel>& channel, const std::string& gateway,
                   int members, int lots_per_member, int threads) {
  auto admin = v1::AdminService::NewStub(channel);
  auto commands = v1::CommandService::NewStub(channel);
  const demo::CallOptions options{.next_key = &NextKey};
  LOYALTY_RETURN_IF_ERROR(demo::CreateDemoOrg(*admin, kOrg, "conversion bench", options));
  LOYALTY_RETURN_IF_ERROR(CreatePartner(*admin, gateway));
  return ForMembers(members, threads, [&](int index) -> absl::Status {
    const std::string member = Member(index);
    LOYALTY_RETURN_IF_ERROR(demo::CreateDemoMember(*admin, kOrg, member, NextKey(), options));
    v1::LinkPartnerAccountRequest link;
    link.set_org_id(kOrg);
    link.set_idempotency_key(NextKey());
    link.set_member_id(member);
    link.set_partner_code("airline");
    link.set_external_number(absl::StrCat("FF-", index));
    link.set_identity("Bench");
    v1::LinkPartnerAccountResponse linked;
    grpc::ClientContext context;
    LOYALTY_RETURN_IF_ERROR(
        Check(commands->LinkPartnerAccount(&context, link, &linked), "LinkPartnerAccount"));
    return Award(*commands, member, lots_per_member, std::nullopt);
  });
}

// Runs `job` until it finds nothing more; the items it handled.
absl::StatusOr<int64_t> Drain(const std::function<absl::StatusOr<int64_t>()>& job) {
  int64_t total = 0;
  while (true) {
    LOYALTY_ASSIGN_OR_RETURN(const int64_t items, job());
    if (items == 0) return total;
    total += items;
  }
}

absl::StatusOr<int64_t> CountOf(const std::string& database_url, const std::string& sql) {
  LOYALTY_ASSIGN_OR_RETURN(std::unique_ptr<pg::Connection> connection,
                           pg::Connection::Open(database_url));
  LOYALTY_ASSIGN_OR_RETURN(pg::Result result, connection->ExecuteText(sql));
  return result.Int64(0, 0);
}

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "loyalty-conversion-bench: %s\n", std::string(status.message()).c_str());
  return 1;
}

int Main() {
  const std::string database_url = absl::GetFlag(FLAGS_database_url);
  const int members = absl::GetFlag(FLAGS_members);
  const int lots_per_member = absl::GetFlag(FLAGS_lots_per_member);
  const int batch = absl::GetFlag(FLAGS_batch);
  const int threads = absl::GetFlag(FLAGS_threads);
  if (database_url.empty() || members < 1 || members > 1000000 || lots_per_member < 1 ||
      lots_per_member > 1000 || batch < 1 || batch > 10000 || threads < 1 || threads > 256) {
    std::fputs(
        "usage: loyalty-conversion-bench --target=HOST:PORT --database_url=URL "
        "[--members=1..1000000] [--lots_per_member=1..1000] [--batch=1..10000] "
        "[--threads=1..256]\n",
        stderr);
    return 2;
  }
  InstantPartner partner;
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&partner);
  const std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr) return Fail(absl::UnavailableError("cannot start the partner"));
  const std::string gateway = absl::StrCat("127.0.0.1:", port);

  const auto channel =
      grpc::CreateChannel(absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials());
  const absl::Time set_up = absl::Now();
  if (absl::Status status = SetUp(channel, gateway, members, lots_per_member, threads);
      !status.ok()) {
    return Fail(status);
  }
  std::printf("set-up: %d members, %d lots, in %.1f s\n", members, members * lots_per_member,
              absl::ToDoubleSeconds(absl::Now() - set_up));

  prometheus::Registry registry;
  partner::GatewayOptions gateway_options;
  gateway_options.tls.insecure_plaintext = true;
  partner::Gateways gateways(gateway_options, registry);
  pg::Pool pool({database_url, 4, absl::Seconds(10)});
  SystemClock clock;
  const store::Context context{&pool, &clock, pg::RetryPolicy{}};

  const absl::Time start = absl::Now();
  const absl::StatusOr<int64_t> converted =
      Drain([&] { return worker::ConvertPoints(context, gateways, batch); });
  if (!converted.ok()) return Fail(converted.status());
  const absl::Time debited = absl::Now();
  const absl::StatusOr<int64_t> sent =
      Drain([&] { return worker::SendConversions(context, gateways, batch, {}); });
  if (!sent.ok()) return Fail(sent.status());
  const absl::Time end = absl::Now();
  const absl::StatusOr<int64_t> lots =
      CountOf(database_url, "SELECT count(DISTINCT (member_id, lot_id)) FROM conversion_lots");
  const absl::StatusOr<int64_t> confirmed =
      CountOf(database_url, "SELECT count(*) FROM conversions WHERE status = 'confirmed'");
  if (!lots.ok() || !confirmed.ok()) return Fail(lots.ok() ? confirmed.status() : lots.status());
  const double seconds = absl::ToDoubleSeconds(end - start);

  // The baseline: as many lots, expiring in a second, and the expiry job over them.
  if (absl::Status status = ForMembers(members, threads,
                                       [&](int index) {
                                         auto commands = v1::CommandService::NewStub(channel);
                                         return Award(*commands, Member(index), lots_per_member,
                                                      absl::Now() + absl::Seconds(2));
                                       });
      !status.ok()) {
    return Fail(status);
  }
  absl::SleepFor(absl::Seconds(3));
  const absl::Time expiry_start = absl::Now();
  const absl::StatusOr<int64_t> expired =
      Drain([&] { return worker::ExpirePoints(context, batch); });
  if (!expired.ok()) return Fail(expired.status());
  const double expiry_seconds = absl::ToDoubleSeconds(absl::Now() - expiry_start);

  std::printf("conversions: %lld confirmed of %lld lots in %.2f s (debit %.2f s, send %.2f s)\n",
              static_cast<long long>(*confirmed), static_cast<long long>(*lots), seconds,
              absl::ToDoubleSeconds(debited - start), absl::ToDoubleSeconds(end - debited));
  std::printf("conversions/s %.1f lots/s %.1f\n", static_cast<double>(*confirmed) / seconds,
              static_cast<double>(*lots) / seconds);
  std::printf("expiry baseline: %lld lots in %.2f s, lots/s %.1f\n",
              static_cast<long long>(*expired), expiry_seconds,
              static_cast<double>(*expired) / expiry_seconds);
  std::printf(
      "conversion lots/s / expiry lots/s %.2f\n",
      (static_cast<double>(*lots) / seconds) / (static_cast<double>(*expired) / expiry_seconds));
  if (*lots != static_cast<int64_t>(members) * lots_per_member || *confirmed != members) {
    return Fail(absl::InternalError("not every lot converted, or not every conversion confirmed"));
  }
  return 0;
}

}  // namespace
}  // namespace loyalty::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return loyalty::bench::Main();
}
