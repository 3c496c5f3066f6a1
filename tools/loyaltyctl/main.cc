// loyaltyctl: the operator command-line client of the loyalty platform (docs/operator-guide.md).
//   loyaltyctl [--target=HOST:PORT] [--query_target=HOST:PORT] [--json] [--timeout_ms=N]
//              [--tls_ca=FILE --tls_cert=FILE --tls_key=FILE] [--tls_server_name=NAME]
//              [--insecure_plaintext] <noun> <verb> [--flags]

#include <iostream>
#include <string>
#include <vector>

#include "tools/loyaltyctl/run.h"

int main(int argc, char** argv) {
  std::vector<std::string> arguments(argv + 1, argv + argc);
  return loyalty::ctl::Run(arguments, std::cout, std::cerr);
}
