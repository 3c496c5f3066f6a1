#pragma once

#include <optional>
#include <string>
#include <tuple>

#include "libs/pg/transaction.h"
#include "libs/store/catalog.h"
#include "libs/store/context.h"
#include "libs/store/operation.h"
#include "libs/store/read_plan.h"

namespace loyalty::store {

// What a command declares for its first round trip (pg::Transaction::Prefetch), so that BEGIN,
// its reads and Operation::Begin's ids go out together.

// For a command on one program (`program_ref`; empty: the default): the configuration version,
// then the plan `make_plan(program_id)` gives, then Operation::Begin's ids. Past the
// configuration only when the configuration cache knows the program (see PrefetchConfig).
template <typename MakePlan>
void DeclareCommand(const Context& context, pg::Transaction& tx, const std::string& org_id,
                    const std::string& program_ref, const MakePlan& make_plan) {
  const std::optional<std::string> program_id =
      PrefetchConfig(tx, org_id, program_ref, context.config_cache);
  if (!program_id.has_value()) return;
  Declare(tx, make_plan(*program_id));
  Operation::Prefetch(tx);
}

// For a command that learns its program from what it reads (a redemption's, a reservation's):
// `plan`, then the configuration version (of whichever program), then Operation::Begin's ids.
template <Read... Reads>
void DeclareCommandThenConfig(const Context& context, pg::Transaction& tx,
                              const std::string& org_id, const std::tuple<Reads...>& plan) {
  Declare(tx, plan);
  if (!PrefetchConfig(tx, org_id, "", context.config_cache).has_value()) return;
  Operation::Prefetch(tx);
}

}  // namespace loyalty::store
