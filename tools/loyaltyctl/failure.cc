#include "tools/loyaltyctl/failure.h"

#include <map>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "tools/loyaltyctl/limits.h"

namespace loyalty::ctl {
namespace {

// The google.rpc.ErrorInfo among the status details (a serialized google.rpc.Status); empty when
// there is none.
google::rpc::ErrorInfo ErrorInfoOf(const grpc::Status& status) {
  google::rpc::Status details;
  google::rpc::ErrorInfo info;
  if (!details.ParseFromString(status.error_details())) return info;
  for (const google::protobuf::Any& detail : details.details()) {
    if (detail.Is<google::rpc::ErrorInfo>() && detail.UnpackTo(&info)) return info;
  }
  return google::rpc::ErrorInfo();
}

std::string MetadataValue(const google::rpc::ErrorInfo& info, const std::string& key) {
  auto found = info.metadata().find(key);
  return found == info.metadata().end() ? "" : found->second;
}

const std::map<std::string, std::string>& FixedHints() {
  static const auto* const kHints = new std::map<std::string, std::string>{
      {"INSUFFICIENT_POINTS", "the member has fewer available points; check `loyaltyctl balances`"},
      {"BELOW_MINIMUM", "below the program's redemption minimum; see `loyaltyctl program show`"},
      {"ABOVE_MAXIMUM", "above the program's redemption maximum; see `loyaltyctl program show`"},
      {"NOT_MULTIPLE",
       "points must be a multiple of the program's step; see `loyaltyctl program show`"},
      {"EARN_AND_BURN_SAME_ORDER",
       "the order already earned or burned points; use another --order or none"},
      {"DUPLICATE_ORDER",
       "the order already earned points; correct it with `points reverse` or `points adjust`"},
      {"PROGRAM_NOT_ACTIVE",
       "the program is draft or closed; `loyaltyctl program activate` a draft one"},
      {"PROGRAM_NOT_READY",
       "add a point type and a subtype first (`point-type add`, `subtype add`)"},
      {"MEMBER_NOT_ACTIVE", "the member is suspended or closed; see `loyaltyctl member show`"},
      {"NOT_ENROLLED", "enrol the member first: `loyaltyctl member enrol`"},
      {"NOT_TRANSFERABLE", "the receiving program has no redeemable point type"},
      {"ACTION_LIMIT_REACHED", "the member earned this action as often as the program allows"},
      {"ALREADY_CANCELLED", "nothing to do: the redemption was cancelled before"},
      {"RESERVATION_NOT_OPEN", "the reservation was already captured or voided"},
      {"RESERVATION_EXPIRED", "the hold timed out and its points were released; reserve again"},
      {"ALREADY_IN_HOUSEHOLD", "the member is in a household; `household leave` first"},
      {"NOT_IN_HOUSEHOLD", "the member is in no household"},
      {"RULES_CHANGED",
       "someone changed the program's rules since this command read them; `program show`, then "
       "run it again (it reads them afresh)"},
      {"BADGE_CHANGED",
       "someone changed the badge since the version --expected_version names; `badge show`, then "
       "define it again from its current version"},
      {"BADGE_CRITERION_CHANGED",
       "a badge's criterion cannot change; define a new badge (another --badge) instead"},
      {"BADGE_LIMIT_REACHED",
       "the program has as many badges as it may; change an existing one (`badge list`)"},
      {"IDEMPOTENCY_KEY_REUSED", "this --key was used for a different request; use a new --key"},
      {"CONFLICT_RETRIES_EXHAUSTED",
       "too many concurrent changes; retry with the same --key (safe, no double effect)"},
      {"OVERLOADED", "the service is busy; retry with the same --key (safe, no double effect)"},
      {"UNAVAILABLE", "the service cannot reach its database; retry with the same --key (safe)"},
      {"UNAUTHENTICATED", "show a client certificate the service trusts: --tls_cert and --tls_key"},
      {"CALLER_NOT_ALLOWED",
       "the service's access policy does not give your certificate's identity this method or "
       "organisation"},
  };
  return *kHints;
}

std::string HintFor(const google::rpc::ErrorInfo& info) {
  const std::string& reason = info.reason();
  if (reason == "INVALID_FIELD") {
    const std::string field = MetadataValue(info, "field");
    return field.empty()
               ? "fix the flag values and retry"
               : absl::StrCat("the platform rejected field `", field, "`; fix the matching flag");
  }
  if (reason == "INTERNAL") {
    return absl::StrCat("a platform error; report request id ", MetadataValue(info, "request_id"),
                        " to the platform team");
  }
  auto fixed = FixedHints().find(reason);
  if (fixed != FixedHints().end()) return fixed->second;
  if (absl::EndsWith(reason, "_NOT_FOUND")) {
    return "no such id in this org; check the ids and --org (ids are case-sensitive)";
  }
  if (absl::EndsWith(reason, "_ALREADY_EXISTS")) {
    return "the id is taken; `show` it, or pick another id";
  }
  return "";
}

// Codes only the platform produces (docs/errors.md): it answered and said no.
bool IsPlatformCode(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::OUT_OF_RANGE:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::PERMISSION_DENIED:
      return true;
    default:
      return false;
  }
}

std::string TransportHint(grpc::StatusCode code, absl::string_view target) {
  switch (code) {
    case grpc::StatusCode::UNAVAILABLE:
      return absl::StrCat("is the service running at ", target,
                          "? If it is, the TLS handshake failed: --tls_ca must hold the CA of its "
                          "certificate and it must trust the CA of --tls_cert (or both sides "
                          "--insecure_plaintext)");
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "no answer within --timeout_ms; retry with the same --key (safe, no double effect)";
    case grpc::StatusCode::UNIMPLEMENTED:
      return absl::StrCat("the service at ", target,
                          " does not serve this API; check --target / --query_target");
    default:
      return "";
  }
}

}  // namespace

Failure DescribeFailure(const grpc::Status& status, absl::string_view target) {
  const google::rpc::ErrorInfo info = ErrorInfoOf(status);
  const std::string code =
      absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code()));
  Failure failure;
  failure.code = code;
  failure.reason = info.reason();
  failure.status_message = status.error_message();
  failure.details.insert(info.metadata().begin(), info.metadata().end());
  failure.message =
      info.reason().empty()
          ? absl::StrCat("error: ", code, ": ", status.error_message())
          : absl::StrCat("error: ", code, " ", info.reason(), ": ", status.error_message());
  if (!info.reason().empty() || IsPlatformCode(status.error_code())) {
    failure.exit_code = kExitRefused;
    failure.hint = HintFor(info);
  } else {
    failure.exit_code = kExitTransport;
    failure.hint = TransportHint(status.error_code(), target);
  }
  return failure;
}

}  // namespace loyalty::ctl
