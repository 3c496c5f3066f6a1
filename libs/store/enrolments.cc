#include "libs/store/enrolments.h"

#include "libs/base/status_macros.h"

namespace loyalty::store {
namespace {

constexpr pg::Statement kSelectTerms{
    "enrolment_select_terms",
    "SELECT p.status, p.period_kind, p.period_months"
    " FROM programs p WHERE p.org_id = $1 AND p.program_id = $2 FOR SHARE OF p"};

constexpr pg::Statement kSelectTiers{
    "enrolment_select_tiers",
    "SELECT code, threshold, multiplier_permille, overdraft_allowed FROM tiers"
    " WHERE org_id = $1 AND program_id = $2"};

constexpr pg::Statement kSelectEnrolled{
    "enrolment_select_enrolled",
    "SELECT EXISTS (SELECT 1 FROM enrolments WHERE org_id = $1 AND member_id = $2"
    " AND program_id = $3)"};

pg::Params ProgramKey(const EnrolmentTermsRead& read) {
  return pg::Params().Add(read.org_id).Add(read.program_id);
}

pg::Params EnrolmentKey(const EnrolledRead& read) {
  return pg::Params().Add(read.org_id).Add(read.member_id).Add(read.program_id);
}

constexpr pg::Statement kPeriodCandidates{
    "worker_period_candidates",
    "SELECT DISTINCT org_id, member_id FROM enrolments WHERE period_end <= $1 LIMIT $2"};

}  // namespace

void EnrolmentTermsRead::Declare(pg::Transaction& tx) const {
  tx.Prefetch(kSelectTerms, ProgramKey(*this));
  tx.Prefetch(kSelectTiers, ProgramKey(*this));
}

absl::StatusOr<EnrolmentTermsRead::Value> EnrolmentTermsRead::Load(pg::Transaction& tx) const {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result program, tx.Execute(kSelectTerms, ProgramKey(*this)));
  if (program.Rows() == 0) return std::nullopt;
  ledger::EnrolmentTerms terms{
      std::string(program.Text(0, 0)), std::string(program.Text(0, 1)), program.Int32(0, 2), {}};
  LOYALTY_ASSIGN_OR_RETURN(pg::Result tiers, tx.Execute(kSelectTiers, ProgramKey(*this)));
  for (int i = 0; i < tiers.Rows(); ++i) {
    terms.tiers.push_back(
        {std::string(tiers.Text(i, 0)), tiers.Int64(i, 1), tiers.Int32(i, 2), tiers.Bool(i, 3)});
  }
  return terms;
}

void EnrolledRead::Declare(pg::Transaction& tx) const {
  tx.Prefetch(kSelectEnrolled, EnrolmentKey(*this));
}

absl::StatusOr<bool> EnrolledRead::Load(pg::Transaction& tx) const {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx.Execute(kSelectEnrolled, EnrolmentKey(*this)));
  return row.Bool(0, 0);
}

absl::StatusOr<std::vector<MemberKey>> MembersWithEndedPeriods(pg::Transaction& tx,
                                                               absl::Time now, int32_t limit) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result rows,
                           tx.Execute(kPeriodCandidates, pg::Params().Add(now).Add(limit)));
  return MemberKeysOf(rows);
}

}  // namespace loyalty::store
