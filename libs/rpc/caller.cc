#include "libs/rpc/caller.h"

#include "grpc/grpc_security_constants.h"

namespace loyalty::rpc {
namespace {

std::string First(const grpc::AuthContext& auth, const char* property) {
  for (const grpc::string_ref& value : auth.FindPropertyValues(property)) {
    if (!value.empty()) return std::string(value.data(), value.size());
  }
  return "";
}

}  // namespace

std::string CallerIdentity(const grpc::AuthContext& auth) {
  if (!auth.IsPeerAuthenticated()) return "";
  for (const char* property : {GRPC_PEER_SPIFFE_ID_PROPERTY_NAME, GRPC_PEER_DNS_PROPERTY_NAME,
                               GRPC_X509_CN_PROPERTY_NAME}) {
    std::string identity = First(auth, property);
    if (!identity.empty()) return identity;
  }
  return "";
}

}  // namespace loyalty::rpc
