#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace loyalty::rpc {

// The roles of SPEC 7 (docs/security.md).
enum class Role : uint8_t { kEarnBurn, kAdmin, kRead, kOperator, kPartner };

inline constexpr char kCallerNotAllowed[] = "CALLER_NOT_ALLOWED";

// "earn_burn", "admin", ...
absl::string_view RoleName(Role role);

// The organisation a request acts on: its top-level string field org_id; nullopt when the
// message has none.
std::optional<std::string> OrgIdOf(const google::protobuf::Message& request);

// The role a method needs, besides operator (which may call every method): earn_burn for
// CommandService, admin for AdminService, read for QueryService; operator alone for a request
// that names no existing organisation (AdminService.CreateOrganisation, a request without
// org_id) and for any method of another service. `service` is the proto service's full name.
Role RequiredRole(absl::string_view service, absl::string_view method, bool names_org);

// What one grant of the policy allows.
struct Grant {
  std::vector<Role> roles;
  bool all_orgs = false;
  absl::flat_hash_set<std::string> org_ids;
  int max_concurrent_calls = 0;  // 0: the service's default
};

// What a grant lets a call do: the role that allowed it, and the grant's bound of calls in flight
// (0: the service's default).
struct Allowance {
  Role role = Role::kOperator;
  int max_concurrent_calls = 0;
};

// The access policy (protos/loyalty/config/v1/access_policy.proto), validated and indexed.
class AccessPolicy final {
 public:
  // Parses and validates a policy: JSON when `json`, else protobuf text format. The error names
  // the grant and the problem (an unknown role, an identity given twice, no organisations, ...).
  static absl::StatusOr<AccessPolicy> Parse(absl::string_view text, bool json);

  // The file's text (at most 1 MiB).
  static absl::StatusOr<std::string> Read(const std::string& path);

  // Parses `text` read from `path` as its name says (".json": JSON, else text format).
  static absl::StatusOr<AccessPolicy> Parse(const std::string& path, absl::string_view text);

  // The grant of `identity`: the one naming it exactly, else the one of the longest prefix it
  // starts with; null when none matches.
  const Grant* Find(absl::string_view identity) const;

  // OK when `identity`'s grant allows calling `service`.`method` (RequiredRole) on `org_id`
  // (OrgIdOf the request; an empty id is left to the request's own checks); else
  // PERMISSION_DENIED CALLER_NOT_ALLOWED naming the method or the organisation. On OK,
  // `*allowed` says what the grant allows the call.
  absl::Status Authorize(absl::string_view identity, absl::string_view service,
                         absl::string_view method, const std::optional<std::string>& org_id,
                         Allowance* allowed) const;

 private:
  std::vector<Grant> grants_;
  absl::flat_hash_map<std::string, int> by_identity_;
  std::vector<std::pair<std::string, int>> by_prefix_;  // longest prefix first
};

}  // namespace loyalty::rpc
