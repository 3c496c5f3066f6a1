#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/channel.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace loyalty::rpc {

// How often the certificate and key files are checked for a change (gRPC's
// FileWatcherCertificateProvider re-reads them; nothing restarts).
inline constexpr unsigned kCertificateRefreshSeconds = 1;

// A server's mutual TLS (the services' --tls_cert, --tls_key and --tls_client_ca): PEM files of
// its certificate chain, its private key and the CA bundle a client certificate must chain to.
struct ServerTls {
  std::string cert;
  std::string key;
  std::string client_ca;
};

// A client's TLS (the tools' --tls_cert, --tls_key, --tls_ca, --tls_server_name,
// --insecure_plaintext): its certificate and key (both, or neither for a call that shows no
// certificate), the CA bundle the server's certificate must chain to, and the name to check the
// server's certificate against when it is not the target's host.
struct ClientTls {
  bool insecure_plaintext = false;
  std::string cert;
  std::string key;
  std::string ca;
  std::string server_name;
};

// The tools' client TLS flags that take a value (--tls_cert, --tls_key, --tls_ca,
// --tls_server_name): the field of `tls` the flag `name` (without "--") sets, or null for any
// other name. --insecure_plaintext is a switch each tool parses like its other switches.
std::string* ClientTlsField(ClientTls& tls, absl::string_view name);

// The error naming the flag of a file that is missing, unreadable or empty, or OK. A client's
// --insecure_plaintext goes with no --tls_* flag; without it --tls_ca is required.
absl::Status CheckServerTls(const ServerTls& tls);
absl::Status CheckClientTls(const ClientTls& tls);

// TLS credentials that ask every client for a certificate and verify it against client_ca. A
// client that shows none still connects, and each call is refused UNAUTHENTICATED
// (rpc::UnaryService); one whose certificate does not verify (another CA, expired) fails the
// handshake. The files are re-read every kCertificateRefreshSeconds.
std::shared_ptr<grpc::ServerCredentials> MutualTlsServerCredentials(const ServerTls& tls);

// A channel to `target` as `tls` says (plaintext only when insecure_plaintext); `arguments` are
// the caller's channel arguments.
std::shared_ptr<grpc::Channel> OpenChannel(const std::string& target, const ClientTls& tls,
                                           grpc::ChannelArguments arguments = {});

}  // namespace loyalty::rpc
