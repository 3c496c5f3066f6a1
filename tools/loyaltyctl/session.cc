#include "tools/loyaltyctl/session.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/rpc/tls.h"
#include "tools/loyaltyctl/failure.h"

namespace loyalty::ctl {
namespace {

// "ctl-" and 32 random hex digits.
std::string RandomKey() {
  std::random_device device;
  std::uniform_int_distribution<uint32_t> word;
  std::string key = "ctl-";
  for (int i = 0; i < 4; ++i) absl::StrAppendFormat(&key, "%08x", word(device));
  return key;
}

}  // namespace

const std::string& Session::IdempotencyKey() {
  if (!key_.empty()) return key_;
  if (flags_.Has("key")) {
    key_ = flags_.String("key");
  } else {
    key_ = RandomKey();
    err_ << "idempotency key: " << key_ << " (to retry safely, re-run with --key=" << key_
         << ")\n";
  }
  return key_;
}

std::shared_ptr<grpc::Channel> Session::CommandChannel() {
  if (command_channel_ == nullptr) {
    command_channel_ = rpc::OpenChannel(options_.target, options_.tls);
  }
  return command_channel_;
}

v1::AdminService::Stub& Session::admin() {
  if (admin_ == nullptr) admin_ = v1::AdminService::NewStub(CommandChannel());
  return *admin_;
}

v1::CommandService::Stub& Session::commands() {
  if (commands_ == nullptr) commands_ = v1::CommandService::NewStub(CommandChannel());
  return *commands_;
}

v1::PartnerService::Stub& Session::partners() {
  if (partners_ == nullptr) partners_ = v1::PartnerService::NewStub(CommandChannel());
  return *partners_;
}

v1::QueryService::Stub& Session::queries() {
  if (queries_ == nullptr) {
    queries_ = v1::QueryService::NewStub(rpc::OpenChannel(options_.query_target, options_.tls));
  }
  return *queries_;
}

int Session::ReportFailure(const grpc::Status& status, const std::string& target) {
  const Failure failure = DescribeFailure(status, target);
  if (options_.json) PrintFailureJson(failure, out_);
  err_ << failure.message << "\n";
  if (!failure.hint.empty()) err_ << "hint: " << failure.hint << "\n";
  return failure.exit_code;
}

}  // namespace loyalty::ctl
