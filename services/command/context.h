#pragma once

#include "libs/base/clock.h"
#include "libs/pg/pool.h"
#include "libs/pg/transaction.h"

namespace loyalty::command {

// What every use case needs; built once in main (or a test) and shared.
struct Context {
  pg::Pool* pool;
  const Clock* clock;
  pg::RetryPolicy retry;
};

}  // namespace loyalty::command
