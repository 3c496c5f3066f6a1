#include "libs/store/orders.h"

#include "libs/base/status_macros.h"

namespace loyalty::store {
namespace {

constexpr pg::Statement kSelectOrderUse{
    "order_select_use",
    "SELECT EXISTS (SELECT 1 FROM redemptions WHERE org_id = $1 AND member_id = $2"
    "   AND order_ref = $4 AND cancelled_at IS NULL),"
    " EXISTS (SELECT 1 FROM purchases WHERE org_id = $1 AND member_id = $2 AND program_id = $3"
    "   AND order_ref = $4)"};

constexpr pg::Statement kSelectActionCount{
    "order_select_action_count",
    "SELECT coalesce((SELECT times FROM action_counts WHERE org_id = $1 AND member_id = $2"
    " AND program_id = $3 AND action_code = $4), 0)"};

constexpr pg::Statement kSelectOrderEarned{
    "order_select_earned",
    "SELECT 1 FROM purchases WHERE org_id = $1 AND member_id = $2 AND order_ref = $3 LIMIT 1"};

constexpr pg::Statement kSelectPurchase{
    "order_select_purchase",
    "SELECT point_type, amount_minor, currency, points, returned_minor, reversed_points,"
    " created_at FROM purchases WHERE org_id = $1 AND member_id = $2 AND program_id = $3 AND "
    "order_ref = $4"};

constexpr pg::Statement kSelectOrderLots{
    "order_select_lots",
    "SELECT lot_id, remaining - held FROM lots WHERE org_id = $1 AND member_id = $2"
    " AND program_id = $3 AND order_ref = $4 AND remaining - held > 0 ORDER BY lot_id"};

pg::Params Key(const std::string& org_id, const std::string& member_id,
               const std::string& program_id, const std::string& subject) {
  return pg::Params().Add(org_id).Add(member_id).Add(program_id).Add(subject);
}

// The statement of the accrual's award check, if any, and its parameters.
std::optional<pg::Query> AwardCheckOf(const AccrualFactsRead& read) {
  if (!read.order_ref.empty()) {
    return pg::Query{&kSelectOrderUse,
                     Key(read.org_id, read.member_id, read.program_id, read.order_ref)};
  }
  if (!read.action_code.empty()) {
    return pg::Query{&kSelectActionCount,
                     Key(read.org_id, read.member_id, read.program_id, read.action_code)};
  }
  return std::nullopt;
}

std::optional<ledger::PurchaseRecord> PurchaseOf(const pg::Result& row) {
  if (row.Rows() == 0) return std::nullopt;
  return ledger::PurchaseRecord{std::string(row.Text(0, 0)),
                                row.Int64(0, 1),
                                std::string(row.Text(0, 2)),
                                row.Int64(0, 3),
                                row.Int64(0, 4),
                                row.Int64(0, 5),
                                row.Time(0, 6)};
}

std::vector<ledger::OrderLot> OrderLotsOf(const pg::Result& rows) {
  std::vector<ledger::OrderLot> lots;
  for (int i = 0; i < rows.Rows(); ++i) lots.push_back({rows.Int64(i, 0), rows.Int64(i, 1)});
  return lots;
}

pg::Params OrderEarnedKey(const OrderEarnedRead& read) {
  return pg::Params().Add(read.org_id).Add(read.member_id).Add(read.order_ref);
}

}  // namespace

void AccrualFactsRead::Declare(pg::Transaction& tx) const {
  if (std::optional<pg::Query> check = AwardCheckOf(*this)) {
    tx.Prefetch(*check->statement, std::move(check->params));
  }
}

absl::StatusOr<ledger::AccrualFacts> AccrualFactsRead::Load(pg::Transaction& tx) const {
  ledger::AccrualFacts facts;
  const std::optional<pg::Query> check = AwardCheckOf(*this);
  if (!check.has_value()) return facts;
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx.Execute(*check->statement, check->params));
  if (check->statement == &kSelectOrderUse) {
    facts.order_burned = row.Bool(0, 0);
    facts.order_earned = row.Bool(0, 1);
  } else {
    facts.action_times = row.Int32(0, 0);
  }
  return facts;
}

void OrderEarnedRead::Declare(pg::Transaction& tx) const {
  if (!order_ref.empty()) tx.Prefetch(kSelectOrderEarned, OrderEarnedKey(*this));
}

absl::StatusOr<bool> OrderEarnedRead::Load(pg::Transaction& tx) const {
  if (order_ref.empty()) return false;
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx.Execute(kSelectOrderEarned, OrderEarnedKey(*this)));
  return row.Rows() > 0;
}

StatementRead<std::optional<ledger::PurchaseRecord>> PurchaseRead(const std::string& org_id,
                                                                  const std::string& member_id,
                                                                  const std::string& program_id,
                                                                  const std::string& order_ref) {
  return {&kSelectPurchase, Key(org_id, member_id, program_id, order_ref), &PurchaseOf};
}

StatementRead<std::vector<ledger::OrderLot>> OrderLotsRead(const std::string& org_id,
                                                           const std::string& member_id,
                                                           const std::string& program_id,
                                                           const std::string& order_ref) {
  return {&kSelectOrderLots, Key(org_id, member_id, program_id, order_ref), &OrderLotsOf};
}

}  // namespace loyalty::store
