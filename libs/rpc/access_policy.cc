#include "libs/rpc/access_policy.h"

#include <algorithm>
#include <fstream>
#include <iterator>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "libs/base/refusal.h"
#include "loyalty/config/v1/access_policy.pb.h"

namespace loyalty::rpc {
namespace {

constexpr size_t kMaxPolicyBytes = 1 << 20;
constexpr int kMaxConcurrentCalls = 100000;

constexpr std::pair<Role, absl::string_view> kRoleNames[] = {
    {Role::kEarnBurn, "earn_burn"}, {Role::kAdmin, "admin"},     {Role::kRead, "read"},
    {Role::kOperator, "operator"},  {Role::kPartner, "partner"},
};

absl::Status GrantError(int index, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("access policy: grants[", index, "]: ", problem));
}

absl::StatusOr<Grant> Compile(const config::v1::Grant& grant, int index) {
  Grant compiled;
  if (grant.identity().empty() == grant.identity_prefix().empty()) {
    return GrantError(index, "give exactly one of identity and identity_prefix");
  }
  if (grant.roles().empty()) return GrantError(index, "roles is empty");
  for (const std::string& name : grant.roles()) {
    auto known = std::find_if(std::begin(kRoleNames), std::end(kRoleNames),
                              [&](const auto& role) { return role.second == name; });
    if (known == std::end(kRoleNames)) {
      return GrantError(index, absl::StrCat("unknown role '", name,
                                            "' (earn_burn, admin, read, operator, partner)"));
    }
    compiled.roles.push_back(known->first);
  }
  if (grant.all_orgs() == !grant.org_ids().empty()) {
    return GrantError(index, "give either org_ids or all_orgs: true");
  }
  compiled.all_orgs = grant.all_orgs();
  for (const std::string& org_id : grant.org_ids()) {
    if (org_id.empty()) return GrantError(index, "org_ids has an empty id");
    compiled.org_ids.insert(org_id);
  }
  if (grant.max_concurrent_calls() < 0 || grant.max_concurrent_calls() > kMaxConcurrentCalls) {
    return GrantError(index, absl::StrCat("max_concurrent_calls must be 0..", kMaxConcurrentCalls));
  }
  compiled.max_concurrent_calls = grant.max_concurrent_calls();
  return compiled;
}

bool Has(const Grant& grant, Role role) {
  return std::find(grant.roles.begin(), grant.roles.end(), role) != grant.roles.end();
}

absl::Status NotAllowed(std::string message) {
  return WithReason(absl::PermissionDeniedError(std::move(message)), kCallerNotAllowed);
}

}  // namespace

absl::string_view RoleName(Role role) {
  for (const auto& [known, name] : kRoleNames) {
    if (known == role) return name;
  }
  return "unknown";
}

std::optional<std::string> OrgIdOf(const google::protobuf::Message& request) {
  const google::protobuf::FieldDescriptor* field =
      request.GetDescriptor()->FindFieldByName("org_id");
  if (field == nullptr || field->is_repeated() ||
      field->type() != google::protobuf::FieldDescriptor::TYPE_STRING) {
    return std::nullopt;
  }
  return request.GetReflection()->GetString(request, field);
}

Role RequiredRole(absl::string_view service, absl::string_view method, bool names_org) {
  if (!names_org) return Role::kOperator;
  if (service == "loyalty.v1.CommandService") return Role::kEarnBurn;
  if (service == "loyalty.v1.QueryService") return Role::kRead;
  if (service == "loyalty.v1.PartnerService") return Role::kPartner;
  if (service == "loyalty.v1.AdminService" && method != "CreateOrganisation") return Role::kAdmin;
  return Role::kOperator;
}

absl::StatusOr<AccessPolicy> AccessPolicy::Parse(absl::string_view text, bool json) {
  config::v1::AccessPolicy message;
  if (json) {
    const auto parsed = google::protobuf::util::JsonStringToMessage(
        google::protobuf::StringPiece(text.data(), text.size()), &message);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("access policy: not valid JSON of the policy: ", parsed.message().ToString()));
    }
  } else if (!google::protobuf::TextFormat::ParseFromString(std::string(text), &message)) {
    return absl::InvalidArgumentError("access policy: not valid text format of the policy");
  }
  AccessPolicy policy;
  for (int i = 0; i < message.grants_size(); ++i) {
    const config::v1::Grant& grant = message.grants(i);
    absl::StatusOr<Grant> compiled = Compile(grant, i);
    if (!compiled.ok()) return compiled.status();
    const int index = static_cast<int>(policy.grants_.size());
    policy.grants_.push_back(*std::move(compiled));
    if (!grant.identity().empty()) {
      if (!policy.by_identity_.emplace(grant.identity(), index).second) {
        return GrantError(i, absl::StrCat("identity '", grant.identity(), "' has a grant already"));
      }
    } else {
      for (const auto& [prefix, unused] : policy.by_prefix_) {
        if (prefix == grant.identity_prefix()) {
          return GrantError(i, absl::StrCat("identity_prefix '", prefix, "' has a grant already"));
        }
      }
      policy.by_prefix_.emplace_back(grant.identity_prefix(), index);
    }
  }
  std::sort(policy.by_prefix_.begin(), policy.by_prefix_.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  return policy;
}

absl::StatusOr<std::string> AccessPolicy::Read(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::NotFoundError(absl::StrCat("access policy: cannot read '", path, "'"));
  std::string text;
  text.resize(kMaxPolicyBytes + 1);
  file.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(file.gcount()));
  if (text.size() > kMaxPolicyBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("access policy: '", path, "' is over ", kMaxPolicyBytes, " bytes"));
  }
  return text;
}

absl::StatusOr<AccessPolicy> AccessPolicy::Parse(const std::string& path, absl::string_view text) {
  return Parse(text, absl::EndsWith(path, ".json"));
}

const Grant* AccessPolicy::Find(absl::string_view identity) const {
  if (auto exact = by_identity_.find(identity); exact != by_identity_.end()) {
    return &grants_[static_cast<size_t>(exact->second)];
  }
  for (const auto& [prefix, index] : by_prefix_) {
    if (absl::StartsWith(identity, prefix)) return &grants_[static_cast<size_t>(index)];
  }
  return nullptr;
}

absl::Status AccessPolicy::Authorize(absl::string_view identity, absl::string_view service,
                                     absl::string_view method,
                                     const std::optional<std::string>& org_id,
                                     Allowance* allowed) const {
  const Grant* grant = Find(identity);
  const Role required = RequiredRole(service, method, org_id.has_value());
  if (grant == nullptr || !(Has(*grant, required) || Has(*grant, Role::kOperator))) {
    return NotAllowed(absl::StrCat("caller '", identity, "' may not call ", service, "/", method,
                                   required == Role::kOperator
                                       ? " (it needs the operator role)"
                                       : absl::StrCat(" (it needs the ", RoleName(required),
                                                      " or operator role)")));
  }
  if (org_id.has_value() && !org_id->empty() && !grant->all_orgs &&
      !grant->org_ids.contains(*org_id)) {
    return NotAllowed(
        absl::StrCat("caller '", identity, "' may not act on organisation '", *org_id, "'"));
  }
  allowed->role = Has(*grant, required) ? required : Role::kOperator;
  allowed->max_concurrent_calls = grant->max_concurrent_calls;
  return absl::OkStatus();
}

}  // namespace loyalty::rpc
