#include "tools/loyaltyctl/command_table.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "tools/loyaltyctl/admin_commands.h"
#include "tools/loyaltyctl/badge_commands.h"
#include "tools/loyaltyctl/badge_flags.h"
#include "tools/loyaltyctl/member_commands.h"
#include "tools/loyaltyctl/partner_commands.h"
#include "tools/loyaltyctl/points_commands.h"
#include "tools/loyaltyctl/query_commands.h"

namespace loyalty::ctl {
namespace {

FlagSpec Required(std::string name, std::string value_name = "ID") {
  return {std::move(name), FlagKind::kString, true, std::move(value_name)};
}
FlagSpec Optional(std::string name, std::string value_name = "ID") {
  return {std::move(name), FlagKind::kString, false, std::move(value_name)};
}
FlagSpec RequiredNumber(std::string name, FlagKind kind = FlagKind::kInt64) {
  return {std::move(name), kind, true, "N"};
}
FlagSpec OptionalNumber(std::string name, FlagKind kind = FlagKind::kInt64) {
  return {std::move(name), kind, false, "N"};
}
FlagSpec Switch(std::string name, bool required = false) {
  return {std::move(name), FlagKind::kBool, required, ""};
}
// Required, and may be given more than once (in order).
FlagSpec RequiredRepeated(std::string name, std::string value_name) {
  return {std::move(name), FlagKind::kString, true, std::move(value_name), true};
}

std::vector<FlagSpec> RuleFlags(std::vector<FlagSpec> flags) {
  for (const char* name : {"earn_points", "earn_per_minor", "ratio_points", "ratio_value_minor",
                           "minimum", "maximum", "multiple_of", "overdraft_limit"}) {
    flags.push_back(OptionalNumber(name));
  }
  flags.push_back(Switch("overdraft"));
  flags.push_back(OptionalNumber("hold_days", FlagKind::kInt32));
  flags.push_back(Optional("period", "calendar-year|rolling-months"));
  flags.push_back(OptionalNumber("period_months", FlagKind::kInt32));
  return flags;
}

std::vector<CommandSpec> BuildCommands() {
  const FlagSpec org = Required("org");
  const FlagSpec program = Required("program");
  const FlagSpec member = Required("member");
  const FlagSpec optional_program = Optional("program");
  const FlagSpec min_position = OptionalNumber("min_position");
  const bool kMutating = true;
  const bool kReadOnly = false;
  return {
      {"org",
       "create",
       "create an organisation",
       {org, Required("name", "TEXT")},
       kMutating,
       OrgCreate},
      {"org", "show", "show an organisation", {org}, kReadOnly, OrgShow},
      {"program", "create", "create a program (DRAFT) with its rules",
       RuleFlags({org, program, Required("name", "TEXT"), Required("currency", "ISO4217")}),
       kMutating, ProgramCreate},
      {"program",
       "show",
       "show a program, its rules, point types, tiers, actions",
       {org, program},
       kReadOnly,
       ProgramShow},
      {"program", "list", "list the org's programs", {org}, kReadOnly, ProgramList},
      {"program", "activate", "DRAFT -> ACTIVE", {org, program}, kMutating, ProgramActivate},
      {"program", "close", "ACTIVE -> CLOSED", {org, program}, kMutating, ProgramClose},
      {"program",
       "set-default",
       "make it the org's default (group) program",
       {org, program},
       kMutating,
       ProgramSetDefault},
      {"program", "rules", "change the rules named by the flags, keep the others",
       RuleFlags({org, program}), kMutating, ProgramRulesUpdate},
      {"point-type",
       "add",
       "add a point type",
       {org, program, Required("code", "CODE"), Switch("redeemable"), Switch("counts_toward_tier"),
        Optional("expiry", "never|fixed-days|inactivity-days"),
        OptionalNumber("expiry_days", FlagKind::kInt32), Switch("default")},
       kMutating,
       PointTypeAdd},
      {"subtype",
       "add",
       "add a subtype label",
       {org, program, Required("subtype", "CODE"), Switch("default")},
       kMutating,
       SubtypeAdd},
      {"tier",
       "add",
       "add a tier",
       {org, program, Required("tier", "CODE"), RequiredNumber("threshold"),
        OptionalNumber("multiplier_permille", FlagKind::kInt32), Switch("overdraft_allowed")},
       kMutating,
       TierAdd},
      {"action",
       "add",
       "add a catalogue action",
       {org, program, Required("action", "CODE"), RequiredNumber("points"),
        OptionalNumber("per_member_limit", FlagKind::kInt32)},
       kMutating,
       ActionAdd},
      {"badge",
       "define",
       "define or change a badge of a program (the whole definition, levels in order)",
       {org, program, Required("badge"), Required("name", "TEXT"), Switch("spend_amount"),
        Switch("spend_points"), OptionalNumber("window_days", FlagKind::kInt32), Switch("tenure"),
        Optional("advocacy", "ACTION"), RequiredRepeated("level", std::string(kBadgeLevelFormat)),
        Switch("claw_back"), Optional("active_from", "RFC3339"), Optional("active_to", "RFC3339"),
        OptionalNumber("expected_version", FlagKind::kInt32)},
       kMutating,
       BadgeDefine},
      {"badge",
       "show",
       "show a badge: criterion, levels, benefits, dates, version",
       {org, program, Required("badge")},
       kReadOnly,
       BadgeShow},
      {"badge",
       "list",
       "list a program's badges (query service)",
       {org, optional_program, Switch("active_only")},
       kReadOnly,
       BadgeList},
      {"member",
       "create",
       "create a member (enrolled in --programs or the default program)",
       {org, member, Optional("kind", "individual|household"), Optional("programs", "A,B")},
       kMutating,
       MemberCreate},
      {"member",
       "show",
       "show a member, enrolments, household, and badges in a program (query service)",
       {org, member, optional_program, min_position},
       kReadOnly,
       MemberShow},
      {"member",
       "status",
       "set a member's status",
       {org, member, Required("status", "active|suspended|closed")},
       kMutating,
       MemberStatusSet},
      {"member",
       "enrol",
       "enrol a member in a program",
       {org, member, program},
       kMutating,
       MemberEnrol},
      {"household",
       "join",
       "put an individual into a household",
       {org, member, Required("household"), Optional("start", "RFC3339"),
        Optional("end", "RFC3339"), Switch("rollup")},
       kMutating,
       HouseholdJoin},
      {"household",
       "leave",
       "take an individual out of its household",
       {org, member},
       kMutating,
       HouseholdLeave},
      {"household",
       "rollup",
       "switch qualifying-points roll-up on or off",
       {org, member, Switch("rollup", true)},
       kMutating,
       HouseholdRollup},
      {"points",
       "accrue",
       "award points: a purchase, an action, or explicit points",
       {org, member, optional_program, Optional("order", "REF"), OptionalNumber("amount"),
        Optional("currency", "ISO4217"), Optional("action", "CODE"), Optional("reference", "REF"),
        OptionalNumber("points"), Optional("description", "TEXT"), Optional("point_type", "CODE"),
        Optional("subtype", "CODE"), Optional("occurred_at", "RFC3339"),
        Optional("available_at", "RFC3339"), Optional("expires_at", "RFC3339")},
       kMutating,
       PointsAccrue},
      {"points",
       "adjust",
       "staff correction: signed points with reason and actor",
       {org, member, optional_program, RequiredNumber("points"), Required("reason", "TEXT"),
        Required("actor", "STAFF"), Optional("point_type", "CODE"), Optional("subtype", "CODE")},
       kMutating,
       PointsAdjust},
      {"points",
       "reverse",
       "take back the points of a returned order",
       {org, member, optional_program, Required("order", "REF"), OptionalNumber("amount"),
        Optional("currency", "ISO4217"), Switch("full")},
       kMutating,
       PointsReverse},
      {"points",
       "redeem",
       "burn points of one program, or of all with --group",
       {org, member, optional_program, Switch("group"), RequiredNumber("points"),
        Optional("order", "REF"), Optional("reward", "TEXT")},
       kMutating,
       PointsRedeem},
      {"points",
       "transfer",
       "move redeemable points between members",
       {org, Required("from"), Required("to"), RequiredNumber("points"), optional_program,
        Switch("group")},
       kMutating,
       PointsTransfer},
      {"points",
       "reserve",
       "hold points for a later capture",
       {org, member, optional_program, Switch("group"), RequiredNumber("points"),
        Optional("order", "REF"), Optional("reward", "TEXT"), OptionalNumber("timeout_s")},
       kMutating,
       PointsReserve},
      {"points",
       "capture",
       "redeem a reservation (all, or --points of it)",
       {org, member, RequiredNumber("reservation"), OptionalNumber("points")},
       kMutating,
       PointsCapture},
      {"points",
       "void",
       "release a reservation",
       {org, member, RequiredNumber("reservation")},
       kMutating,
       PointsVoid},
      {"points",
       "cancel",
       "give back the points of a redemption",
       {org, member, RequiredNumber("redemption")},
       kMutating,
       PointsCancel},
      {"partner",
       "create",
       "create a partner and its conversion and voucher terms",
       {org, Required("partner", "CODE"), Required("name", "TEXT"), program,
        Required("point_type", "CODE"), RequiredNumber("local_points"),
        RequiredNumber("partner_points"), RequiredNumber("return_window_days", FlagKind::kInt32),
        Required("identity_field", "last-name|email"), RequiredNumber("voucher_points"),
        RequiredNumber("voucher_value"), Required("currency", "ISO4217"),
        RequiredNumber("voucher_validity_days", FlagKind::kInt32),
        Required("gateway", "HOST:PORT")},
       kMutating,
       PartnerCreate},
      {"partner",
       "show",
       "show a partner and its terms",
       {org, Required("partner", "CODE")},
       kReadOnly,
       PartnerShow},
      {"partner",
       "list",
       "list the org's partners",
       {org, OptionalNumber("page_size", FlagKind::kInt32), Optional("page_token", "TOKEN")},
       kReadOnly,
       PartnerList},
      {"partner",
       "status",
       "suspend a partner or make it active again",
       {org, Required("partner", "CODE"), Required("status", "active|suspended")},
       kMutating,
       PartnerStatusSet},
      {"partner",
       "link",
       "link a member's partner account (the partner verifies it)",
       {org, member, Required("partner", "CODE"), Required("account", "NUMBER"),
        Required("identity", "TEXT")},
       kMutating,
       PartnerLink},
      {"partner",
       "unlink",
       "end a member's link to a partner",
       {org, member, Required("partner", "CODE")},
       kMutating,
       PartnerUnlink},
      {"partner",
       "notify",
       "a partner-side redemption: load a voucher (as the partner would)",
       {org, Required("partner", "CODE"), Required("request", "ID"), Required("account", "NUMBER"),
        RequiredNumber("partner_points"), Required("kind", "reward|credit")},
       kReadOnly,
       PartnerNotify},
      {"voucher",
       "redeem",
       "spend a voucher on an order (a reward discounts, a credit pays)",
       {org, member, RequiredNumber("voucher"), Required("order", "REF"), RequiredNumber("amount"),
        Required("currency", "ISO4217")},
       kMutating,
       VoucherRedeem},
      {"balances",
       "",
       "a member's balances per program (query service)",
       {org, member, min_position},
       kReadOnly,
       QueryBalances},
      {"tier",
       "",
       "tier progress in a program (query service)",
       {org, member, optional_program, min_position},
       kReadOnly,
       QueryTier},
      {"redemptions",
       "",
       "a member's redemptions, newest first (query service)",
       {org, member, min_position, OptionalNumber("page_size", FlagKind::kInt32),
        Optional("page_token", "TOKEN")},
       kReadOnly,
       QueryRedemptions},
      {"history",
       "",
       "a member's ledger entries, newest first (query service)",
       {org, member, optional_program, Optional("kind", "KIND,KIND"), min_position,
        OptionalNumber("page_size", FlagKind::kInt32), Optional("page_token", "TOKEN")},
       kReadOnly,
       QueryHistory},
      {"partners",
       "",
       "a member's partners: link, unconverted, converting, converted points",
       {org, member, min_position},
       kReadOnly,
       QueryPartners},
      {"conversions",
       "",
       "a member's conversions to partners, newest first",
       {org, member, Optional("partner", "CODE"), min_position,
        OptionalNumber("page_size", FlagKind::kInt32), Optional("page_token", "TOKEN")},
       kReadOnly,
       QueryConversions},
      {"vouchers",
       "",
       "a member's vouchers, newest first",
       {org, member, Switch("active_only"), min_position,
        OptionalNumber("page_size", FlagKind::kInt32), Optional("page_token", "TOKEN")},
       kReadOnly,
       QueryVouchers},
  };
}

std::string FlagUsage(const FlagSpec& flag) {
  std::string text = "--" + flag.name;
  if (flag.kind == FlagKind::kBool) {
    if (flag.required) text += "=true|false";
  } else {
    text += "=" + flag.value_name;
  }
  if (!flag.required) text = "[" + text + "]";
  return flag.repeated ? text + "..." : text;
}

// "  points redeem --org=ID ..." wrapped at kUsageColumns, then the summary.
void PrintSynopsis(const CommandSpec& command, absl::string_view lead, std::ostream& out) {
  constexpr size_t kUsageColumns = 100;
  std::vector<std::string> words;
  for (const FlagSpec& flag : command.flags) words.push_back(FlagUsage(flag));
  if (command.mutating) words.push_back("[--key=KEY]");
  std::string line = absl::StrCat(lead, CommandName(command));
  const std::string indent(lead.size() + 4, ' ');
  for (const std::string& word : words) {
    if (line.size() + 1 + word.size() > kUsageColumns) {
      out << line << "\n";
      line = indent;
    } else {
      line += " ";
    }
    line += word;
  }
  out << line << "\n" << std::string(lead.size() + 2, ' ') << command.summary << "\n";
}

}  // namespace

const std::vector<CommandSpec>& Commands() {
  static const auto* const kCommands = new std::vector<CommandSpec>(BuildCommands());
  return *kCommands;
}

void PrintCommandUsage(const CommandSpec& command, std::ostream& out) {
  PrintSynopsis(command, "usage: loyaltyctl ", out);
}

void PrintUsage(const std::vector<CommandSpec>& commands, std::ostream& out) {
  out << "usage: loyaltyctl [--target=HOST:PORT] [--query_target=HOST:PORT] [--json]\n"
         "                  [--timeout_ms=N] [--tls_ca=FILE --tls_cert=FILE --tls_key=FILE]\n"
         "                  [--tls_server_name=NAME] [--insecure_plaintext] <command> [--flags]\n"
         "\n"
         "  --target        command and admin service (default 127.0.0.1:50051)\n"
         "  --query_target  query service (default 127.0.0.1:50052)\n"
         "  --json          print the response, or the failure of a call, as JSON\n"
         "  --timeout_ms    deadline of each call (default 10000)\n"
         "  --version       print the version and the commit, and exit\n"
         "\n"
         "TLS is the default (the services ask for a client certificate):\n"
         "  --tls_ca           PEM file of the CAs the services' certificates must chain to\n"
         "                     (required)\n"
         "  --tls_cert         PEM file of the caller's certificate chain: its identity\n"
         "  --tls_key          PEM file of its private key (with --tls_cert)\n"
         "  --tls_server_name  the name the services' certificates must show, when it is not\n"
         "                     the host of --target / --query_target\n"
         "  --insecure_plaintext  no TLS, for services run with --insecure_plaintext (local\n"
         "                     development only)\n"
         "\n"
         "Mutating commands take --key=KEY (idempotency key); without it a random key is used\n"
         "and printed to stderr: re-run with it to retry safely. Amounts are in minor units.\n"
         "Exit codes: 0 ok, 1 refused by the platform, 2 usage error, 3 transport error.\n"
         "\n"
         "commands:\n";
  for (const CommandSpec& command : commands) PrintSynopsis(command, "  ", out);
}

}  // namespace loyalty::ctl
