#include "services/query/read_views.h"

#include <algorithm>
#include <optional>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/member.h"
#include "libs/store/read_plan.h"

namespace loyalty::query {
namespace {

// Time kept back from the caller's deadline to answer NOT_YET_CONSISTENT before it expires.
constexpr absl::Duration kAnswerMargin = absl::Milliseconds(50);

constexpr pg::Statement kSelectMember{
    "query_select_member",
    "SELECT kind, status FROM members WHERE org_id = $1 AND member_id = $2"};

constexpr pg::Statement kSelectEnrolments{
    "query_select_enrolments",
    "SELECT program_id, tier, debt, period_start, period_end, NULL::timestamptz"
    " FROM view_enrolments"
    " WHERE org_id = $1 AND member_id = $2 ORDER BY program_id"};

constexpr pg::Statement kSelectLots{
    "query_select_lots",
    "SELECT lot_id, program_id, point_type, subtype, amount, remaining, held, redeemable,"
    " awarded_at, available_at, expires_at FROM view_lots"
    " WHERE org_id = $1 AND member_id = $2 AND remaining > 0 ORDER BY lot_id"};

constexpr pg::Statement kSelectTotals{
    "query_select_totals",
    "SELECT program_id, point_type, lifetime, qualifying FROM view_totals"
    " WHERE org_id = $1 AND member_id = $2 ORDER BY program_id, point_type"};

// The member's kind and status (nullopt for no such member).
std::optional<ViewRead> MemberRowOf(const pg::Result& row) {
  if (row.Rows() == 0) return std::nullopt;
  ViewRead read;
  read.member_kind = std::string(row.Text(0, 0));
  read.member_status = std::string(row.Text(0, 1));
  return read;
}

// ReadViews' own reads, before the body's: the member's row, the checkpoint.
auto ViewReads(const std::string& org_id, const std::string& member_id) {
  return std::tuple(
      store::StatementRead<std::optional<ViewRead>>{
          &kSelectMember, pg::Params().Add(org_id).Add(member_id), &MemberRowOf},
      CheckpointRead{});
}

constexpr pg::Statement kInRecovery{"query_in_recovery", "SELECT pg_is_in_recovery()"};

// Whether the server the views are read from is a standby.
absl::StatusOr<bool> InRecovery(const QueryContext& context, absl::Time deadline) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Lease lease, context.pool->Acquire(deadline));
  pg::Transaction tx(*lease);
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx.Execute(kInRecovery));
  return row.Bool(0, 0);
}

}  // namespace

absl::Status AwaitViews(const QueryContext& context, int64_t min_position, absl::Time deadline) {
  if (min_position <= 0) return absl::OkStatus();
  const auto read = [&]() -> absl::StatusOr<int64_t> {
    LOYALTY_ASSIGN_OR_RETURN(pg::Lease lease, context.pool->Acquire(deadline));
    pg::Transaction tx(*lease);
    return ReadCheckpoint(tx);
  };
  LOYALTY_ASSIGN_OR_RETURN(int64_t reached,
                   context.watch->WaitFor(read, min_position,
                                          std::min(deadline - kAnswerMargin,
                                                   absl::Now() + context.max_wait)));
  if (reached >= min_position) return absl::OkStatus();
  LOYALTY_ASSIGN_OR_RETURN(const bool standby, InRecovery(context, deadline));
  absl::Status status = absl::UnavailableError(absl::StrCat(
      standby ? "the standby has replayed the views to position " : "the views reflect position ",
      reached, ", not yet ", min_position, "; retry"));
  status.SetPayload(kReasonPayload, absl::Cord(standby ? kReplicaBehind : kNotYetConsistent));
  return status;
}

absl::Status ReadViews(const QueryContext& context, const std::string& org_id,
                       const std::string& member_id, int64_t min_position, absl::Time deadline,
                       const std::function<absl::Status(pg::Transaction&, const ViewRead&)>& body,
                       const std::function<void(pg::Transaction&)>& prefetch) {
  LOYALTY_RETURN_IF_ERROR(AwaitViews(context, min_position, deadline));
  return pg::RunInTransaction(
      *context.pool, pg::Isolation::kRepeatableRead, pg::RetryPolicy{},
      [&](pg::Transaction& tx) -> absl::Status {
        store::Declare(tx, ViewReads(org_id, member_id));
        if (prefetch) {
          prefetch(tx);
          tx.PrefetchCommit();
        }
        LOYALTY_ASSIGN_OR_RETURN(auto reads, store::Load(tx, ViewReads(org_id, member_id)));
        auto& [read, position] = reads;
        if (!read.has_value()) return NotFound("member", member_id);
        read->position = position;
        return body(tx, *read);
      },
      deadline);
}

void MemberViewRead::Declare(pg::Transaction& tx) const {
  for (const pg::Statement* statement : {&kSelectEnrolments, &kSelectLots, &kSelectTotals}) {
    tx.Prefetch(*statement, pg::Params().Add(org_id).Add(member_id));
  }
}

absl::StatusOr<ledger::MemberState> MemberViewRead::Load(pg::Transaction& tx) const {
  std::vector<pg::Result> rows;
  for (const pg::Statement* statement : {&kSelectEnrolments, &kSelectLots, &kSelectTotals}) {
    LOYALTY_ASSIGN_OR_RETURN(pg::Result result,
                             tx.Execute(*statement, pg::Params().Add(org_id).Add(member_id)));
    rows.push_back(std::move(result));
  }
  ledger::MemberState member;
  member.member_id = member_id;
  store::AddMemberRows(rows[0], rows[1], rows[2], &member);
  return member;
}

absl::StatusOr<ledger::MemberState> LoadMemberView(pg::Transaction& tx, const ViewRead& read,
                                                   const std::string& org_id,
                                                   const std::string& member_id) {
  LOYALTY_ASSIGN_OR_RETURN(ledger::MemberState member,
                           (MemberViewRead{org_id, member_id}.Load(tx)));
  SetMemberRow(read, &member);
  return member;
}

void SetMemberRow(const ViewRead& read, ledger::MemberState* member) {
  member->kind = read.member_kind;
  member->status = read.member_status;
}

}  // namespace loyalty::query
