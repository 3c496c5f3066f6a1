#pragma once

#include <span>

#include "libs/pg/migrate.h"

namespace loyalty::command {

// The schema migrations, in order (services/command/migrations/*.sql, embedded at build time).
std::span<const pg::Migration> Migrations();

}  // namespace loyalty::command
