#pragma once

#include <concepts>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "libs/pg/transaction.h"
#include "libs/store/context.h"

namespace loyalty::store {

// Runs a mutating command at most once per (org, idempotency key), in one SQL transaction
// together with its idempotency record:
//  1. claims the key (a concurrent request with the same key waits here for the first to finish);
//  2. if the key was already used: same method and request -> the stored response, *replayed =
//     true, no effect; otherwise ALREADY_EXISTS;
//  3. else runs `body`, stores its response, commits.
// A body that fails rolls everything back, the key included, so a refused request changes nothing
// and may be sent again. Conflicts are retried by the transaction runner; `body` must clear and
// refill `response` on each attempt.
// `prefetch` (may be empty) runs first in each attempt and declares the reads the body will make
// (pg::Transaction::Prefetch): they go out with BEGIN and the claim, in one round trip.
using Prefetch = std::function<void(pg::Transaction&)>;
absl::Status RunIdempotentCommand(const Context& context, absl::string_view method,
                                  const std::string& org_id, const std::string& key,
                                  const google::protobuf::Message& request,
                                  google::protobuf::Message* response, bool* replayed,
                                  const Prefetch& prefetch,
                                  const std::function<absl::Status(pg::Transaction&)>& body);

// RunIdempotentCommand for a command on one member (`cached`'s): through context.member_batcher
// when there is one, which may run it in one transaction with the commands queued behind another
// on the member (MemberBatcher). Caches the member's state after it (cached.Committed()).
absl::Status RunIdempotentMemberCommand(const Context& context, MemberCommandCache& cached,
                                        absl::string_view method, const std::string& key,
                                        const google::protobuf::Message& request,
                                        google::protobuf::Message* response, bool* replayed,
                                        const Prefetch& prefetch,
                                        const std::function<absl::Status(pg::Transaction&)>& body);

// Sets `replayed` on responses that have the field.
template <typename Response>
absl::Status MarkReplayed(const absl::Status& status, bool replayed, Response* response) {
  if constexpr (requires { response->set_replayed(true); }) {
    if (status.ok() && replayed) response->set_replayed(true);
  }
  return status;
}

// The typed forms.
template <typename Response>
absl::Status RunCommand(const Context& context, absl::string_view method, const std::string& org_id,
                        const std::string& key, const google::protobuf::Message& request,
                        Response* response, const Prefetch& prefetch,
                        const std::function<absl::Status(pg::Transaction&)>& body) {
  bool replayed = false;
  const absl::Status status = RunIdempotentCommand(context, method, org_id, key, request, response,
                                                   &replayed, prefetch, body);
  return MarkReplayed(status, replayed, response);
}

template <typename Response>
absl::Status RunMemberCommand(const Context& context, MemberCommandCache& cached,
                              absl::string_view method, const std::string& key,
                              const google::protobuf::Message& request, Response* response,
                              const Prefetch& prefetch,
                              const std::function<absl::Status(pg::Transaction&)>& body) {
  bool replayed = false;
  const absl::Status status = RunIdempotentMemberCommand(context, cached, method, key, request,
                                                         response, &replayed, prefetch, body);
  return MarkReplayed(status, replayed, response);
}

template <typename Response>
absl::Status RunCommand(const Context& context, absl::string_view method, const std::string& org_id,
                        const std::string& key, const google::protobuf::Message& request,
                        Response* response,
                        const std::function<absl::Status(pg::Transaction&)>& body) {
  return RunCommand(context, method, org_id, key, request, response, Prefetch(), body);
}

// Deletes at most `limit` idempotency keys claimed before `before`; how many it deleted.
absl::StatusOr<int64_t> DeleteIdempotencyKeysBefore(pg::Transaction& tx, absl::Time before,
                                                    int32_t limit);

}  // namespace loyalty::store
