#include "tests/unit/ledger/change_text.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "libs/base/overloaded.h"

namespace loyalty::ledger {
namespace {

std::string TimeText(absl::Time at) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", at, absl::UTCTimeZone());
}

std::string TimeText(const std::optional<absl::Time>& at) {
  return at.has_value() ? TimeText(*at) : "never";
}

std::string ChangeText(const Change& change) {
  return std::visit(
      Overloaded{
          [](const EntryChange& e) {
            return absl::StrCat("entry ", e.member_id, " ", e.program_id, "/", e.point_type, " ",
                                EntryKindName(e.kind), " ", e.points, " order='", e.order_ref,
                                "' '", e.description, "' actor='", e.actor, "'");
          },
          [](const LotCreation& l) {
            return absl::StrCat(
                "create ", l.member_id, " ", l.program_id, "/", l.point_type, "/", l.subtype,
                l.redeemable ? "" : " not-redeemable", " ", l.amount, " available ",
                TimeText(l.available_at), " expires ", TimeText(l.expires_at), " order='",
                l.order_ref, "' origin ",
                l.origin_lot_id.has_value() ? absl::StrCat(*l.origin_lot_id) : "none");
          },
          [](const LotChange& l) {
            const char* kind = l.kind == LotChange::Kind::kConsume   ? "consume"
                               : l.kind == LotChange::Kind::kRestore ? "restore"
                                                                     : "hold";
            return absl::StrCat(kind, " ", l.member_id, " lot ", l.lot_id, " ", l.points);
          },
          [](const TotalsChange& t) {
            return absl::StrCat("totals ", t.member_id, " ", t.program_id, "/", t.point_type,
                                " lifetime ", t.lifetime, " qualifying ", t.qualifying);
          },
          [](const EnrolmentChange& e) {
            return absl::StrCat("enrolment ", e.member_id, " ", e.program_id, " debt ", e.debt,
                                e.tier.has_value() ? absl::StrCat(" tier '", *e.tier, "'") : "",
                                e.mark_activity ? " active" : "");
          },
          [](const PeriodRenewal& r) {
            return absl::StrCat("renew ", r.member_id, " ", r.program_id, " tier '", r.tier, "' ",
                                TimeText(r.start), " to ", TimeText(r.end));
          },
          [](const PurchaseRecorded& p) {
            return absl::StrCat("purchase ", p.member_id, " ", p.program_id, " ", p.order_ref, " ",
                                p.point_type, " ", p.amount_minor, " ", p.currency, " ", p.points);
          },
          [](const PurchaseReturned& p) {
            return absl::StrCat("return ", p.member_id, " ", p.program_id, " ", p.order_ref, " ",
                                p.returned_minor, " ", p.reversed_points);
          },
          [](const ActionCounted& a) {
            return absl::StrCat("action ", a.member_id, " ", a.program_id, " ", a.action_code);
          },
          [](const OrderRolledUp& o) {
            return absl::StrCat("order ", o.member_id, " ", o.program_id, " ", o.order_ref,
                                " rolled up to ", o.household_id, " membership ",
                                TimeText(o.membership_start));
          },
          [](const ContributionAdded& c) {
            return absl::StrCat("contribution ", c.household_id, " from ", c.member_id,
                                " membership ", TimeText(c.membership_start), " ", c.program_id,
                                " period ", TimeText(c.period_start), " qualifying ", c.qualifying);
          },
          [](const ConversionRecorded& c) {
            std::string text =
                absl::StrCat("conversion ", c.member_id, " to ", c.partner_code, " link ",
                             c.link_id, " ", c.local_points, " for ", c.partner_points, " lots");
            for (const LotTake& lot : c.lots)
              absl::StrAppend(&text, " ", lot.lot_id, ":", lot.points);
            return text;
          },
          [](const ConversionMoved& c) {
            return absl::StrCat("conversion ", c.conversion_id, " ", ConversionStatusName(c.status),
                                " '", c.error, "'");
          },
          [](const auto&) { return std::string("a change without a text here yet"); },
      },
      change);
}

}  // namespace

std::vector<std::string> ChangeTexts(const ChangeSet& changes) {
  std::vector<std::string> texts;
  for (const Change& change : changes.changes) texts.push_back(ChangeText(change));
  return texts;
}

}  // namespace loyalty::ledger
