#pragma once

#include <string>

#include "libs/rpc/tls.h"

namespace loyalty::testing {

// A throwaway certificate authority in a temporary directory, made by scripts/pki.sh (openssl),
// with a server certificate for 127.0.0.1 and localhost; removed when destroyed.
class TestPki final {
 public:
  TestPki();
  ~TestPki();
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  const std::string& dir() const { return dir_; }
  std::string Path(const std::string& file) const { return dir_ + "/" + file; }

  // The server's files: server.crt, server.key, and ca.crt as the client CA.
  rpc::ServerTls Server() const;

  // Issues NAME.crt and NAME.key with scripts/pki.sh's `issue` options (e.g.
  // "--spiffe=spiffe://test/pos", "--ca=other --cn=x", "--days=-1"); a client's TLS with them,
  // trusting ca.crt.
  rpc::ClientTls Issue(const std::string& name, const std::string& options) const;

  // Makes another CA, NAME.crt and NAME.key, that the server does not trust.
  void MakeCa(const std::string& name) const;

  // A client's TLS trusting ca.crt that shows no certificate.
  rpc::ClientTls Anonymous() const;

 private:
  void Run(const std::string& arguments) const;
  std::string dir_;
};

}  // namespace loyalty::testing
