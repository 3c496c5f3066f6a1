// Operation's rows of the commands' own records: the orders that earned, the actions earned, and
// the households' roll-ups.
#include <utility>

#include "libs/base/status_macros.h"
#include "libs/ledger/change_set.h"
#include "libs/store/operation.h"
#include "libs/wire/event.h"

namespace loyalty::store {
namespace {

constexpr pg::Statement kInsertPurchase{
    "operation_insert_purchase",
    "INSERT INTO purchases (org_id, member_id, program_id, order_ref, point_type, amount_minor,"
    " currency, points, operation_id, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"};

constexpr pg::Statement kUpdatePurchase{
    "operation_update_purchase",
    "UPDATE purchases SET returned_minor = $5, reversed_points = $6"
    " WHERE org_id = $1 AND member_id = $2 AND program_id = $3 AND order_ref = $4"};

constexpr pg::Statement kCountAction{
    "operation_count_action",
    "INSERT INTO action_counts AS c (org_id, member_id, program_id, action_code, times)"
    " VALUES ($1, $2, $3, $4, 1) ON CONFLICT (org_id, member_id, program_id, action_code)"
    " DO UPDATE SET times = c.times + 1"};

constexpr pg::Statement kRecordOrderHousehold{
    "household_record_order_rollup",
    "UPDATE purchases SET rollup_household_id = $5, rollup_membership_start = $6"
    " WHERE org_id = $1 AND member_id = $2 AND program_id = $3 AND order_ref = $4"};

constexpr pg::Statement kAddContribution{
    "household_add_contribution",
    "INSERT INTO household_contributions (org_id, household_id, program_id, period_start,"
    " member_id, membership_start, qualifying) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    " ON CONFLICT (org_id, household_id, program_id, period_start, member_id, membership_start)"
    " DO UPDATE SET qualifying = household_contributions.qualifying + EXCLUDED.qualifying"
    " RETURNING qualifying"};

constexpr pg::Statement kInsertEnrolment{
    "operation_insert_enrolment",
    "INSERT INTO enrolments (org_id, member_id, program_id, tier, tier_reached_at, enrolled_at,"
    " period_start, period_end) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"};

}  // namespace

void Operation::Record(const ledger::PurchaseRecorded& purchase) {
  pg::Params row;
  row.Add(event_.org_id())
      .Add(purchase.member_id)
      .Add(purchase.program_id)
      .Add(purchase.order_ref)
      .Add(purchase.point_type)
      .Add(purchase.amount_minor)
      .Add(purchase.currency)
      .Add(purchase.points)
      .Add(id())
      .Add(now_);
  tx_->Defer(kInsertPurchase, std::move(row));
  wire::ToMeasureDelta(purchase, now_, event_.add_measures());
}

void Operation::Record(const ledger::PurchaseReturned& purchase) {
  pg::Params row;
  row.Add(event_.org_id())
      .Add(purchase.member_id)
      .Add(purchase.program_id)
      .Add(purchase.order_ref)
      .Add(purchase.returned_minor)
      .Add(purchase.reversed_points);
  tx_->Defer(kUpdatePurchase, std::move(row));
  if (purchase.returned_now_minor != 0 || purchase.reversed_now != 0) {
    wire::ToMeasureDelta(purchase, event_.add_measures());
  }
}

void Operation::Record(const ledger::ActionCounted& action) {
  pg::Params row;
  row.Add(event_.org_id()).Add(action.member_id).Add(action.program_id).Add(action.action_code);
  tx_->Defer(kCountAction, std::move(row));
  wire::ToMeasureDelta(action, event_.add_measures());
}

void Operation::Record(const ledger::OrderRolledUp& rollup) {
  pg::Params row;
  row.Add(event_.org_id())
      .Add(rollup.member_id)
      .Add(rollup.program_id)
      .Add(rollup.order_ref)
      .Add(rollup.household_id)
      .Add(rollup.membership_start);
  tx_->Defer(kRecordOrderHousehold, std::move(row));
}

absl::Status Operation::Record(const ledger::ContributionAdded& contribution) {
  pg::Params row;
  row.Add(event_.org_id())
      .Add(contribution.household_id)
      .Add(contribution.program_id)
      .Add(contribution.period_start)
      .Add(contribution.member_id)
      .Add(contribution.membership_start)
      .Add(contribution.qualifying);
  LOYALTY_ASSIGN_OR_RETURN(pg::Result total, tx_->Execute(kAddContribution, row));
  wire::ToContributionState(contribution, total.Int64(0, 0), event_.add_contributions());
  return absl::OkStatus();
}

absl::Status Operation::Record(const ledger::Enrolled& enrolled) {
  const ledger::Enrolment enrolment = ledger::EnrolmentOf(enrolled, now_);
  pg::Params params;
  params.Add(event_.org_id())
      .Add(enrolled.member_id)
      .Add(enrolled.program_id)
      .Add(enrolled.tier)
      .Add(enrolment.tier_reached_at)
      .Add(now_)
      .Add(enrolled.period_start)
      .Add(enrolled.period_end);
  tx_->Defer(kInsertEnrolment, std::move(params));
  if (ledger::MemberState* member = Tracked(enrolled.member_id)) {
    LOYALTY_RETURN_IF_ERROR(ledger::AddEnrolment(enrolled, now_, member));
  }
  RecordEnrolment(enrolled.member_id, enrolment);
  return absl::OkStatus();
}

}  // namespace loyalty::store
