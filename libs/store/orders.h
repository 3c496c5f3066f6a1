#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/ledger/accrual.h"
#include "libs/ledger/reversal.h"
#include "libs/pg/transaction.h"
#include "libs/store/read_plan.h"

namespace loyalty::store {

// What a member's orders and actions already earned or burned: the reads (libs/store/read_plan.h)
// of the purchases, redemptions, action_counts and order lots that a command decides on. Each is
// read under the member's lock, which every write of them takes, so it stays true to the commit.

// For an accrual in `program_id`: of the order `order_ref`, whether it already burned points and
// earned them in the program; of the action `action_code`, how often the member earned it. An
// empty subject is not read.
struct AccrualFactsRead {
  using Value = ledger::AccrualFacts;
  const std::string& org_id;
  const std::string& member_id;
  const std::string& program_id;
  const std::string& order_ref;
  const std::string& action_code;

  void Declare(pg::Transaction& tx) const;
  absl::StatusOr<ledger::AccrualFacts> Load(pg::Transaction& tx) const;
};

// Whether the member's order `order_ref` earned points in any program (false, unread, when empty).
struct OrderEarnedRead {
  using Value = bool;
  const std::string& org_id;
  const std::string& member_id;
  const std::string& order_ref;

  void Declare(pg::Transaction& tx) const;
  absl::StatusOr<bool> Load(pg::Transaction& tx) const;
};

// The member's order in the program (nullopt when it has none).
StatementRead<std::optional<ledger::PurchaseRecord>> PurchaseRead(const std::string& org_id,
                                                                  const std::string& member_id,
                                                                  const std::string& program_id,
                                                                  const std::string& order_ref);

// The order's own lots with free points, by lot id.
StatementRead<std::vector<ledger::OrderLot>> OrderLotsRead(const std::string& org_id,
                                                           const std::string& member_id,
                                                           const std::string& program_id,
                                                           const std::string& order_ref);

}  // namespace loyalty::store
