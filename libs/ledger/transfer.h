#pragma once

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/ledger/burn.h"
#include "libs/ledger/change_set.h"
#include "libs/ledger/member.h"
#include "libs/ledger/program.h"
#include "libs/ledger/types.h"

namespace loyalty::ledger {

// A transfer as the domain sees it (the request's fields, already checked for form).
struct TransferCommand {
  Points points = 0;  // > 0
};

struct Transfer {
  BurnPlan plan;  // the sending member's lots taken, and the breakup by program
  // The sending member's burn (lots consumed, one transfer_out entry per program and point type,
  // enrolments marked active), then the receiving member's lots (one per lot taken, keeping its
  // expiry and naming it as origin), one transfer_in entry per point type, and its enrolment
  // marked active.
  ChangeSet changes;
};

// The checks of a transfer of `command.points` from `from` to `to` before its receiving side:
// the two members differ (INVALID_ARGUMENT on to_member_id), are active (MEMBER_NOT_ACTIVE), the
// sender is enrolled in the sending scope's pricing program unless the scope is the group, the
// receiver in `receiving` (NOT_ENROLLED), and the sender's lots in the scope cover the points
// (INSUFFICIENT_POINTS; no overdraft, no redemption rules). Returns the sender's burn.
absl::StatusOr<BurnPlan> PlanTransfer(const BurnScope& sending, const ProgramConfig& receiving,
                                      const MemberState& from, const MemberState& to,
                                      const TransferCommand& command, absl::Time now);

// Decides the transfer (PlanTransfer, then the receiving lots): each lot taken becomes a lot of
// `receiving` of the same point type when `receiving` has it as a redeemable type, else of its
// default type (NOT_TRANSFERABLE when that is not redeemable either), of the lot's subtype when
// `receiving` has it, else its default subtype; available at `now`.
absl::StatusOr<Transfer> DecideTransfer(const BurnScope& sending, const ProgramConfig& receiving,
                                        const MemberState& from, const MemberState& to,
                                        const TransferCommand& command, absl::Time now);

}  // namespace loyalty::ledger
