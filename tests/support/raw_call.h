#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "grpcpp/client_context.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"

namespace loyalty::testing {

// A unary call of `method` ("/loyalty.v1.CommandService/Accrue") with `body` as the request's
// bytes, whatever they are; the reply's bytes into `reply`.
inline grpc::Status RawCall(grpc::GenericStub& stub, const std::string& method,
                            const std::string& body, std::string* reply) {
  grpc::Slice slice(body);
  grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ByteBuffer reply_buffer;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  grpc::Status result;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request_buffer, &reply_buffer,
                 [&](grpc::Status status) {
                   std::lock_guard<std::mutex> lock(mutex);
                   result = status;
                   done = true;
                   done_cv.notify_one();
                 });
  std::unique_lock<std::mutex> lock(mutex);
  done_cv.wait(lock, [&] { return done; });
  std::vector<grpc::Slice> slices;
  reply_buffer.Dump(&slices);
  for (const grpc::Slice& s : slices) {
    reply->append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return result;
}

}  // namespace loyalty::testing
