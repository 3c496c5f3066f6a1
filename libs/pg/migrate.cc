#include "libs/pg/migrate.h"

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "libs/base/check.h"
#include "libs/base/status_macros.h"

namespace loyalty::pg {
namespace {

// Key of the session advisory lock that serialises migration runs ("loyalty" in ASCII).
constexpr int64_t kMigrationLockKey = 0x6c6f79616c7479;

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version int PRIMARY KEY,"
    " name text NOT NULL,"
    " applied_at timestamptz NOT NULL DEFAULT now())";
constexpr std::string_view kSelectVersions =
    "SELECT version FROM schema_migrations ORDER BY version";
constexpr std::string_view kInsertVersion =
    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)";

absl::Status WithContext(const absl::Status& status, const Migration& migration) {
  absl::Status result(status.code(), absl::StrCat("migration ", migration.version, " (",
                                                  migration.name, "): ", status.message()));
  status.ForEachPayload([&result](absl::string_view type_url, const absl::Cord& payload) {
    result.SetPayload(type_url, payload);
  });
  return result;
}

absl::Status Apply(Connection& connection, const Migration& migration) {
  LOYALTY_RETURN_IF_ERROR(connection.ExecuteText("BEGIN").status());
  absl::Status status = connection.ExecuteText(migration.sql).status();
  if (status.ok()) {
    status = connection.ExecuteText(kInsertVersion, Params().Add(migration.version).Add(
                                                        std::string_view(migration.name)))
                 .status();
  }
  if (status.ok()) status = connection.ExecuteText("COMMIT").status();
  if (!status.ok()) {
    (void)connection.ExecuteText("ROLLBACK");
    return WithContext(status, migration);
  }
  return absl::OkStatus();
}

absl::Status MigrateLocked(Connection& connection, std::span<const Migration> migrations) {
  LOYALTY_RETURN_IF_ERROR(connection.ExecuteText(kCreateTable).status());
  LOYALTY_ASSIGN_OR_RETURN(const Result recorded, connection.ExecuteText(kSelectVersions));
  absl::flat_hash_set<int> applied;
  for (int row = 0; row < recorded.Rows(); ++row) applied.insert(recorded.Int32(row, 0));
  absl::flat_hash_set<int> known;
  for (const Migration& migration : migrations) known.insert(migration.version);
  for (int version : applied) {
    if (!known.contains(version)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the database records schema version ", version,
          ", which this binary does not know (highest known: ",
          migrations.empty() ? 0 : migrations.back().version, "); is it a newer schema?"));
    }
  }
  for (const Migration& migration : migrations) {
    if (applied.contains(migration.version)) continue;
    LOYALTY_RETURN_IF_ERROR(Apply(connection, migration));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Migrate(Connection& connection, std::span<const Migration> migrations) {
  int previous = 0;
  for (const Migration& migration : migrations) {
    LOYALTY_CHECK(migration.version > previous);  // strictly increasing, from 1
    LOYALTY_CHECK(migration.name != nullptr && migration.sql != nullptr);
    previous = migration.version;
  }
  const std::string lock_key = absl::StrCat(kMigrationLockKey);
  LOYALTY_RETURN_IF_ERROR(
      connection.ExecuteText(absl::StrCat("SELECT pg_advisory_lock(", lock_key, ")")).status());
  const absl::Status status = MigrateLocked(connection, migrations);
  const absl::Status unlocked =
      connection.ExecuteText(absl::StrCat("SELECT pg_advisory_unlock(", lock_key, ")")).status();
  return status.ok() ? unlocked : status;
}

}  // namespace loyalty::pg
