#pragma once

#include <functional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "libs/pg/transaction.h"
#include "libs/store/context.h"
#include "libs/store/idempotency.h"
#include "libs/store/member_cache.h"
#include "libs/store/member_repository.h"

namespace loyalty::command {

// One attempt of a command that takes lots of one member: its time (the same for the prefetched
// statements and the body), the member's read (every lot: it takes lots) and cache (to Leave
// after the operation's Commit).
struct LotAttempt {
  absl::Time now;
  const store::MemberRead* read = nullptr;
  store::MemberCommandCache* cached = nullptr;
};

// Runs such a command on the member path (store::RunMemberCommand with the member's cache):
// `prefetch` declares, in its order, what `body` reads.
template <typename Response>
absl::Status RunLotCommand(
    const store::Context& context, absl::string_view method, const std::string& org_id,
    const std::string& member_id, const std::string& key, const google::protobuf::Message& request,
    Response* response, const std::function<void(pg::Transaction&, const LotAttempt&)>& prefetch,
    const std::function<absl::Status(pg::Transaction&, const LotAttempt&)>& body) {
  store::MemberCommandCache cached(context.member_cache, org_id, member_id);
  LotAttempt attempt{.now = absl::InfinitePast(), .read = nullptr, .cached = &cached};
  return store::RunMemberCommand(
      context, cached, method, key, request, response,
      [&](pg::Transaction& tx) {
        attempt.now = context.clock->Now();
        attempt.read = &cached.Attempt(std::nullopt);
        prefetch(tx, attempt);
      },
      [&](pg::Transaction& tx) { return body(tx, attempt); });
}

}  // namespace loyalty::command
