#pragma once

#include <span>

#include "absl/status/status.h"
#include "libs/pg/connection.h"

namespace loyalty::pg {

struct Migration {
  int version;       // 1, 2, 3, ... strictly increasing
  const char* name;  // file name, for the record
  const char* sql;
};

// Applies, in order, every migration whose version is not yet recorded in table
// schema_migrations(version int primary key, name text, applied_at timestamptz), each in its own
// transaction together with its record. Holds a session advisory lock meanwhile, so two processes
// migrating at once apply each migration exactly once; running it twice is a no-op. Fails
// (FAILED_PRECONDITION) when the database records a version this binary does not know (a newer
// schema).
absl::Status Migrate(Connection& connection, std::span<const Migration> migrations);

}  // namespace loyalty::pg
