// Programs, members and lots for the redemption family's decisions (redeem, cancel, reserve,
// capture, void), and a change set as short texts, for tables of expected changes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "libs/base/overloaded.h"
#include "libs/ledger/burn.h"
#include "libs/ledger/change_set.h"
#include "libs/ledger/member.h"
#include "libs/ledger/program.h"

namespace loyalty::ledger::fixture {

inline const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 3, 1, 12, 0, 0), absl::UTCTimeZone());
inline const absl::Time kPeriodStart =
    absl::FromCivil(absl::CivilSecond(2026, 1, 1, 0, 0, 0), absl::UTCTimeZone());

// "shop" (the default program): 10 points are worth 1 cent; overdraft up to 50 points.
inline ProgramConfig Shop() {
  ProgramConfig program;
  program.program_id = "shop";
  program.status = "active";
  program.currency = "USD";
  program.ratio = {10, 1};
  program.overdraft_allowed = true;
  program.overdraft_limit = 50;
  program.default_point_type = "base";
  program.default_subtype = "purchase";
  program.subtypes = {"purchase"};
  program.point_types = {{"base", true, true, {}}, {"bonus", true, false, {}}};
  program.is_default = true;
  return program;
}

inline ProgramConfig Cafe() {
  ProgramConfig program = Shop();
  program.program_id = "cafe";
  program.overdraft_allowed = false;
  program.is_default = false;
  return program;
}

inline BurnScope ShopScope() { return {{Shop()}, Shop(), false}; }
inline BurnScope GroupScope() { return {{Cafe(), Shop()}, Shop(), true}; }

// A lot with `remaining` of `amount` points, available an hour ago.
inline Lot MakeLot(int64_t lot_id, std::string program_id, std::string point_type, Points remaining,
                   std::optional<absl::Time> expires_at = std::nullopt, Points held = 0,
                   Points amount = 0) {
  Lot lot;
  lot.lot_id = lot_id;
  lot.program_id = std::move(program_id);
  lot.point_type = std::move(point_type);
  lot.subtype = "purchase";
  lot.amount = amount == 0 ? remaining : amount;
  lot.remaining = remaining;
  lot.held = held;
  lot.awarded_at = kNow - absl::Hours(2) + absl::Seconds(lot_id);
  lot.available_at = kNow - absl::Hours(1);
  lot.expires_at = expires_at;
  return lot;
}

// Member m1, active and enrolled in shop (with `debt`) and cafe.
inline MemberState Member(std::vector<Lot> lots, Points shop_debt = 0) {
  MemberState member;
  member.member_id = "m1";
  member.kind = "individual";
  member.status = "active";
  const absl::Time end = kPeriodStart + absl::Hours(24 * 365);
  member.enrolments = {{"cafe", "", std::nullopt, 0, kPeriodStart, end},
                       {"shop", "", std::nullopt, shop_debt, kPeriodStart, end}};
  member.lots = std::move(lots);
  return member;
}

inline const char* LotChangeText(LotChange::Kind kind) {
  constexpr const char* kNames[] = {"consume", "restore", "hold"};  // in LotChange::Kind's order
  return kNames[static_cast<int>(kind)];
}

inline std::string TakesText(const std::vector<LotTake>& takes) {
  return absl::StrJoin(takes, ",", [](std::string* out, const LotTake& take) {
    absl::StrAppend(out, take.lot_id, ":", take.points);
  });
}

// One text per change (the member left out: every change here is m1's).
inline std::vector<std::string> Texts(const ChangeSet& changes) {
  std::vector<std::string> texts;
  for (const Change& change : changes.changes) {
    texts.push_back(std::visit(
        Overloaded{
            [](const EntryChange& e) {
              return absl::StrCat("entry ", e.program_id, "/", e.point_type, " ",
                                  EntryKindName(e.kind), " ", e.points,
                                  e.order_ref.empty() ? "" : " order=", e.order_ref,
                                  e.description.empty() ? "" : " '", e.description,
                                  e.description.empty() ? "" : "'");
            },
            [](const LotCreation& l) {
              return absl::StrCat("create ", l.program_id, "/", l.point_type, "/", l.subtype, " ",
                                  l.amount, l.expires_at ? " expiring" : "");
            },
            [](const LotChange& l) {
              return absl::StrCat(LotChangeText(l.kind), " lot ", l.lot_id, " ", l.points);
            },
            [](const EnrolmentChange& e) {
              return absl::StrCat("enrolment ", e.program_id, " debt ", e.debt,
                                  e.tier ? " tier " : "", e.tier.value_or(""));
            },
            [](const RedemptionRecorded& r) {
              return absl::StrCat(
                  "redemption ", r.program_id, r.group ? " group " : " ", r.points, " value ",
                  r.value_minor, " ", r.currency, " lots ", TakesText(r.lots), " programs ",
                  absl::StrJoin(r.breakup, ",",
                                [](std::string* out, const ProgramPoints& p) {
                                  absl::StrAppend(out, p.program_id, ":", p.points);
                                }),
                  " overdraft ", r.overdraft_points, " reservation ", r.reservation_id,
                  r.order_ref.empty() ? "" : " order=", r.order_ref,
                  r.reward.empty() ? "" : " reward=", r.reward);
            },
            [](const RedemptionCancelled& c) {
              return absl::StrCat("cancelled redemption ", c.redemption_id, " ", c.program_id, " ",
                                  c.points);
            },
            [](const ReservationCreated& r) {
              return absl::StrCat(
                  "reservation ", r.program_id, r.group ? " group " : " ", r.points, " lots ",
                  absl::StrJoin(r.lots, ",", [](std::string* out, const LotHold& h) {
                    absl::StrAppend(out, h.lot_id, ":", h.points);
                  }));
            },
            [](const ReservationResolved& r) {
              return absl::StrCat("resolved reservation ", r.reservation_id, " ", r.status);
            },
            [](const auto&) { return std::string("other"); },
        },
        change));
  }
  return texts;
}

// The member's available points in `program_id` at kNow (debt subtracted).
inline Points AvailableIn(const MemberState& member, const std::string& program_id) {
  return ProgramBalanceOf(member, program_id, kNow).available;
}

}  // namespace loyalty::ledger::fixture
