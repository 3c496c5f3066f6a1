#pragma once

#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "google/protobuf/stubs/logging.h"
#include "libs/base/check.h"  // LOYALTY_CHECK: a broken invariant aborts, libFuzzer reports it

// How every fuzz target reads its input: two bytes (little-endian) give the length L of the
// serialized request that follows; the L bytes are parsed as the request message (a parse failure
// is simply rejected, as gRPC does); the bytes after them choose the ledger state
// (ledger_state.h) through a FuzzedDataProvider, which never fails. fuzz/make_corpus.py writes
// seeds in this form.

namespace loyalty::fuzz {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size)
      : request_length_(size < 2 ? 0 : std::min<size_t>(size - 2, ReadLength(data))),
        request_(reinterpret_cast<const char*>(data) + (size < 2 ? 0 : 2), request_length_),
        state_(data + (size < 2 ? size : 2 + request_length_),
               size < 2 ? 0 : size - 2 - request_length_) {}

  // Parses the request bytes into `message`; false when they are not a valid message.
  template <typename Message>
  bool Parse(Message* message) const {
    static const bool quiet = [] {  // a parse failure is an expected outcome, not worth a log line
      google::protobuf::SetLogHandler(nullptr);
      return true;
    }();
    (void)quiet;
    return message->ParseFromArray(request_.data(), static_cast<int>(request_.size()));
  }

  FuzzedDataProvider& state() { return state_; }

 private:
  static size_t ReadLength(const uint8_t* data) {
    return static_cast<size_t>(data[0]) | (static_cast<size_t>(data[1]) << 8);
  }

  size_t request_length_;
  std::string request_;
  FuzzedDataProvider state_;
};

}  // namespace loyalty::fuzz
