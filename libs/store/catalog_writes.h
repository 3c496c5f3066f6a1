#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/ledger/program.h"
#include "libs/ledger/tiers.h"
#include "libs/pg/transaction.h"

namespace loyalty::store {

// The writes of the catalog tables (orgs, programs and a program's point types, subtypes, tiers
// and actions), which the admin service makes; catalog.h reads them. An insert answers false
// when its key is taken and changes nothing then.

// ---- orgs -------------------------------------------------------------------------------------

absl::StatusOr<bool> InsertOrg(pg::Transaction& tx, const std::string& org_id,
                               const std::string& name, absl::Time created_at);

struct OrgRow {
  std::string name;
  std::string default_program_id;  // empty when none
  absl::Time created_at;
};
// nullopt for an unknown org.
absl::StatusOr<std::optional<OrgRow>> LoadOrg(pg::Transaction& tx, const std::string& org_id);
absl::StatusOr<bool> OrgExists(pg::Transaction& tx, const std::string& org_id);

// Makes `program_id` the org's default program when it has none. A concurrent second claim waits
// on the org's row and then finds the default taken.
absl::Status ClaimDefaultProgram(pg::Transaction& tx, const std::string& org_id,
                                 const std::string& program_id);
absl::Status SetDefaultProgram(pg::Transaction& tx, const std::string& org_id,
                               const std::string& program_id);

// ---- programs ---------------------------------------------------------------------------------

// A new draft program: `program`'s ids, name, currency and rules (earn rate, ratio, redemption
// rules, overdraft, hold days, qualifying period).
absl::StatusOr<bool> InsertProgram(pg::Transaction& tx, const ledger::ProgramConfig& program,
                                   absl::Time created_at);
// Replaces the rules of `rules.program_id` (the same columns as InsertProgram's, ids excluded).
absl::Status UpdateProgramRules(pg::Transaction& tx, const ledger::ProgramConfig& rules);

// Locks the program's row; its status (draft, active, closed), nullopt for no such program.
absl::StatusOr<std::optional<std::string>> LockProgramStatus(pg::Transaction& tx,
                                                             const std::string& org_id,
                                                             const std::string& program_id);
absl::Status SetProgramStatus(pg::Transaction& tx, const std::string& org_id,
                              const std::string& program_id, const std::string& status);

// What activation needs of a program.
struct ProgramReadiness {
  bool has_point_type = false;
  bool has_default_subtype = false;
};
absl::StatusOr<ProgramReadiness> LoadProgramReadiness(pg::Transaction& tx,
                                                      const std::string& org_id,
                                                      const std::string& program_id);

// ---- a program's point types, subtypes, tiers and actions -------------------------------------

// Adds the point type; it becomes the program's default when `make_default` or when the program
// has none.
absl::StatusOr<bool> InsertPointType(pg::Transaction& tx, const std::string& org_id,
                                     const std::string& program_id,
                                     const ledger::PointTypeConfig& type, bool make_default);
// Adds the subtype, the default as for a point type.
absl::StatusOr<bool> InsertSubtype(pg::Transaction& tx, const std::string& org_id,
                                   const std::string& program_id, const std::string& code,
                                   bool make_default);
// False when the code or the threshold is taken (TierCodeExists tells which).
absl::StatusOr<bool> InsertTier(pg::Transaction& tx, const std::string& org_id,
                                const std::string& program_id, const ledger::Tier& tier);
absl::StatusOr<bool> TierCodeExists(pg::Transaction& tx, const std::string& org_id,
                                    const std::string& program_id, const std::string& code);
absl::StatusOr<bool> InsertAction(pg::Transaction& tx, const std::string& org_id,
                                  const std::string& program_id,
                                  const ledger::ActionConfig& action);

}  // namespace loyalty::store
