#include "libs/rpc/tls.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"

namespace loyalty::rpc {
namespace {

namespace tls = grpc::experimental;

absl::Status CheckFile(absl::string_view flag, const std::string& path) {
  if (path.empty()) return absl::InvalidArgumentError(absl::StrCat("--", flag, " is required"));
  std::ifstream file(path);
  if (!file || file.peek() == std::ifstream::traits_type::eof()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": cannot read '", path, "' (missing, unreadable or empty)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckServerTls(const ServerTls& tls) {
  for (auto [flag, path] : {std::pair{"tls_cert", &tls.cert}, std::pair{"tls_key", &tls.key},
                            std::pair{"tls_client_ca", &tls.client_ca}}) {
    if (absl::Status checked = CheckFile(flag, *path); !checked.ok()) return checked;
  }
  return absl::OkStatus();
}

std::string* ClientTlsField(ClientTls& tls, absl::string_view name) {
  if (name == "tls_cert") return &tls.cert;
  if (name == "tls_key") return &tls.key;
  if (name == "tls_ca") return &tls.ca;
  if (name == "tls_server_name") return &tls.server_name;
  return nullptr;
}

absl::Status CheckClientTls(const ClientTls& tls) {
  const bool any_tls_flag =
      !tls.cert.empty() || !tls.key.empty() || !tls.ca.empty() || !tls.server_name.empty();
  if (tls.insecure_plaintext) {
    return any_tls_flag ? absl::InvalidArgumentError(
                              "--insecure_plaintext goes with none of --tls_cert, --tls_key, "
                              "--tls_ca and --tls_server_name")
                        : absl::OkStatus();
  }
  if (tls.ca.empty()) {
    return absl::InvalidArgumentError(
        "--tls_ca is required (TLS is the default; --insecure_plaintext opts out)");
  }
  if (absl::Status checked = CheckFile("tls_ca", tls.ca); !checked.ok()) return checked;
  if (tls.cert.empty() != tls.key.empty()) {
    return absl::InvalidArgumentError("--tls_cert and --tls_key go together: give both or neither");
  }
  if (tls.cert.empty()) return absl::OkStatus();
  if (absl::Status checked = CheckFile("tls_cert", tls.cert); !checked.ok()) return checked;
  return CheckFile("tls_key", tls.key);
}

std::shared_ptr<grpc::ServerCredentials> MutualTlsServerCredentials(const ServerTls& files) {
  auto provider = std::make_shared<tls::FileWatcherCertificateProvider>(
      files.key, files.cert, files.client_ca, kCertificateRefreshSeconds);
  tls::TlsServerCredentialsOptions options(provider);
  options.watch_root_certs();
  options.watch_identity_key_cert_pairs();
  options.set_cert_request_type(GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
  return grpc::experimental::TlsServerCredentials(options);
}

std::shared_ptr<grpc::Channel> OpenChannel(const std::string& target, const ClientTls& files,
                                           grpc::ChannelArguments arguments) {
  if (files.insecure_plaintext) {
    return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), arguments);
  }
  auto provider = files.cert.empty()
                      ? std::make_shared<tls::FileWatcherCertificateProvider>(
                            files.ca, kCertificateRefreshSeconds)
                      : std::make_shared<tls::FileWatcherCertificateProvider>(
                            files.key, files.cert, files.ca, kCertificateRefreshSeconds);
  tls::TlsChannelCredentialsOptions options;
  options.set_certificate_provider(provider);
  options.watch_root_certs();
  if (!files.cert.empty()) options.watch_identity_key_cert_pairs();
  if (!files.server_name.empty()) {
    arguments.SetSslTargetNameOverride(files.server_name);
  }
  return grpc::CreateCustomChannel(target, grpc::experimental::TlsCredentials(options),
                                   arguments);
}

}  // namespace loyalty::rpc
