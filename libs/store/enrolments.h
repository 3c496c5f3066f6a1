#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/ledger/enrolment.h"
#include "libs/pg/transaction.h"
#include "libs/store/member_repository.h"

namespace loyalty::store {

// The reads (libs/store/read_plan.h) an enrolment is decided on. Their write is the operation's
// (ledger::Enrolled).

// What enrolling in the program depends on (nullopt: no such program). FOR SHARE keeps the
// program from closing meanwhile (members are locked first, then programs).
struct EnrolmentTermsRead {
  using Value = std::optional<ledger::EnrolmentTerms>;
  const std::string& org_id;
  const std::string& program_id;

  void Declare(pg::Transaction& tx) const;
  absl::StatusOr<Value> Load(pg::Transaction& tx) const;
};

// Whether the member is enrolled in the program (read under the member's lock).
struct EnrolledRead {
  using Value = bool;
  const std::string& org_id;
  const std::string& member_id;
  const std::string& program_id;

  void Declare(pg::Transaction& tx) const;
  absl::StatusOr<bool> Load(pg::Transaction& tx) const;
};

// Members with an enrolment whose qualifying period ended by `now`, at most `limit`.
absl::StatusOr<std::vector<MemberKey>> MembersWithEndedPeriods(pg::Transaction& tx,
                                                               absl::Time now, int32_t limit);

}  // namespace loyalty::store
