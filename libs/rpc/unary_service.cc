#include "libs/rpc/unary_service.h"

#include <cstdint>
#include <mutex>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/stubs/logging.h"
#include "grpcpp/impl/codegen/proto_buffer_reader.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/impl/rpc_service_method.h"
#include "libs/base/check.h"
#include "libs/base/log.h"

namespace loyalty::rpc {
namespace {

// The protobuf log lines written in a minute; the rest are counted and dropped.
constexpr int kProtobufLinesPerMinute = 10;

ABSL_CONST_INIT absl::Mutex protobuf_log_mutex(absl::kConstInit);
absl::Time protobuf_log_window ABSL_GUARDED_BY(protobuf_log_mutex) = absl::InfinitePast();
int protobuf_log_written ABSL_GUARDED_BY(protobuf_log_mutex) = 0;
int64_t protobuf_log_dropped ABSL_GUARDED_BY(protobuf_log_mutex) = 0;

void LimitedProtobufLog(google::protobuf::LogLevel level, const char* filename, int line,
                        const std::string& message) {
  std::string text = absl::StrCat("libprotobuf ", filename, ":", line, ": ", message);
  {
    absl::MutexLock lock(&protobuf_log_mutex);
    const absl::Time now = absl::Now();
    if (now - protobuf_log_window >= absl::Minutes(1)) {
      protobuf_log_window = now;
      protobuf_log_written = 0;
    }
    if (level != google::protobuf::LOGLEVEL_FATAL &&
        protobuf_log_written >= kProtobufLinesPerMinute) {
      ++protobuf_log_dropped;
      return;
    }
    ++protobuf_log_written;
    if (protobuf_log_dropped > 0) {
      absl::StrAppend(&text, " (", protobuf_log_dropped, " protobuf log lines dropped before it)");
      protobuf_log_dropped = 0;
    }
  }
  if (level >= google::protobuf::LOGLEVEL_ERROR) {
    LogError(text);
  } else {
    LogWarning(text);
  }
}

}  // namespace

absl::Status ParseRequest(const grpc::ByteBuffer& body, google::protobuf::Message& request) {
  if (!body.Valid()) return absl::OkStatus();  // no bytes: every field at its default
  grpc::ByteBuffer bytes(body);  // shares the slices; the reader consumes its buffer
  grpc::ProtoBufferReader reader(&bytes);
  if (reader.status().ok() && request.ParseFromZeroCopyStream(&reader)) {
    return absl::OkStatus();
  }
  request.Clear();
  return absl::InvalidArgumentError(
      absl::StrCat("the request is not a valid ", request.GetDescriptor()->full_name(),
                   ": its bytes do not parse (truncated, not protobuf, or invalid UTF-8 in a"
                   " string field)"));
}

absl::Status SerializeResponse(const google::protobuf::Message& response, grpc::ByteBuffer* body) {
  bool own_buffer = false;
  const grpc::Status serialized =
      grpc::SerializationTraits<google::protobuf::Message>::Serialize(response, body, &own_buffer);
  if (serialized.ok()) return absl::OkStatus();
  return absl::InternalError(absl::StrCat("cannot serialize the ",
                                          response.GetDescriptor()->full_name(), ": ",
                                          serialized.error_message()));
}

UnaryService::UnaryService(std::string service, std::string queue, RpcMetrics& metrics,
                           CallLimits limits, AccessControl* access)
    : service_(std::move(service)),
      metrics_(metrics),
      access_(access),
      calls_(service_, std::move(queue), metrics, limits) {}

absl::Status UnaryService::Admit(const grpc::CallbackServerContext& server_context,
                                 absl::string_view method, const grpc::ByteBuffer& body,
                                 google::protobuf::Message& request,
                                 std::optional<AccessControl::Admission>* admission) {
  std::string identity;
  if (access_ != nullptr) {
    identity = CallerIdentity(*server_context.auth_context());
    if (identity.empty()) return access_->Unauthenticated();
  }
  if (absl::Status parsed = ParseRequest(body, request); !parsed.ok()) return parsed;
  if (access_ == nullptr) return absl::OkStatus();
  absl::StatusOr<AccessControl::Admission> admitted =
      access_->Admit(identity, service_, method, OrgIdOf(request));
  if (!admitted.ok()) return admitted.status();
  admission->emplace(*std::move(admitted));
  return absl::OkStatus();
}

void UnaryService::AddRawMethod(absl::string_view method,
                                const google::protobuf::Descriptor& request,
                                const google::protobuf::Descriptor& response,
                                grpc::internal::MethodHandler* handler) {
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service_);
  LOYALTY_CHECK(service != nullptr);
  const google::protobuf::MethodDescriptor* declared =
      service->FindMethodByName(std::string(method));
  LOYALTY_CHECK(declared != nullptr && declared->input_type() == &request &&
                declared->output_type() == &response);
  metrics_.Declare(service_, method, grpc::internal::RpcMethod::NORMAL_RPC);
  paths_.push_back(absl::StrCat("/", service_, "/", method));
  AddMethod(new grpc::internal::RpcServiceMethod(
      paths_.back().c_str(), grpc::internal::RpcMethod::NORMAL_RPC, nullptr));
  MarkMethodRawCallback(static_cast<int>(paths_.size() - 1), handler);
}

void LimitProtobufLogs() {
  static std::once_flag once;
  std::call_once(once, [] { google::protobuf::SetLogHandler(&LimitedProtobufLog); });
}

}  // namespace loyalty::rpc
