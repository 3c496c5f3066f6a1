// Audit over real mutual TLS: the identity of the client certificate is what the ledger, the
// outbox event and the history record (tests/integration/command/audit_test.cc covers every
// operation).

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "libs/pg/connection.h"
#include "loyalty/internal/v1/events.pb.h"
#include "loyalty/v1/command.grpc.pb.h"
#include "loyalty/v1/query.grpc.pb.h"
#include "tests/security/access_env.h"

namespace loyalty::testing {
namespace {

constexpr char kShop[] = "spiffe://test.loyalty/shop";

TEST(CallerAuditTest, TheCertificatesIdentityIsRecordedAndReturned) {
  AccessEnv env;
  auto commands = v1::CommandService::NewStub(env.command().Channel(env.shop));
  v1::AccrueRequest adjust;
  adjust.set_org_id(kOrg);
  adjust.set_idempotency_key("audit-adjust");
  adjust.set_member_id("ann");
  adjust.mutable_adjustment()->set_points(40);
  adjust.mutable_adjustment()->set_reason("goodwill");
  adjust.mutable_adjustment()->set_actor("staff-7");
  v1::AccrueResponse adjusted;
  grpc::ClientContext adjust_context;
  const grpc::Status status = commands->Accrue(&adjust_context, adjust, &adjusted);
  ASSERT_TRUE(status.ok()) << status.error_message();

  auto connection = pg::Connection::Open(env.command().database_url());
  ASSERT_TRUE(connection.ok()) << connection.status();
  auto rows = (*connection)->ExecuteText(
      "SELECT e.caller, e.actor, o.event FROM ledger_entries e JOIN outbox o"
      " ON o.position = $1::bigint WHERE e.member_id = 'ann'",
      pg::Params().Add(adjusted.ledger_position()));
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->Rows(), 1);
  EXPECT_EQ(rows->Text(0, 0), kShop);
  EXPECT_EQ(rows->Text(0, 1), "staff-7");  // the person the caller vouches for
  internal::v1::LedgerEvent event;
  ASSERT_TRUE(event.ParseFromString(rows->Bytes(0, 2)));
  EXPECT_EQ(event.caller(), kShop);

  // The history, read by another caller, says who did it.
  v1::ListLedgerEntriesRequest list;
  list.set_org_id(kOrg);
  list.set_member_id("ann");
  list.set_min_position(adjusted.ledger_position());
  v1::ListLedgerEntriesResponse history;
  grpc::ClientContext list_context;
  const grpc::Status listed = v1::QueryService::NewStub(env.query().Channel(env.reader))
                                  ->ListLedgerEntries(&list_context, list, &history);
  ASSERT_TRUE(listed.ok()) << listed.error_message();
  ASSERT_EQ(history.entries_size(), 1);
  EXPECT_EQ(history.entries(0).caller(), kShop);
}

}  // namespace
}  // namespace loyalty::testing
