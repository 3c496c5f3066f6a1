// The schema is distributable by organisation (docs/scaling.md): read from the catalog of a
// database the migrations built, every table outside the few local ones has org_id, every primary
// key, unique constraint and unique index includes it, and every foreign key joins on it (the
// rows it links live on the same shard). A table that breaks the rule fails this test; the second
// test shows the check finds such tables.
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "libs/pg/connection.h"
#include "libs/pg/migrate.h"
#include "libs/store/migrations.h"
#include "tests/support/pg_cluster.h"

namespace loyalty::store {
namespace {

// Tables of one node, not distributed: the migrations' record, and the projector's checkpoint
// (one per projector, that is per shard group: docs/scaling.md).
constexpr char kLocalTables[] = "'schema_migrations', 'view_checkpoint'";

// "table: what breaks the rule", for the ordinary tables of `schema`.
std::string OffendersQuery(const std::string& schema) {
  const std::string tables =
      "SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
      " WHERE n.nspname = '" +
      schema +
      "' AND c.relkind IN ('r', 'p')"
      " AND c.relname NOT IN (" +
      kLocalTables + ")";
  const std::string org_column =
      "(SELECT attnum FROM pg_attribute WHERE attrelid = t.oid AND attname = 'org_id'"
      " AND NOT attisdropped)";
  return "WITH t AS (" + tables +
         ")"
         " SELECT t.relname || ': no org_id column' FROM t WHERE " +
         org_column +
         " IS NULL"
         " UNION ALL"
         " SELECT t.relname || ': ' || i.indexrelid::regclass || ' is unique without org_id'"
         " FROM t JOIN pg_index i ON i.indrelid = t.oid"
         " WHERE i.indisunique AND NOT (" +
         org_column +
         " = ANY (i.indkey::int2[]))"
         " UNION ALL"
         " SELECT t.relname || ': ' || k.conname || ' does not join on org_id'"
         " FROM t JOIN pg_constraint k ON k.conrelid = t.oid AND k.contype = 'f'"
         " WHERE NOT EXISTS (SELECT 1 FROM unnest(k.conkey, k.confkey) AS p(col, ref)"
         "  JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = p.col"
         "  JOIN pg_attribute r ON r.attrelid = k.confrelid AND r.attnum = p.ref"
         "  WHERE a.attname = 'org_id' AND r.attname = 'org_id')"
         " ORDER BY 1";
}

class DistributionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<pg::Connection>> opened =
        pg::Connection::Open(loyalty::testing::SharedPgCluster().CreateDatabase());
    ASSERT_TRUE(opened.ok()) << opened.status();
    connection_ = *std::move(opened);
    ASSERT_TRUE(pg::Migrate(*connection_, Migrations()).ok());
  }

  std::vector<std::string> Offenders(const std::string& schema) {
    absl::StatusOr<pg::Result> rows = connection_->ExecuteText(OffendersQuery(schema));
    EXPECT_TRUE(rows.ok()) << rows.status();
    std::vector<std::string> offenders;
    for (int i = 0; rows.ok() && i < rows->Rows(); ++i) offenders.emplace_back(rows->Text(i, 0));
    return offenders;
  }

  void Execute(const std::string& sql) {
    const absl::StatusOr<pg::Result> done = connection_->ExecuteText(sql);
    ASSERT_TRUE(done.ok()) << done.status();
  }

  std::unique_ptr<pg::Connection> connection_;
};

TEST_F(DistributionTest, EveryTableIsKeyedByItsOrganisation) {
  absl::StatusOr<pg::Result> tables =
      connection_->ExecuteText("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
  ASSERT_TRUE(tables.ok());
  EXPECT_GT(tables->Int64(0, 0), 40);  // the check saw the whole schema
  EXPECT_EQ(Offenders("public"), std::vector<std::string>{});
}

TEST_F(DistributionTest, TheCheckFindsTablesThatBreakTheRule) {
  Execute("CREATE SCHEMA scratch");
  Execute("CREATE TABLE scratch.tenants (org_id text PRIMARY KEY)");
  Execute(
      "CREATE TABLE scratch.good (org_id text NOT NULL REFERENCES scratch.tenants,"
      " id bigint, PRIMARY KEY (org_id, id))");
  Execute("CREATE TABLE scratch.keyless (id bigint PRIMARY KEY)");
  Execute("CREATE TABLE scratch.by_id (org_id text NOT NULL, id bigint PRIMARY KEY)");
  Execute("CREATE TABLE scratch.codes (org_id text NOT NULL, code text UNIQUE)");
  Execute(
      "CREATE TABLE scratch.links (org_id text NOT NULL, good_id bigint, good_org text,"
      " FOREIGN KEY (good_org, good_id) REFERENCES scratch.good (org_id, id))");
  EXPECT_EQ(
      Offenders("scratch"),
      (std::vector<std::string>{"by_id: scratch.by_id_pkey is unique without org_id",
                                "codes: scratch.codes_code_key is unique without org_id",
                                "keyless: no org_id column",
                                "links: links_good_org_good_id_fkey does not join on org_id"}));
}

}  // namespace
}  // namespace loyalty::store
