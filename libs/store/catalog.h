#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/ledger/dates.h"
#include "libs/ledger/earn.h"
#include "libs/ledger/program.h"
#include "libs/ledger/redemption_rules.h"
#include "libs/ledger/tiers.h"
#include "libs/pg/transaction.h"
#include "libs/store/config_cache.h"

namespace loyalty::store {

// The text of an expiry kind as point_types.expiry_kind stores it: "never", "fixed_days" or
// "inactivity_days" (LoadProgram reads it back).
const char* ExpiryKindText(ledger::ExpiryKind kind);

// The program `program_id` of `programs` (empty: the default one), or null.
const ledger::ProgramConfig* FindProgram(const std::vector<ledger::ProgramConfig>& programs,
                                         const std::string& program_id);

// Loads a program of an org; an empty `program_id` means the org's default program.
// NOT_FOUND for an unknown org or program (or an org without programs). With a `cache`, the
// org's configuration is read once per configuration version (see config_cache.h); without one
// it is read afresh.
absl::StatusOr<ledger::ProgramConfig> LoadProgram(pg::Transaction& tx, const std::string& org_id,
                                                  const std::string& program_id,
                                                  ConfigCache* cache = nullptr);

// Declares the configuration version check of LoadProgram / LoadPrograms with `cache` for the
// transaction's first round trip, and returns the program id that an empty `program_id` stands
// for. nullopt when the org's configuration is not cached (or there is no cache): the command
// then reads it, and reads declared after this would be run in vain, so declare none.
std::optional<std::string> PrefetchConfig(pg::Transaction& tx, const std::string& org_id,
                                          const std::string& program_id, ConfigCache* cache);

// All programs of an org, sorted by id. NOT_FOUND for an unknown org.
absl::StatusOr<std::vector<ledger::ProgramConfig>> LoadPrograms(pg::Transaction& tx,
                                                                const std::string& org_id,
                                                                ConfigCache* cache = nullptr);

absl::StatusOr<ledger::GroupValuation> LoadGroupValuation(pg::Transaction& tx,
                                                          const std::string& org_id,
                                                          ConfigCache* cache = nullptr);
// The group valuation of the org's configuration cached last (nullopt when none cached): for a
// transaction that already checked the configuration's version.
std::optional<ledger::GroupValuation> LatestGroupValuation(const std::string& org_id,
                                                           const ConfigCache* cache);
// LoadGroupValuation without a cache (the read side's case) as a read (libs/store/read_plan.h).
struct GroupValuationRead {
  using Value = ledger::GroupValuation;
  const std::string& org_id;

  void Declare(pg::Transaction& tx) const;
  absl::StatusOr<ledger::GroupValuation> Load(pg::Transaction& tx) const {
    return LoadGroupValuation(tx, org_id);
  }
};

}  // namespace loyalty::store
