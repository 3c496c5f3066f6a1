#include "libs/ledger/change_set.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/base/overloaded.h"

namespace loyalty::ledger {
namespace {

const char* LotChangeName(LotChange::Kind kind) {
  switch (kind) {
    case LotChange::Kind::kConsume:
      return "consume";
    case LotChange::Kind::kRestore:
      return "restore";
    case LotChange::Kind::kHold:
      return "hold";
  }
  return "change";
}

absl::Status Unknown(absl::string_view what, const std::string& member_id,
                     absl::string_view which) {
  return absl::InternalError(absl::StrCat("no ", what, " ", which, " of member ", member_id));
}

Enrolment* EnrolmentIn(MemberState& member, const std::string& program_id) {
  return const_cast<Enrolment*>(member.FindEnrolment(program_id));
}

}  // namespace

const char* EntryKindName(EntryKind kind) {
  switch (kind) {
    case EntryKind::kAccrual:
      return "accrual";
    case EntryKind::kRedemption:
      return "redemption";
    case EntryKind::kTransferOut:
      return "transfer_out";
    case EntryKind::kTransferIn:
      return "transfer_in";
    case EntryKind::kReversal:
      return "reversal";
    case EntryKind::kExpiry:
      return "expiry";
    case EntryKind::kAdjustment:
      return "adjustment";
    case EntryKind::kOverdraftRepayment:
      return "overdraft_repayment";
    case EntryKind::kRedemptionCancellation:
      return "redemption_cancellation";
    case EntryKind::kConversion:
      return "conversion";
    case EntryKind::kConversionReturn:
      return "conversion_return";
  }
  return "unspecified";
}

Lot LotOf(const LotCreation& creation, int64_t lot_id, absl::Time at) {
  Lot lot;
  lot.lot_id = lot_id;
  lot.program_id = creation.program_id;
  lot.point_type = creation.point_type;
  lot.subtype = creation.subtype;
  lot.amount = creation.amount;
  lot.remaining = creation.amount;
  lot.redeemable = creation.redeemable;
  lot.awarded_at = at;
  lot.available_at = creation.available_at;
  lot.expires_at = creation.expires_at;
  return lot;
}

absl::Status ChangeLot(const LotChange& change, Lot* lot) {
  const Points remaining = lot->remaining + (change.kind == LotChange::Kind::kConsume   ? -change.points
                                             : change.kind == LotChange::Kind::kRestore ? change.points
                                                                                        : 0);
  const Points held = lot->held + (change.kind == LotChange::Kind::kHold ? change.points : 0);
  if (remaining < 0 || remaining > lot->amount || held < 0 || held > remaining) {
    return absl::InternalError(absl::StrCat(LotChangeName(change.kind), ": lot ", lot->lot_id,
                                            " of member ", change.member_id, " cannot take ",
                                            change.points, " points"));
  }
  lot->remaining = remaining;
  lot->held = held;
  return absl::OkStatus();
}

void AddTotals(const TotalsChange& change, MemberState* member) {
  auto totals = std::find_if(member->totals.begin(), member->totals.end(),
                             [&](const PointTotals& t) {
                               return t.program_id == change.program_id &&
                                      t.point_type == change.point_type;
                             });
  if (totals == member->totals.end()) {
    member->totals.push_back({change.program_id, change.point_type, 0, 0});
    totals = member->totals.end() - 1;
  }
  totals->lifetime += change.lifetime;
  totals->qualifying += change.qualifying;
}

void ChangeEnrolment(const EnrolmentChange& change, absl::Time at, Enrolment* enrolment) {
  enrolment->debt += change.debt;
  if (change.tier.has_value()) {
    enrolment->tier = *change.tier;
    enrolment->tier_reached_at = at;
  }
}

void RenewPeriod(const PeriodRenewal& renewal, Enrolment* enrolment) {
  enrolment->tier = renewal.tier;
  enrolment->tier_reached_at = std::nullopt;
  enrolment->period_start = renewal.start;
  enrolment->period_end = renewal.end;
}

Enrolment EnrolmentOf(const Enrolled& enrolled, absl::Time at) {
  Enrolment enrolment;
  enrolment.program_id = enrolled.program_id;
  enrolment.tier = enrolled.tier.value_or("");
  if (enrolled.tier.has_value()) enrolment.tier_reached_at = at;
  enrolment.period_start = enrolled.period_start;
  enrolment.period_end = enrolled.period_end;
  return enrolment;
}

absl::Status AddEnrolment(const Enrolled& enrolled, absl::Time at, MemberState* member) {
  if (EnrolmentIn(*member, enrolled.program_id) != nullptr) {
    return absl::InternalError(
        absl::StrCat(member->member_id, " is already enrolled in ", enrolled.program_id));
  }
  const auto by_program = [](const Enrolment& a, const Enrolment& b) {
    return a.program_id < b.program_id;
  };
  const Enrolment added = EnrolmentOf(enrolled, at);
  member->enrolments.insert(
      std::upper_bound(member->enrolments.begin(), member->enrolments.end(), added, by_program),
      added);
  return absl::OkStatus();
}

absl::StatusOr<MemberState> Apply(const ChangeSet& changes, MemberState member, absl::Time at) {
  int64_t next_lot_id = 1;
  for (const Lot& lot : member.lots) next_lot_id = std::max(next_lot_id, lot.lot_id + 1);
  for (const Change& change : changes.changes) {
    absl::Status status = std::visit(
        Overloaded{
            [&](const LotCreation& creation) {
              if (creation.member_id == member.member_id) {
                member.lots.push_back(LotOf(creation, next_lot_id++, at));
              }
              return absl::OkStatus();
            },
            [&](const LotChange& lot_change) {
              if (lot_change.member_id != member.member_id) return absl::OkStatus();
              for (Lot& lot : member.lots) {
                if (lot.lot_id == lot_change.lot_id) return ChangeLot(lot_change, &lot);
              }
              return Unknown("lot", member.member_id, absl::StrCat(lot_change.lot_id));
            },
            [&](const TotalsChange& totals) {
              if (totals.member_id == member.member_id) AddTotals(totals, &member);
              return absl::OkStatus();
            },
            [&](const EnrolmentChange& enrolment_change) {
              if (enrolment_change.member_id != member.member_id) return absl::OkStatus();
              Enrolment* enrolment = EnrolmentIn(member, enrolment_change.program_id);
              if (enrolment == nullptr) {
                return Unknown("enrolment", member.member_id, enrolment_change.program_id);
              }
              ChangeEnrolment(enrolment_change, at, enrolment);
              return absl::OkStatus();
            },
            [&](const PeriodRenewal& renewal) {
              if (renewal.member_id != member.member_id) return absl::OkStatus();
              Enrolment* enrolment = EnrolmentIn(member, renewal.program_id);
              if (enrolment == nullptr) {
                return Unknown("enrolment", member.member_id, renewal.program_id);
              }
              RenewPeriod(renewal, enrolment);
              return absl::OkStatus();
            },
            [&](const Enrolled& enrolled) {
              if (enrolled.member_id != member.member_id) return absl::OkStatus();
              return AddEnrolment(enrolled, at, &member);
            },
            // Entries and records leave the state as it is.
            [](const auto&) { return absl::OkStatus(); },
        },
        change);
    if (!status.ok()) return status;
  }
  return member;
}

}  // namespace loyalty::ledger
