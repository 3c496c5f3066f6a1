#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "grpcpp/impl/codegen/server_callback_handlers.h"
#include "grpcpp/impl/service_type.h"
#include "grpcpp/support/byte_buffer.h"
#include "libs/rpc/access_control.h"
#include "libs/rpc/caller.h"
#include "libs/rpc/metrics.h"
#include "libs/rpc/queued_calls.h"
#include "libs/rpc/trace_context.h"

namespace loyalty::rpc {

// `body` (a request's bytes) parsed into `request`; INVALID_ARGUMENT "the request is not a valid
// loyalty.v1.AccrueRequest" when it does not parse (truncated, random bytes, invalid UTF-8 in a
// string field).
absl::Status ParseRequest(const grpc::ByteBuffer& body, google::protobuf::Message& request);

// `response`'s bytes into `body`.
absl::Status SerializeResponse(const google::protobuf::Message& response, grpc::ByteBuffer* body);

// A gRPC service of unary methods, each run on rpc::QueuedCalls (a fixed set of workers behind
// a bounded queue), that parses its requests itself: a body that does not parse as the method's
// request message is refused with INVALID_ARGUMENT naming the message, on every method, and
// changes nothing. (gRPC's generated services answer it with UNIMPLEMENTED, on the callback API,
// or INTERNAL, on the sync API, without a message.) Every call is let in by the AccessControl,
// if any, before it is queued: this is the one place the caller is checked (docs/security.md).
// Each method is added with Handle; the handlers take the typed request, the CallInfo and the
// response. Shut the gRPC server down before destroying the service.
class UnaryService : public grpc::Service {
 public:
  // The proto service's full name ("loyalty.v1.CommandService"), also its name in the health
  // service (StartServer).
  const std::string& service_name() const { return service_; }

 protected:
  // `service` is the proto service's full name ("loyalty.v1.CommandService"); `queue` names it
  // in the queue's refusal ("the command service is busy: ..."); each method is declared in
  // `metrics` as it is added; `access` checks every call before it runs (null: none, over
  // plaintext).
  UnaryService(std::string service, std::string queue, RpcMetrics& metrics, CallLimits limits,
               AccessControl* access);

  // Serves `method` ("Accrue"): `body(request, call_info, &response)` runs on a worker and
  // returns the call's status (QueuedCalls::Run).
  template <typename Request, typename Response, typename Body>
  void Handle(absl::string_view method, Body body) {
    Handle<Request, Response>(
        method, [](const Request&, Response*) { return std::optional<absl::Status>(); },
        std::move(body));
  }

  // As above, but `at_once(request, &response)` first, on gRPC's thread; when it returns a
  // status, that is the answer (QueuedCalls::RunUnlessAnswered).
  template <typename Request, typename Response, typename AtOnce, typename Body>
  void Handle(absl::string_view method, AtOnce at_once, Body body) {
    AddRawMethod(
        method, *Request::descriptor(), *Response::descriptor(),
        new grpc::internal::CallbackUnaryHandler<
            grpc::ByteBuffer, grpc::ByteBuffer>([this, method = std::string(method),
                                                 at_once = std::move(at_once),
                                                 body = std::move(body)](
                                                    grpc::CallbackServerContext* server_context,
                                                    const grpc::ByteBuffer* request_body,
                                                    grpc::ByteBuffer* response_body) {
          auto call = std::make_unique<Call<Request, Response>>();
          call->trace_id = CallTraceId(*server_context);
          Call<Request, Response>& typed = *call;
          return calls_.RunUnlessAnswered(
              server_context,
              [&]() -> std::optional<absl::Status> {
                if (absl::Status admitted = Admit(*server_context, method, *request_body,
                                                  typed.request, &typed.admission);
                    !admitted.ok()) {
                  return admitted;
                }
                std::optional<absl::Status> answered = at_once(typed.request, &typed.response);
                if (answered.has_value()) {
                  if (answered->ok()) *answered = SerializeResponse(typed.response, response_body);
                  typed.admission.reset();  // before the answer reaches the caller
                }
                return answered;
              },
              [&body, call = std::move(call), response_body](absl::Time deadline) {
                const CallInfo info{
                    deadline,
                    call->admission.has_value() ? call->admission->caller() : std::string(),
                    call->trace_id};
                absl::Status status = body(call->request, info, &call->response);
                call->admission.reset();  // before the answer reaches the caller
                if (status.ok()) status = SerializeResponse(call->response, response_body);
                return status;
              });
        }));
  }

 private:
  template <typename Request, typename Response>
  struct Call {
    Request request;
    Response response;
    // Held while the call runs, and released before it is answered: a caller that sends its
    // next call on the answer must find its slot free.
    std::optional<AccessControl::Admission> admission;
    std::string trace_id;  // CallInfo::trace_id
  };

  // Parses `body` into `request` and lets the call in: OK, or the refusal of the access control
  // (UNAUTHENTICATED before the request is parsed, so that a caller without a certificate learns
  // nothing of it) or of the parse. Without access control (plaintext), every call is let in.
  absl::Status Admit(const grpc::CallbackServerContext& server_context, absl::string_view method,
                     const grpc::ByteBuffer& body, google::protobuf::Message& request,
                     std::optional<AccessControl::Admission>* admission);

  // Registers "/<service>/<method>" with `handler` on gRPC's callback API, request and response
  // as bytes. The proto service must have the method, with these request and response types.
  void AddRawMethod(absl::string_view method, const google::protobuf::Descriptor& request,
                    const google::protobuf::Descriptor& response,
                    grpc::internal::MethodHandler* handler);

  const std::string service_;
  RpcMetrics& metrics_;
  AccessControl* const access_;
  std::deque<std::string> paths_;  // gRPC keeps a pointer to each method's path
  QueuedCalls calls_;
};

// Installs (once) a protobuf log handler that writes at most a few lines a minute to the log and
// counts the rest: protobuf logs an error for every request with invalid UTF-8 in a string field,
// which a client could otherwise turn into unbounded log lines. StartServer calls it.
void LimitProtobufLogs();

}  // namespace loyalty::rpc
