#include "libs/store/member_records.h"

#include "libs/base/status_macros.h"

namespace loyalty::store {
namespace {

constexpr pg::Statement kInsertMember{
    "admin_insert_member",
    "INSERT INTO members (org_id, member_id, kind, created_at) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT DO NOTHING RETURNING 1"};

constexpr pg::Statement kSelectMember{
    "admin_select_member",
    "SELECT kind, status, created_at FROM members WHERE org_id = $1 AND member_id = $2"};

constexpr pg::Statement kSelectEnrolments{
    "admin_select_enrolments",
    "SELECT program_id, coalesce(tier, ''), enrolled_at, period_start, period_end"
    " FROM enrolments WHERE org_id = $1 AND member_id = $2 ORDER BY program_id"};

// Open: no end, or an end still ahead of $3 (now).
constexpr pg::Statement kSelectOpenHousehold{
    "admin_select_open_household",
    "SELECT household_id, start_at, end_at, rollup FROM household_memberships"
    " WHERE org_id = $1 AND member_id = $2 AND (end_at IS NULL OR end_at > $3)"
    " ORDER BY start_at LIMIT 1"};

constexpr pg::Statement kSetMemberStatus{
    "admin_set_member_status",
    "UPDATE members SET status = $3, state_version = state_version + 1"
    " WHERE org_id = $1 AND member_id = $2 RETURNING 1"};

pg::Params Ids(const std::string& org_id, const std::string& member_id) {
  pg::Params params;
  params.Add(org_id).Add(member_id);
  return params;
}

}  // namespace

absl::StatusOr<std::optional<MemberRecord>> LoadMemberRecord(pg::Transaction& tx,
                                                             const std::string& org_id,
                                                             const std::string& member_id,
                                                             absl::Time now) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result member, tx.Execute(kSelectMember, Ids(org_id, member_id)));
  if (member.Rows() == 0) return std::nullopt;
  MemberRecord record;
  record.kind = member.Text(0, 0);
  record.status = member.Text(0, 1);
  record.created_at = member.Time(0, 2);
  LOYALTY_ASSIGN_OR_RETURN(pg::Result enrolments,
                           tx.Execute(kSelectEnrolments, Ids(org_id, member_id)));
  for (int i = 0; i < enrolments.Rows(); ++i) {
    record.enrolments.push_back({std::string(enrolments.Text(i, 0)),
                                 std::string(enrolments.Text(i, 1)), enrolments.Time(i, 2),
                                 enrolments.Time(i, 3), enrolments.Time(i, 4)});
  }
  LOYALTY_ASSIGN_OR_RETURN(pg::Result household,
                           tx.Execute(kSelectOpenHousehold, Ids(org_id, member_id).Add(now)));
  if (household.Rows() == 1) {
    record.household =
        MemberRecord::Membership{std::string(household.Text(0, 0)), household.Time(0, 1),
                                 household.OptionalTime(0, 2), household.Bool(0, 3)};
  }
  return record;
}

absl::StatusOr<std::optional<std::string>> LoadMemberKind(pg::Transaction& tx,
                                                          const std::string& org_id,
                                                          const std::string& member_id) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result member, tx.Execute(kSelectMember, Ids(org_id, member_id)));
  if (member.Rows() == 0) return std::nullopt;
  return std::string(member.Text(0, 0));
}

absl::StatusOr<bool> InsertMember(pg::Transaction& tx, const std::string& org_id,
                                  const std::string& member_id, const std::string& kind,
                                  absl::Time created_at) {
  LOYALTY_ASSIGN_OR_RETURN(
      pg::Result inserted,
      tx.Execute(kInsertMember, Ids(org_id, member_id).Add(kind).Add(created_at)));
  return inserted.Rows() == 1;
}

absl::StatusOr<bool> SetMemberStatus(pg::Transaction& tx, const std::string& org_id,
                                     const std::string& member_id, const std::string& status) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result updated,
                           tx.Execute(kSetMemberStatus, Ids(org_id, member_id).Add(status)));
  return updated.Rows() == 1;
}

}  // namespace loyalty::store
