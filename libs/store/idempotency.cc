#include "libs/store/idempotency.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/store/member_batch.h"

namespace loyalty::store {
namespace {

constexpr pg::Statement kClaimKey{
    "idempotency_claim",
    "INSERT INTO idempotency_keys (org_id, key, method, request_hash, created_at)"
    " VALUES ($1, $2, $3, sha256($4), $5) ON CONFLICT DO NOTHING RETURNING 1"};

constexpr pg::Statement kSelectKey{
    "idempotency_select",
    "SELECT method = $3 AND request_hash = sha256($4), response FROM idempotency_keys"
    " WHERE org_id = $1 AND key = $2"};

constexpr pg::Statement kStoreResponse{
    "idempotency_store",
    "UPDATE idempotency_keys SET response = $3 WHERE org_id = $1 AND key = $2"};

std::string DeterministicBytes(const google::protobuf::Message& message) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  message.SerializeToCodedStream(&coded);
  coded.Trim();
  return bytes;
}

// One attempt of RunIdempotentCommand on `tx`.
absl::Status AttemptIdempotent(const Context& context, absl::string_view method,
                               const std::string& org_id, const std::string& key,
                               const std::string& request_bytes,
                               google::protobuf::Message* response, bool* replayed,
                               const Prefetch& prefetch,
                               const std::function<absl::Status(pg::Transaction&)>& body,
                               pg::Transaction& tx) {
  response->Clear();
  *replayed = false;
  pg::Params params;
  params.Add(org_id).Add(key).Add(std::string(method)).AddBytes(request_bytes);
  pg::Params claim = params;
  claim.Add(context.clock->Now());
  // The claim is a write declared as a prefetch: it is the first statement, so it runs exactly
  // where it would anyway, and the body's reads go out with it.
  tx.Prefetch(kClaimKey, claim);
  if (prefetch) prefetch(tx);
  LOYALTY_ASSIGN_OR_RETURN(pg::Result claimed, tx.Execute(kClaimKey, claim));
  if (claimed.Rows() == 0) {
    LOYALTY_ASSIGN_OR_RETURN(pg::Result stored, tx.Execute(kSelectKey, params));
    if (stored.Rows() != 1 || stored.IsNull(0, 1)) {
      return absl::AbortedError("idempotency record changed concurrently");
    }
    if (!stored.Bool(0, 0)) {
      return absl::AlreadyExistsError(
          absl::StrCat("idempotency key '", key, "' was already used for a different request"));
    }
    if (!response->ParseFromString(stored.Bytes(0, 1))) {
      return absl::InternalError("stored response does not parse");
    }
    *replayed = true;
    return absl::OkStatus();
  }
  LOYALTY_RETURN_IF_ERROR(body(tx));
  pg::Params store;
  store.Add(org_id).Add(key).AddBytes(response->SerializeAsString());
  tx.Defer(kStoreResponse, std::move(store));
  return absl::OkStatus();
}

constexpr pg::Statement kPruneKeys{
    "worker_prune_idempotency_keys",
    "DELETE FROM idempotency_keys WHERE (org_id, key) IN (SELECT org_id, key"
    " FROM idempotency_keys WHERE created_at < $1 LIMIT $2)"};

}  // namespace

absl::Status RunIdempotentCommand(const Context& context, absl::string_view method,
                                  const std::string& org_id, const std::string& key,
                                  const google::protobuf::Message& request,
                                  google::protobuf::Message* response, bool* replayed,
                                  const Prefetch& prefetch,
                                  const std::function<absl::Status(pg::Transaction&)>& body) {
  const std::string request_bytes = DeterministicBytes(request);
  return pg::RunInTransaction(
      *context.pool, pg::Isolation::kReadCommitted, context.retry,
      [&](pg::Transaction& tx) {
        return AttemptIdempotent(context, method, org_id, key, request_bytes, response, replayed,
                                 prefetch, body, tx);
      },
      context.deadline);
}

absl::Status RunIdempotentMemberCommand(const Context& context, MemberCommandCache& cached,
                                        absl::string_view method, const std::string& key,
                                        const google::protobuf::Message& request,
                                        google::protobuf::Message* response, bool* replayed,
                                        const Prefetch& prefetch,
                                        const std::function<absl::Status(pg::Transaction&)>& body) {
  const std::string request_bytes = DeterministicBytes(request);
  const MemberBatcher::Attempt attempt = [&](pg::Transaction& tx) {
    return AttemptIdempotent(context, method, cached.org_id(), key, request_bytes, response,
                             replayed, prefetch, body, tx);
  };
  if (context.member_batcher != nullptr) {
    return context.member_batcher->Run(cached, attempt, context.deadline);
  }
  const absl::Status status = pg::RunInTransaction(*context.pool, pg::Isolation::kReadCommitted,
                                                   context.retry, attempt, context.deadline);
  if (status.ok()) cached.Committed();
  return status;
}

absl::StatusOr<int64_t> DeleteIdempotencyKeysBefore(pg::Transaction& tx, absl::Time before,
                                                    int32_t limit) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result result,
                           tx.Execute(kPruneKeys, pg::Params().Add(before).Add(limit)));
  return result.AffectedRows();
}

}  // namespace loyalty::store
