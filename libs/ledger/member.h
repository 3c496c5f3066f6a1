#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/ledger/balances.h"
#include "libs/ledger/program.h"
#include "libs/ledger/types.h"

namespace loyalty::ledger {

struct Enrolment {
  std::string program_id;
  std::string tier;  // empty without tiers
  std::optional<absl::Time> tier_reached_at;
  Points debt = 0;
  absl::Time period_start;
  absl::Time period_end;
};

// What a command knows of a member: its state as read under the member lock.
struct MemberState {
  std::string member_id;
  std::string kind;    // individual | household
  std::string status;  // active | suspended | closed
  // Raised by every transaction that changes the member's state (members.state_version).
  int64_t state_version = 0;
  // Set: `lots` are summaries made at this time (see MergeLotSummaries), not single lots.
  std::optional<absl::Time> lots_summarised_at;
  std::vector<Enrolment> enrolments;  // by program id
  std::vector<Lot> lots;              // lots with remaining > 0, by lot id (or summaries)
  std::vector<PointTotals> totals;

  const Enrolment* FindEnrolment(const std::string& program_id) const;
};

// FAILED_PRECONDITION MEMBER_NOT_ACTIVE unless active.
absl::Status RequireActiveMember(const MemberState& member);
// FAILED_PRECONDITION NOT_ENROLLED unless the member is enrolled in the program.
absl::StatusOr<const Enrolment*> RequireEnrolment(const MemberState& member,
                                                  const std::string& program_id);

// The debt of each of the member's enrolments.
std::vector<ProgramDebt> DebtsOf(const MemberState& member);

// Program balance of `program_id` at `now` (a zero balance when the member has nothing there).
ProgramBalance ProgramBalanceOf(const MemberState& member, const std::string& program_id,
                                absl::Time now);

// FAILED_PRECONDITION POINTS_LIMIT_EXCEEDED when the member's state is beyond the bounds.
absl::Status CheckLimits(const MemberState& member);

// The member's qualifying points this period in `program`: the sum over the point types that
// count toward tiers. The one qualifying sum of the platform (commands, worker, tier progress).
Points QualifyingPoints(const ProgramConfig& program, const std::vector<PointTotals>& totals);

// The member's tier in `program` after this period's qualifying points change by `delta`, or
// nullopt when it stays (see TierAfterChange).
std::optional<std::string> TierMove(const ProgramConfig& program, const MemberState& member,
                                    const Enrolment& enrolment, Points delta);

// Where a member stands in a program's tiers this period.
struct TierProgress {
  std::string tier;  // empty: none
  Points qualifying = 0;
  // The next tier: the lowest above the current one (in no tier: the lowest of all); nullopt at
  // the top.
  std::optional<Tier> next;
  Points points_to_next = 0;  // qualifying points still missing for `next` (0 when met)
};
TierProgress TierProgressOf(const ProgramConfig& program, const MemberState& member,
                            const Enrolment& enrolment);

// Merges open lots into summaries at `at`: merged by what balances depend on (program, point
// type, redeemable, expiry; a lot still pending at `at` keeps its availability), each under its
// lowest lot id. The balances at `at` or later are the same, and thousands of lots cost a few
// rows. The member repository reads summaries with the same rule in SQL.
void MergeLotSummaries(absl::Time at, std::vector<Lot>* lots);

}  // namespace loyalty::ledger
