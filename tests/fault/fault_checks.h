#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "loyalty/v1/query.grpc.pb.h"
#include "tests/fault/fault_load.h"

namespace loyalty::testing {

// What the checks found; anything lost, duplicated or wrong is also a test failure.
struct LedgerFigures {
  int64_t operations = 0;  // ledger operations of the load's commands in the database
  // Keys of acknowledged commands missing from the idempotency records, ledger or outbox.
  std::set<std::string> lost;
  // Keys or operations applied beyond once per acknowledged command: an unacknowledged key or
  // ledger operation, a second outbox event, entries that differ from the reply's effect.
  std::set<std::string> duplicated;
  int64_t wrong_balances = 0;  // members whose points differ from the acknowledged replies'
};

// In the database at `url`, after the load: every acknowledged command has its idempotency record
// (naming the operation its reply named), its ledger entries (adding up, per member, to the
// reply's effect) and exactly one outbox event; there is no other operation of the load's
// methods; each member's ledger entries and lots (less debt) add up to `expected`.
LedgerFigures CheckLedger(const std::string& url, const std::string& org_id,
                          const std::vector<Acknowledged>& acknowledged,
                          const std::map<std::string, int64_t>& expected);

// The query service's views once the projector has caught up (waits at most 60 s): `loyalty-query
// rebuild` (`query_binary`) finds no difference between them and a replay of the outbox, and
// GetBalances (available + held + pending over the programs) gives each member's `expected`.
void CheckViews(const std::string& url, const std::string& query_binary,
                v1::QueryService::Stub& queries, const std::string& org_id,
                const std::map<std::string, int64_t>& expected);

}  // namespace loyalty::testing
