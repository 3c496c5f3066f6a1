#pragma once

#include <span>

#include "libs/pg/migrate.h"

namespace loyalty::store {

// The schema migrations, in order (libs/store/migrations/*.sql, embedded at build time).
std::span<const pg::Migration> Migrations();

}  // namespace loyalty::store
