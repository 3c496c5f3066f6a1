#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <type_traits>

#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "loyalty/v1/admin.grpc.pb.h"
#include "loyalty/v1/command.grpc.pb.h"
#include "loyalty/v1/partner.grpc.pb.h"
#include "loyalty/v1/query.grpc.pb.h"
#include "tools/loyaltyctl/arguments.h"
#include "tools/loyaltyctl/json.h"
#include "tools/loyaltyctl/limits.h"

namespace loyalty::ctl {

template <typename Response>
using Renderer = std::function<void(const Response&, std::ostream&)>;

// One run of one command: its options and flags, the streams, the stubs (created on first use)
// and the idempotency key.
class Session final {
 public:
  Session(const GlobalOptions& options, const Flags& flags, std::ostream& out, std::ostream& err)
      : options_(options), flags_(flags), out_(out), err_(err) {}

  const GlobalOptions& options() const { return options_; }
  const Flags& flags() const { return flags_; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }

  // `--key` when given; otherwise a fresh random key, printed to stderr so the operator can
  // retry with it. The same key for the whole session.
  const std::string& IdempotencyKey();

  v1::AdminService::Stub& admin();
  v1::CommandService::Stub& commands();
  v1::PartnerService::Stub& partners();  // on --target, beside CommandService
  v1::QueryService::Stub& queries();

  // One unary call with the session deadline; the raw status.
  template <typename Stub, typename Request, typename Response>
  grpc::Status Invoke(Stub& stub,
                      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                   Response*),
                      const Request& request, Response* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::milliseconds(options_.timeout_ms));
    return (stub.*method)(&context, request, response);
  }

  // Prints the failure and its hint to stderr (with --json, also as JSON to stdout); the exit
  // code.
  int ReportFailure(const grpc::Status& status, const std::string& target);

  // Calls, then prints the response (JSON with --json, else `render`) or the failure.
  template <typename Stub, typename Request, typename Response>
  int Call(Stub& stub,
           grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
           const Request& request, const std::type_identity_t<Renderer<Response>>& render) {
    Response response;
    const grpc::Status status = Invoke(stub, method, request, &response);
    if (!status.ok()) return ReportFailure(status, TargetOf(stub));
    Print(response, render);
    return kExitOk;
  }

  template <typename Response>
  void Print(const Response& response, const Renderer<Response>& render) {
    if (options_.json) {
      PrintJson(response, out_);
    } else {
      render(response, out_);
    }
  }

  const std::string& TargetOf(const v1::QueryService::Stub&) const {
    return options_.query_target;
  }
  template <typename Stub>
  const std::string& TargetOf(const Stub&) const {
    return options_.target;
  }

 private:
  std::shared_ptr<grpc::Channel> CommandChannel();

  GlobalOptions options_;
  Flags flags_;
  std::ostream& out_;
  std::ostream& err_;
  std::string key_;
  std::shared_ptr<grpc::Channel> command_channel_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
  std::unique_ptr<v1::CommandService::Stub> commands_;
  std::unique_ptr<v1::PartnerService::Stub> partners_;
  std::unique_ptr<v1::QueryService::Stub> queries_;
};

}  // namespace loyalty::ctl
