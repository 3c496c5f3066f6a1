#include "services/query/read_views.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/member.h"

namespace loyalty::query {
namespace {

// Time kept back from the caller's deadline to answer NOT_YET_CONSISTENT before it expires.
constexpr absl::Duration kAnswerMargin = absl::Milliseconds(50);

constexpr pg::Statement kSelectMember{
    "query_select_member",
    "SELECT kind, status FROM members WHERE org_id = $1 AND member_id = $2"};

constexpr pg::Statement kSelectEnrolments{
    "query_select_enrolments",
    "SELECT program_id, tier, debt, period_start, period_end FROM view_enrolments"
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
  absl::Status status = absl::UnavailableError(
      absl::StrCat("the views reflect position ", reached, ", not yet ", min_position, "; retry"));
  status.SetPayload(kReasonPayload, absl::Cord(kNotYetConsistent));
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
        tx.Prefetch(kSelectMember, pg::Params().Add(org_id).Add(member_id));
        PrefetchCheckpoint(tx);
        if (prefetch) {
          prefetch(tx);
          tx.PrefetchCommit();
        }
        LOYALTY_ASSIGN_OR_RETURN(pg::Result member,
                         tx.Execute(kSelectMember, pg::Params().Add(org_id).Add(member_id)));
        if (member.Rows() == 0) return NotFound("member", member_id);
        ViewRead read;
        read.member_kind = std::string(member.Text(0, 0));
        read.member_status = std::string(member.Text(0, 1));
        LOYALTY_ASSIGN_OR_RETURN(read.position, ReadCheckpoint(tx));
        return body(tx, read);
      },
      deadline);
}

void PrefetchMemberView(pg::Transaction& tx, const std::string& org_id,
                        const std::string& member_id) {
  for (const pg::Statement* statement :
       {&kSelectEnrolments, &kSelectLots, &kSelectTotals}) {
    tx.Prefetch(*statement, pg::Params().Add(org_id).Add(member_id));
  }
}

absl::StatusOr<ledger::MemberState> LoadMemberView(pg::Transaction& tx, const ViewRead& read,
                                                   const std::string& org_id,
                                                   const std::string& member_id) {
  pg::Params params;
  params.Add(org_id).Add(member_id);
  ledger::MemberState member;
  member.member_id = member_id;
  member.kind = read.member_kind;
  member.status = read.member_status;
  LOYALTY_ASSIGN_OR_RETURN(pg::Result enrolments, tx.Execute(kSelectEnrolments, params));
  for (int i = 0; i < enrolments.Rows(); ++i) {
    ledger::Enrolment enrolment;
    enrolment.program_id = std::string(enrolments.Text(i, 0));
    enrolment.tier = std::string(enrolments.Text(i, 1));
    enrolment.debt = enrolments.Int64(i, 2);
    enrolment.period_start = enrolments.Time(i, 3);
    enrolment.period_end = enrolments.Time(i, 4);
    member.enrolments.push_back(std::move(enrolment));
  }
  LOYALTY_ASSIGN_OR_RETURN(pg::Result lots, tx.Execute(kSelectLots, params));
  for (int i = 0; i < lots.Rows(); ++i) member.lots.push_back(store::LotFromRow(lots, i));
  LOYALTY_ASSIGN_OR_RETURN(pg::Result totals, tx.Execute(kSelectTotals, params));
  for (int i = 0; i < totals.Rows(); ++i) {
    member.totals.push_back(store::TotalsFromRow(totals, i));
  }
  return member;
}

}  // namespace loyalty::query
