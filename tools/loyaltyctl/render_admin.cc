#include "tools/loyaltyctl/render_admin.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tools/loyaltyctl/format.h"
#include "tools/loyaltyctl/table.h"

namespace loyalty::ctl {
namespace {

using Align = Table::Align;

std::string OrDash(const std::string& text) { return text.empty() ? "-" : text; }

std::string Limit(int64_t value) { return value == 0 ? "-" : absl::StrCat(value); }

std::string PeriodText(const v1::QualificationPeriod& period) {
  if (period.kind() == v1::QUALIFICATION_PERIOD_KIND_ROLLING_MONTHS) {
    return absl::StrCat("rolling ", period.months(), " months");
  }
  return EnumLabel(v1::QualificationPeriodKind_Name(period.kind()), "QUALIFICATION_PERIOD_KIND_");
}

void PrintRules(const v1::ProgramRules& rules, Table& fields) {
  fields.AddRow({"earn rate", absl::StrCat(rules.earn_rate().points(), " points per ",
                                           rules.earn_rate().per_amount_minor(), " minor units")});
  fields.AddRow({"redemption ratio",
                 absl::StrCat(rules.redemption_ratio().points(), " points = ",
                              rules.redemption_ratio().value_minor(), " minor units")});
  fields.AddRow({"redemption min/max/multiple",
                 absl::StrCat(Limit(rules.redemption().minimum()), " / ",
                              Limit(rules.redemption().maximum()), " / ",
                              Limit(rules.redemption().multiple_of()))});
  fields.AddRow({"overdraft", rules.overdraft().allowed()
                                  ? absl::StrCat("allowed up to ", rules.overdraft().limit())
                                  : "not allowed"});
  fields.AddRow({"hold days", absl::StrCat(rules.hold_days())});
  fields.AddRow({"qualification period", PeriodText(rules.qualification_period())});
}

void PrintPointTypes(const v1::Program& program, std::ostream& out) {
  if (program.point_types().empty()) return;
  Table table({"POINT TYPE", "REDEEMABLE", "COUNTS TOWARD TIER", "EXPIRY"});
  for (const v1::PointType& type : program.point_types()) {
    std::string expiry = EnumLabel(v1::ExpiryKind_Name(type.expiry()), "EXPIRY_KIND_");
    if (type.expiry_days() > 0) absl::StrAppend(&expiry, " ", type.expiry_days());
    table.AddRow({type.code(), YesNo(type.redeemable()), YesNo(type.counts_toward_tier()),
                  expiry});
  }
  out << "\n";
  table.Print(out);
}

void PrintTiers(const v1::Program& program, std::ostream& out) {
  if (program.tiers().empty()) return;
  Table table({"TIER", "THRESHOLD", "MULTIPLIER", "OVERDRAFT"},
              {Align::kLeft, Align::kRight, Align::kRight, Align::kLeft});
  for (const v1::Tier& tier : program.tiers()) {
    table.AddRow({tier.code(), absl::StrCat(tier.threshold()),
                  absl::StrFormat("x%.2f", tier.multiplier_permille() / 1000.0),
                  YesNo(tier.overdraft_allowed())});
  }
  out << "\n";
  table.Print(out);
}

void PrintActions(const v1::Program& program, std::ostream& out) {
  if (program.actions().empty()) return;
  Table table({"ACTION", "POINTS", "PER MEMBER"}, {Align::kLeft, Align::kRight, Align::kRight});
  for (const v1::Action& action : program.actions()) {
    table.AddRow({action.code(), absl::StrCat(action.points()),
                  action.per_member_limit() == 0 ? "unlimited"
                                                 : absl::StrCat(action.per_member_limit())});
  }
  out << "\n";
  table.Print(out);
}

}  // namespace

void RenderOrganisation(const v1::Organisation& organisation, std::ostream& out) {
  Table fields({});
  fields.AddRow({"org", organisation.org_id()});
  fields.AddRow({"name", organisation.name()});
  fields.AddRow({"default program", OrDash(organisation.default_program_id())});
  fields.AddRow({"created", FormatTimestamp(organisation.created_at(),
                                            organisation.has_created_at())});
  fields.Print(out);
}

void RenderProgram(const v1::Program& program, std::ostream& out) {
  Table fields({});
  fields.AddRow({"program", program.program_id()});
  fields.AddRow({"org", program.org_id()});
  fields.AddRow({"name", program.name()});
  fields.AddRow({"currency", program.currency()});
  fields.AddRow({"status", EnumLabel(v1::ProgramStatus_Name(program.status()),
                                     "PROGRAM_STATUS_")});
  fields.AddRow({"default program", YesNo(program.is_default())});
  PrintRules(program.rules(), fields);
  fields.AddRow({"default point type", OrDash(program.default_point_type())});
  fields.AddRow({"subtypes", program.subtypes().empty()
                                 ? "-"
                                 : absl::StrCat(absl::StrJoin(program.subtypes(), ", "),
                                                " (default ", program.default_subtype(), ")")});
  fields.Print(out);
  PrintPointTypes(program, out);
  PrintTiers(program, out);
  PrintActions(program, out);
}

void RenderPrograms(const v1::ListProgramsResponse& response, std::ostream& out) {
  Table table({"PROGRAM", "NAME", "CURRENCY", "STATUS", "DEFAULT"});
  for (const v1::Program& program : response.programs()) {
    table.AddRow({program.program_id(), program.name(), program.currency(),
                  EnumLabel(v1::ProgramStatus_Name(program.status()), "PROGRAM_STATUS_"),
                  program.is_default() ? "yes" : ""});
  }
  table.Print(out);
  if (!response.next_page_token().empty()) {
    out << "(more programs: --page_token=" << response.next_page_token() << ")\n";
  }
}

void RenderMember(const v1::Member& member, std::ostream& out) {
  Table fields({});
  fields.AddRow({"member", member.member_id()});
  fields.AddRow({"org", member.org_id()});
  fields.AddRow({"kind", EnumLabel(v1::MemberKind_Name(member.kind()), "MEMBER_KIND_")});
  fields.AddRow({"status", EnumLabel(v1::MemberStatus_Name(member.status()), "MEMBER_STATUS_")});
  fields.AddRow({"created", FormatTimestamp(member.created_at(), member.has_created_at())});
  if (member.has_household()) {
    const v1::HouseholdMembership& household = member.household();
    fields.AddRow({"household",
                   absl::StrCat(household.household_id(), " from ",
                                FormatTimestamp(household.start(), household.has_start()),
                                " to ", FormatTimestamp(household.end(), household.has_end()),
                                ", roll-up ", household.rollup() ? "on" : "off")});
  }
  fields.Print(out);
  if (member.enrolments().empty()) return;
  Table table({"PROGRAM", "TIER", "ENROLLED", "PERIOD START", "PERIOD END"});
  for (const v1::Enrolment& enrolment : member.enrolments()) {
    table.AddRow({enrolment.program_id(), OrDash(enrolment.tier()),
                  FormatTimestamp(enrolment.enrolled_at(), enrolment.has_enrolled_at()),
                  FormatTimestamp(enrolment.period_start(), enrolment.has_period_start()),
                  FormatTimestamp(enrolment.period_end(), enrolment.has_period_end())});
  }
  out << "\n";
  table.Print(out);
}

}  // namespace loyalty::ctl
