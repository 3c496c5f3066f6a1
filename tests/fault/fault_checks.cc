#include "tests/fault/fault_checks.h"

#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "libs/pg/connection.h"
#include "loyalty/internal/v1/events.pb.h"
#include "loyalty/v1/command.pb.h"

namespace loyalty::testing {
namespace {

constexpr absl::Duration kCatchUpTimeout = absl::Seconds(60);
constexpr absl::Duration kCallDeadline = absl::Seconds(10);
constexpr char kLoadMethods[] = "('Accrue', 'Redeem', 'Transfer')";

std::unique_ptr<pg::Connection> Connect(const std::string& url) {
  absl::StatusOr<std::unique_ptr<pg::Connection>> connection = pg::Connection::Open(url);
  EXPECT_TRUE(connection.ok()) << connection.status();
  return connection.ok() ? std::move(*connection) : nullptr;
}

pg::Result Query(pg::Connection& connection, const std::string& sql, const std::string& org_id) {
  absl::StatusOr<pg::Result> rows = connection.ExecuteText(sql, pg::Params().Add(org_id));
  EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status();
  return rows.ok() ? std::move(*rows) : pg::Result();
}

// The operation id a stored reply of `method` names; 0 when it does not parse.
int64_t OperationOfStoredReply(const std::string& method, const std::string& bytes) {
  if (method == "Accrue") {
    v1::AccrueResponse reply;
    return reply.ParseFromString(bytes) ? reply.accrual_id() : 0;
  }
  if (method == "Redeem") {
    v1::RedeemResponse reply;
    return reply.ParseFromString(bytes) ? reply.redemption().redemption_id() : 0;
  }
  v1::TransferResponse reply;
  return reply.ParseFromString(bytes) ? reply.transfer_id() : 0;
}

// Every acknowledged key recorded once, naming the acknowledged operation; no other key.
void CheckKeys(pg::Connection& db, const std::string& org_id,
               const std::map<std::string, const Acknowledged*>& by_key, LedgerFigures& figures) {
  const pg::Result rows = Query(
      db,
      absl::StrCat("SELECT key, method, response FROM idempotency_keys WHERE org_id = $1"
                   " AND method IN ",
                   kLoadMethods),
      org_id);
  std::set<std::string> recorded;
  for (int i = 0; i < rows.Rows(); ++i) {
    const std::string key(rows.Text(i, 0));
    recorded.insert(key);
    auto found = by_key.find(key);
    if (found == by_key.end()) {
      figures.duplicated.insert("key " + key);
      ADD_FAILURE() << "key " << key << " recorded but never acknowledged";
      continue;
    }
    const int64_t operation = rows.IsNull(i, 2) ? 0 : OperationOfStoredReply(
                                                          std::string(rows.Text(i, 1)),
                                                          rows.Bytes(i, 2));
    EXPECT_EQ(operation, found->second->operation_id) << "stored reply of key " << key;
  }
  for (const auto& [key, acknowledged] : by_key) {
    if (recorded.contains(key)) continue;
    figures.lost.insert(key);
    ADD_FAILURE() << "acknowledged key " << key << " has no idempotency record";
  }
}

// Per operation and member, the ledger entries add up to the reply's effect; no other operation.
void CheckEntries(pg::Connection& db, const std::string& org_id,
                  const std::map<int64_t, const Acknowledged*>& by_operation,
                  LedgerFigures& figures) {
  const pg::Result rows = Query(
      db,
      "SELECT operation_id, member_id, sum(points)::bigint FROM ledger_entries"
      " WHERE org_id = $1 GROUP BY operation_id, member_id",
      org_id);
  std::map<int64_t, std::map<std::string, int64_t>> ledger;
  for (int i = 0; i < rows.Rows(); ++i) {
    ledger[rows.Int64(i, 0)][std::string(rows.Text(i, 1))] = rows.Int64(i, 2);
  }
  figures.operations = static_cast<int64_t>(ledger.size());
  for (const auto& [operation, acknowledged] : by_operation) {
    auto found = ledger.find(operation);
    if (found == ledger.end()) {
      figures.lost.insert(acknowledged->key);
      ADD_FAILURE() << "acknowledged " << acknowledged->method << " " << acknowledged->key
                    << " (operation " << operation << ") has no ledger entry";
      continue;
    }
    std::map<std::string, int64_t> effects;
    for (const auto& [member, points] : acknowledged->effects) effects[member] += points;
    std::erase_if(effects, [](const auto& effect) { return effect.second == 0; });
    std::erase_if(found->second, [](const auto& entry) { return entry.second == 0; });
    if (found->second != effects) {
      figures.duplicated.insert(absl::StrCat("operation ", operation));
      ADD_FAILURE() << "operation " << operation << " of key " << acknowledged->key
                    << ": ledger entries differ from the reply's effect";
    }
  }
  for (const auto& [operation, members] : ledger) {
    if (by_operation.contains(operation)) continue;
    figures.duplicated.insert(absl::StrCat("operation ", operation));
    ADD_FAILURE() << "ledger operation " << operation << " answers no acknowledged command";
  }
}

// Exactly one outbox event per acknowledged operation, none for another of the load's methods.
void CheckOutbox(pg::Connection& db, const std::string& org_id,
                 const std::map<int64_t, const Acknowledged*>& by_operation,
                 LedgerFigures& figures) {
  const pg::Result rows = Query(db, "SELECT event FROM outbox WHERE org_id = $1", org_id);
  std::map<int64_t, int> events;
  for (int i = 0; i < rows.Rows(); ++i) {
    internal::v1::LedgerEvent event;
    ASSERT_TRUE(event.ParseFromString(rows.Bytes(i, 0)));
    const std::string& operation = event.operation();
    if (operation == "Accrue" || operation == "Redeem" || operation == "Transfer") {
      ++events[event.operation_id()];
    }
  }
  for (const auto& [operation, acknowledged] : by_operation) {
    const int count = events.contains(operation) ? events[operation] : 0;
    if (count == 0) figures.lost.insert(acknowledged->key);
    if (count > 1) figures.duplicated.insert(absl::StrCat("operation ", operation));
    EXPECT_EQ(count, 1) << "outbox events of operation " << operation;
  }
  for (const auto& [operation, count] : events) {
    if (by_operation.contains(operation)) continue;
    figures.duplicated.insert(absl::StrCat("operation ", operation));
    ADD_FAILURE() << "outbox event of operation " << operation << " answers no command";
  }
}

// Members' points: the sum of their ledger entries, and their lots less their debt.
void CheckBalances(pg::Connection& db, const std::string& org_id,
                   const std::map<std::string, int64_t>& expected, LedgerFigures& figures) {
  const pg::Result rows = Query(
      db,
      "SELECT m.member_id,"
      " (SELECT coalesce(sum(points), 0)::bigint FROM ledger_entries e"
      "   WHERE e.org_id = m.org_id AND e.member_id = m.member_id),"
      " (SELECT coalesce(sum(remaining), 0)::bigint FROM lots l"
      "   WHERE l.org_id = m.org_id AND l.member_id = m.member_id) -"
      " (SELECT coalesce(sum(debt), 0)::bigint FROM enrolments n"
      "   WHERE n.org_id = m.org_id AND n.member_id = m.member_id)"
      " FROM members m WHERE m.org_id = $1",
      org_id);
  std::set<std::string> seen;
  for (int i = 0; i < rows.Rows(); ++i) {
    const std::string member(rows.Text(i, 0));
    seen.insert(member);
    const int64_t want = expected.contains(member) ? expected.at(member) : 0;
    if (rows.Int64(i, 1) == want && rows.Int64(i, 2) == want) continue;
    ++figures.wrong_balances;
    ADD_FAILURE() << "member " << member << ": acknowledged replies add up to " << want
                  << ", ledger entries to " << rows.Int64(i, 1) << ", lots less debt to "
                  << rows.Int64(i, 2);
  }
  for (const auto& [member, points] : expected) {
    EXPECT_TRUE(seen.contains(member)) << "member " << member << " missing";
  }
}

int64_t ScalarOrZero(pg::Connection& db, const std::string& sql) {
  absl::StatusOr<pg::Result> rows = db.ExecuteText(sql);
  if (!rows.ok() || rows->Rows() == 0 || rows->IsNull(0, 0)) return 0;
  return rows->Int64(0, 0);
}

}  // namespace

LedgerFigures CheckLedger(const std::string& url, const std::string& org_id,
                          const std::vector<Acknowledged>& acknowledged,
                          const std::map<std::string, int64_t>& expected) {
  LedgerFigures figures;
  std::unique_ptr<pg::Connection> db = Connect(url);
  if (db == nullptr) return figures;
  std::map<std::string, const Acknowledged*> by_key;
  std::map<int64_t, const Acknowledged*> by_operation;
  for (const Acknowledged& command : acknowledged) {
    EXPECT_TRUE(by_key.emplace(command.key, &command).second) << "key acknowledged twice";
    EXPECT_GT(command.operation_id, 0) << command.key;
    if (!by_operation.emplace(command.operation_id, &command).second) {
      figures.duplicated.insert(absl::StrCat("operation ", command.operation_id));
      ADD_FAILURE() << "operation " << command.operation_id << " acknowledged for two keys";
    }
  }
  CheckKeys(*db, org_id, by_key, figures);
  CheckEntries(*db, org_id, by_operation, figures);
  CheckOutbox(*db, org_id, by_operation, figures);
  CheckBalances(*db, org_id, expected, figures);
  return figures;
}

void CheckViews(const std::string& url, const std::string& query_binary,
                v1::QueryService::Stub& queries, const std::string& org_id,
                const std::map<std::string, int64_t>& expected) {
  std::unique_ptr<pg::Connection> db = Connect(url);
  ASSERT_NE(db, nullptr);
  const int64_t last = ScalarOrZero(*db, "SELECT max(position) FROM outbox");
  const absl::Time give_up = absl::Now() + kCatchUpTimeout;
  int64_t checkpoint = 0;
  while ((checkpoint = ScalarOrZero(*db, "SELECT position FROM view_checkpoint")) < last &&
         absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_GE(checkpoint, last) << "the projector did not catch up with the outbox";

  const std::string command =
      absl::StrCat("'", query_binary, "' rebuild --database_url='", url, "' 2>&1");
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[4096];
  size_t read = 0;
  while ((read = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, read);
  const int status = ::pclose(pipe);
  EXPECT_EQ(status, 0) << "loyalty-query rebuild: " << output;
  EXPECT_NE(output.find(" 0 differences"), std::string::npos) << output;
  std::printf("loyalty-query rebuild: %s", output.c_str());

  for (const auto& [member, points] : expected) {
    v1::GetBalancesRequest request;
    request.set_org_id(org_id);
    request.set_member_id(member);
    request.set_min_position(last);
    v1::GetBalancesResponse reply;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + kCallDeadline));
    const grpc::Status called = queries.GetBalances(&context, request, &reply);
    ASSERT_TRUE(called.ok()) << member << ": " << called.error_message();
    int64_t total = 0;
    for (const v1::ProgramBalance& program : reply.balances().programs()) {
      total += program.available() + program.held() + program.pending();
    }
    EXPECT_EQ(total, points) << "query service's balances of " << member;
  }
}

}  // namespace loyalty::testing
