#include "libs/store/operation.h"

#include <algorithm>
#include <type_traits>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "libs/base/check.h"
#include "libs/base/overloaded.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/limits.h"
#include "libs/ledger/member.h"
#include "libs/pg/connection.h"
#include "libs/wire/event.h"
#include "libs/wire/time.h"

namespace loyalty::store {
namespace {

// Ids for one operation. The ledger position is drawn only once the transaction has its
// transaction id (pg_current_xact_id() assigns one), so the projector's horizon covers it.
const std::string kAllocateIdsSql = absl::StrCat(
    "SELECT nextval('operation_ids'),"
    " CASE WHEN pg_current_xact_id() IS NOT NULL THEN nextval('outbox_position_seq') END,"
    " ARRAY(SELECT nextval('lots_lot_id_seq') FROM generate_series(1, ",
    Operation::kLotIds,
    ")),"
    " ARRAY(SELECT nextval('ledger_entries_entry_id_seq') FROM generate_series(1, ",
    Operation::kEntryIds, "))");
const pg::Statement kAllocateIds{"operation_allocate_ids", kAllocateIdsSql.c_str()};
constexpr pg::Statement kNextLotId{"operation_next_lot_id", "SELECT nextval('lots_lot_id_seq')"};
constexpr pg::Statement kNextEntryId{"operation_next_entry_id",
                                     "SELECT nextval('ledger_entries_entry_id_seq')"};

constexpr pg::Statement kInsertEntry{
    "operation_insert_entry",
    "INSERT INTO ledger_entries (entry_id, org_id, member_id, operation_id, program_id,"
    " point_type, kind, points, order_ref, description, actor, created_at, caller, trace_id)"
    " OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULLIF($9, ''),"
    " NULLIF($10, ''), NULLIF($11, ''), $12, $13, $14)"};

constexpr pg::Statement kInsertLot{
    "operation_insert_lot",
    "INSERT INTO lots (lot_id, org_id, member_id, program_id, point_type, subtype, redeemable,"
    " amount, remaining, awarded_at, available_at, expires_at, operation_id, order_ref,"
    " origin_lot_id) OVERRIDING SYSTEM VALUE"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11, $12, NULLIF($13, ''), $14)"};

// Every member whose state the operation changed: see MemberState::state_version, and
// LockForCommand for the time of its last operation.
constexpr pg::Statement kBumpStateVersion{
    "operation_bump_state_version",
    "UPDATE members SET state_version = state_version + 1,"
    " last_operation_at = greatest(last_operation_at, $3) WHERE org_id = $1 AND member_id = $2"};

constexpr pg::Statement kInsertOutbox{
    "operation_insert_outbox",
    "INSERT INTO outbox (position, org_id, event) OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3)"};

// "{12,13}" (a bigint[] in text form) -> {12, 13}.
std::vector<int64_t> IdsFromArray(std::string_view text) {
  absl::string_view inner(text.data(), text.size());
  inner = absl::StripPrefix(absl::StripSuffix(inner, "}"), "{");
  std::vector<int64_t> ids;
  for (absl::string_view part : absl::StrSplit(inner, ',', absl::SkipEmpty())) {
    int64_t id = 0;
    LOYALTY_CHECK(absl::SimpleAtoi(part, &id));
    ids.push_back(id);
  }
  return ids;
}

}  // namespace

void Operation::Prefetch(pg::Transaction& tx) { tx.Prefetch(kAllocateIds, {}); }

absl::StatusOr<Operation> Operation::Begin(pg::Transaction& tx, const std::string& org_id,
                                           const std::string& name, const std::string& caller,
                                           const std::string& trace_id, absl::Time now) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx.Execute(kAllocateIds));
  Operation operation(tx, now);
  operation.event_.set_org_id(org_id);
  operation.event_.set_operation_id(row.Int64(0, 0));
  operation.event_.set_operation(name);
  operation.event_.set_caller(caller);
  operation.trace_id_ = trace_id;
  wire::ToTimestamp(now, operation.event_.mutable_occurred_at());
  operation.position_ = row.Int64(0, 1);
  operation.lot_ids_ = IdsFromArray(row.Text(0, 2));
  operation.entry_ids_ = IdsFromArray(row.Text(0, 3));
  return operation;
}

void Operation::Track(const ledger::MemberState& member) {
  if (ledger::MemberState* tracked = Tracked(member.member_id)) {
    *tracked = member;
  } else {
    tracked_.push_back(member);
  }
}

ledger::MemberState* Operation::Tracked(const std::string& member_id) {
  return const_cast<ledger::MemberState*>(std::as_const(*this).StateAfter(member_id));
}

ledger::Lot* Operation::TrackedLot(const std::string& member_id, int64_t lot_id) {
  ledger::MemberState* member = Tracked(member_id);
  if (member == nullptr) return nullptr;
  for (ledger::Lot& lot : member->lots) {
    if (lot.lot_id == lot_id) return &lot;
  }
  return nullptr;
}

absl::StatusOr<int64_t> Operation::NextId(std::vector<int64_t>& reserved,
                                          const pg::Statement& fallback) {
  if (!reserved.empty()) {
    const int64_t id = reserved.front();
    reserved.erase(reserved.begin());
    return id;
  }
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx_->Execute(fallback));
  return row.Int64(0, 0);
}

absl::StatusOr<std::vector<ledger::Lot>> Operation::Write(const ledger::ChangeSet& changes) {
  std::vector<ledger::Lot> created;
  for (const ledger::Change& change : changes.changes) {
    LOYALTY_RETURN_IF_ERROR(Write(change, &created));
  }
  return created;
}

absl::Status Operation::Write(const ledger::Change& change, std::vector<ledger::Lot>* created) {
  return std::visit(
      Overloaded{
          [&](const ledger::EntryChange& entry) { return AddEntry(entry); },
          [&](const ledger::LotCreation& creation) -> absl::Status {
            LOYALTY_ASSIGN_OR_RETURN(ledger::Lot lot, CreateLot(creation));
            if (created != nullptr) created->push_back(std::move(lot));
            return absl::OkStatus();
          },
          [&](const ledger::LotChange& lot_change) { return ChangeLot(lot_change); },
          [&](const ledger::TotalsChange& totals) { return AddTotals(totals); },
          [&](const ledger::EnrolmentChange& enrolment) { return ChangeEnrolment(enrolment); },
          [&](const ledger::PeriodRenewal& renewal) { return RenewPeriod(renewal); },
          [&](const auto& record) -> absl::Status {
            if constexpr (std::is_void_v<decltype(Record(record))>) {
              Record(record);
              return absl::OkStatus();
            } else {
              return Record(record);  // a record whose row the event needs
            }
          },
      },
      change);
}

absl::Status Operation::AddEntry(const ledger::EntryChange& entry) {
  LOYALTY_ASSIGN_OR_RETURN(const int64_t entry_id, NextId(entry_ids_, kNextEntryId));
  pg::Params params;
  params.Add(entry_id)
      .Add(event_.org_id())
      .Add(entry.member_id)
      .Add(id())
      .Add(entry.program_id)
      .Add(entry.point_type)
      .Add(ledger::EntryKindName(entry.kind))
      .Add(entry.points)
      .Add(entry.order_ref)
      .Add(entry.description)
      .Add(entry.actor)
      .Add(now_)
      .Add(event_.caller())
      .Add(trace_id_);
  tx_->Defer(kInsertEntry, std::move(params));
  internal::v1::EntryRecord* record = event_.add_entries();
  record->set_entry_id(entry_id);
  record->set_member_id(entry.member_id);
  record->set_program_id(entry.program_id);
  record->set_point_type(entry.point_type);
  record->set_kind(wire::ToEntryKind(entry.kind));
  record->set_points(entry.points);
  record->set_order_ref(entry.order_ref);
  record->set_description(entry.description);
  wire::ToTimestamp(now_, record->mutable_created_at());
  return absl::OkStatus();
}

void Operation::RecordLot(const std::string& member_id, const ledger::Lot& state) {
  wire::ToLotState(member_id, state, event_.add_lots());
}

absl::StatusOr<ledger::Lot> Operation::CreateLot(const ledger::LotCreation& lot) {
  LOYALTY_ASSIGN_OR_RETURN(const int64_t lot_id, NextId(lot_ids_, kNextLotId));
  pg::Params params;
  params.Add(lot_id)
      .Add(event_.org_id())
      .Add(lot.member_id)
      .Add(lot.program_id)
      .Add(lot.point_type)
      .Add(lot.subtype)
      .Add(lot.redeemable)
      .Add(lot.amount)
      .Add(now_)
      .Add(lot.available_at)
      .Add(lot.expires_at)
      .Add(id())
      .Add(lot.order_ref)
      .Add(lot.origin_lot_id);
  tx_->Defer(kInsertLot, std::move(params));
  const ledger::Lot created = ledger::LotOf(lot, lot_id, now_);
  last_lot_id_ = lot_id;
  RecordLot(lot.member_id, created);
  if (ledger::MemberState* member = Tracked(lot.member_id)) member->lots.push_back(created);
  return created;
}

std::vector<std::string> Operation::ChangedMembers() const {
  std::vector<std::string> members;
  for (const internal::v1::LotState& lot : event_.lots()) members.push_back(lot.member_id());
  for (const internal::v1::TotalsState& totals : event_.totals()) {
    members.push_back(totals.member_id());
  }
  for (const internal::v1::EnrolmentState& enrolment : event_.enrolments()) {
    members.push_back(enrolment.member_id());
  }
  for (const internal::v1::EntryRecord& entry : event_.entries()) {
    members.push_back(entry.member_id());
  }
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  return members;
}

const ledger::MemberState* Operation::StateAfter(const std::string& member_id) const {
  for (const ledger::MemberState& member : tracked_) {
    if (member.member_id == member_id) return &member;
  }
  return nullptr;
}

absl::StatusOr<int64_t> Operation::Commit() {
  for (const ledger::MemberState& member : tracked_)
    LOYALTY_RETURN_IF_ERROR(ledger::CheckLimits(member));
  for (const std::string& member_id : ChangedMembers()) {
    tx_->Defer(kBumpStateVersion, pg::Params().Add(event_.org_id()).Add(member_id).Add(now_));
    if (ledger::MemberState* member = Tracked(member_id)) ++member->state_version;
  }
  pg::Params params;
  params.Add(position_).Add(event_.org_id()).AddBytes(event_.SerializeAsString());
  tx_->Defer(kInsertOutbox, std::move(params));
  return position_;
}

}  // namespace loyalty::store
