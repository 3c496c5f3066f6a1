#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/pg/transaction.h"

namespace loyalty::store {

// A member's row as the admin service creates, changes and shows it (the command path reads a
// member's state through member_repository.h).

struct MemberRecord {
  struct Enrolment {
    std::string program_id;
    std::string tier;  // empty for none
    absl::Time enrolled_at;
    absl::Time period_start;
    absl::Time period_end;
  };
  struct Membership {
    std::string household_id;
    absl::Time start;
    std::optional<absl::Time> end;
    bool rollup = false;
  };
  std::string kind;    // individual | household
  std::string status;  // active | suspended | closed
  absl::Time created_at;
  std::vector<Enrolment> enrolments;    // by program id
  std::optional<Membership> household;  // the membership open at the time of the read
};

// The member with its enrolments and the household membership open at `now` (no end, or an end
// after `now`); nullopt for an unknown member.
absl::StatusOr<std::optional<MemberRecord>> LoadMemberRecord(pg::Transaction& tx,
                                                             const std::string& org_id,
                                                             const std::string& member_id,
                                                             absl::Time now);

// The member's kind; nullopt for an unknown member.
absl::StatusOr<std::optional<std::string>> LoadMemberKind(pg::Transaction& tx,
                                                          const std::string& org_id,
                                                          const std::string& member_id);

// False when the member id is taken (nothing changed then).
absl::StatusOr<bool> InsertMember(pg::Transaction& tx, const std::string& org_id,
                                  const std::string& member_id, const std::string& kind,
                                  absl::Time created_at);

// Sets the status and bumps the member's state version (cached states are read again); false for
// an unknown member.
absl::StatusOr<bool> SetMemberStatus(pg::Transaction& tx, const std::string& org_id,
                                     const std::string& member_id, const std::string& status);

}  // namespace loyalty::store
