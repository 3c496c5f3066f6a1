#include "tools/loyaltyctl/arguments.h"

#include <limits>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/base/status_macros.h"

namespace loyalty::ctl {
namespace {

absl::Status Usage(absl::string_view message) { return absl::InvalidArgumentError(message); }

// `--name=value` or `--name`.
struct Option {
  std::string name;
  std::optional<std::string> value;
};

Option SplitOption(absl::string_view argument) {
  argument.remove_prefix(2);
  const size_t equals = argument.find('=');
  if (equals == absl::string_view::npos) return {std::string(argument), std::nullopt};
  return {std::string(argument.substr(0, equals)), std::string(argument.substr(equals + 1))};
}

absl::StatusOr<bool> ParseBool(absl::string_view name, const std::optional<std::string>& value) {
  if (!value.has_value() || *value == "true") return true;
  if (*value == "false") return false;
  return Usage(absl::StrCat("--", name, " takes true or false, got '", *value, "'"));
}

absl::Status CheckInteger(const FlagSpec& flag, const std::string& value) {
  int64_t number = 0;
  if (!absl::SimpleAtoi(value, &number)) {
    return Usage(absl::StrCat("--", flag.name, " must be an integer, got '", value, "'"));
  }
  if (flag.kind == FlagKind::kInt32 && (number < std::numeric_limits<int32_t>::min() ||
                                        number > std::numeric_limits<int32_t>::max())) {
    return Usage(absl::StrCat("--", flag.name, " is out of range: ", value));
  }
  return absl::OkStatus();
}

const FlagSpec* FindFlag(const CommandSpec& command, absl::string_view name) {
  static const FlagSpec kKeyFlag{"key", FlagKind::kString, false, "KEY"};
  for (const FlagSpec& flag : command.flags) {
    if (flag.name == name) return &flag;
  }
  return command.mutating && name == "key" ? &kKeyFlag : nullptr;
}

bool NounExists(const std::vector<CommandSpec>& commands, absl::string_view noun) {
  for (const CommandSpec& command : commands) {
    if (command.noun == noun) return true;
  }
  return false;
}

std::vector<std::string> VerbsOf(const std::vector<CommandSpec>& commands, absl::string_view noun) {
  std::vector<std::string> verbs;
  for (const CommandSpec& command : commands) {
    if (command.noun == noun) verbs.push_back(command.verb);
  }
  return verbs;
}

const CommandSpec* Find(const std::vector<CommandSpec>& commands, absl::string_view noun,
                        absl::string_view verb) {
  for (const CommandSpec& command : commands) {
    if (command.noun == noun && command.verb == verb) return &command;
  }
  return nullptr;
}

// Walks the arguments once, keeping what it has seen.
class Parser final {
 public:
  Parser(const std::vector<std::string>& arguments, const std::vector<CommandSpec>& commands)
      : arguments_(arguments), commands_(commands) {}

  const CommandSpec* command() const { return command_; }

  absl::StatusOr<Invocation> Parse() {
    if (arguments_.size() > static_cast<size_t>(kMaxArguments)) {
      return Usage(absl::StrCat("too many arguments (at most ", kMaxArguments, ")"));
    }
    for (const std::string& argument : arguments_) {
      if (argument.size() > kMaxArgumentLength) {
        return Usage(absl::StrCat("an argument is longer than ", kMaxArgumentLength, " bytes"));
      }
    }
    while (next_ < arguments_.size()) {
      const std::string& argument = arguments_[next_++];
      if (absl::StartsWith(argument, "--") && argument.size() > 2) {
        LOYALTY_RETURN_IF_ERROR(TakeOption(SplitOption(argument)));
      } else {
        LOYALTY_RETURN_IF_ERROR(TakeWord(argument));
      }
    }
    command_ = invocation_.command;
    return Finish();
  }

 private:
  absl::StatusOr<std::string> ValueOf(const std::string& name,
                                      const std::optional<std::string>& value) {
    if (value.has_value()) return *value;
    if (next_ >= arguments_.size()) return Usage(absl::StrCat("--", name, " needs a value"));
    return arguments_[next_++];
  }

  absl::Status TakeOption(const Option& option) {
    GlobalOptions& options = invocation_.options;
    if (option.name == "json") {
      LOYALTY_ASSIGN_OR_RETURN(options.json, ParseBool(option.name, option.value));
      return absl::OkStatus();
    }
    if (option.name == "insecure_plaintext") {
      LOYALTY_ASSIGN_OR_RETURN(options.tls.insecure_plaintext,
                               ParseBool(option.name, option.value));
      return absl::OkStatus();
    }
    if (std::string* field = rpc::ClientTlsField(options.tls, option.name)) {
      LOYALTY_ASSIGN_OR_RETURN(*field, ValueOf(option.name, option.value));
      return absl::OkStatus();
    }
    if (option.name == "help") {
      options.help = true;
      return absl::OkStatus();
    }
    if (option.name == "version") {
      options.version = true;
      return absl::OkStatus();
    }
    if (option.name == "target") {
      LOYALTY_ASSIGN_OR_RETURN(options.target, ValueOf(option.name, option.value));
      return absl::OkStatus();
    }
    if (option.name == "query_target") {
      LOYALTY_ASSIGN_OR_RETURN(options.query_target, ValueOf(option.name, option.value));
      return absl::OkStatus();
    }
    if (option.name == "timeout_ms") {
      LOYALTY_ASSIGN_OR_RETURN(const std::string text, ValueOf(option.name, option.value));
      if (!absl::SimpleAtoi(text, &options.timeout_ms) || options.timeout_ms < kMinTimeoutMs ||
          options.timeout_ms > kMaxTimeoutMs) {
        return Usage(absl::StrCat("--timeout_ms must be ", kMinTimeoutMs, "..", kMaxTimeoutMs,
                                  ", got '", text, "'"));
      }
      return absl::OkStatus();
    }
    return TakeCommandFlag(option);
  }

  absl::Status TakeCommandFlag(const Option& option) {
    const CommandSpec* command = command_ = invocation_.command;
    if (command == nullptr) {
      return Usage(
          absl::StrCat("unknown option --", option.name, " (command flags go after the command)"));
    }
    const FlagSpec* flag = FindFlag(*command, option.name);
    if (flag == nullptr) {
      return Usage(
          absl::StrCat("unknown flag --", option.name, " for `", CommandName(*command), "`"));
    }
    if (invocation_.flags.Has(flag->name) && !flag->repeated) {
      return Usage(absl::StrCat("--", flag->name, " given twice"));
    }
    if (flag->kind == FlagKind::kBool) {
      LOYALTY_ASSIGN_OR_RETURN(const bool value, ParseBool(flag->name, option.value));
      invocation_.flags.Set(flag->name, value ? "true" : "false");
      return absl::OkStatus();
    }
    LOYALTY_ASSIGN_OR_RETURN(std::string value, ValueOf(flag->name, option.value));
    if (flag->kind != FlagKind::kString) LOYALTY_RETURN_IF_ERROR(CheckInteger(*flag, value));
    invocation_.flags.Add(flag->name, std::move(value));
    return absl::OkStatus();
  }

  absl::Status TakeWord(const std::string& word) {
    // A noun that is a command of its own (`tier`) may still take a verb (`tier add`).
    if (invocation_.command != nullptr && invocation_.command->verb.empty()) {
      if (const CommandSpec* with_verb = Find(commands_, noun_, word)) {
        invocation_.command = with_verb;
        return absl::OkStatus();
      }
    }
    if (invocation_.command != nullptr) {
      return Usage(absl::StrCat("unexpected argument '", word, "' after `",
                                CommandName(*invocation_.command), "`"));
    }
    if (word == "help") {
      invocation_.options.help = true;
      return absl::OkStatus();
    }
    if (noun_.empty()) {
      if (!NounExists(commands_, word)) return Usage(absl::StrCat("unknown command '", word, "'"));
      noun_ = word;
      invocation_.command = Find(commands_, noun_, "");
      return absl::OkStatus();
    }
    invocation_.command = Find(commands_, noun_, word);
    if (invocation_.command == nullptr) {
      return Usage(absl::StrCat("unknown verb '", word, "' for ", noun_,
                                " (one of: ", absl::StrJoin(VerbsOf(commands_, noun_), ", "), ")"));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<Invocation> Finish() {
    const CommandSpec* command = invocation_.command;
    if (invocation_.options.help || invocation_.options.version) return std::move(invocation_);
    if (noun_.empty()) return Usage("missing command");
    if (command == nullptr) {
      return Usage(absl::StrCat("missing verb for ", noun_,
                                " (one of: ", absl::StrJoin(VerbsOf(commands_, noun_), ", "), ")"));
    }
    for (const FlagSpec& flag : command->flags) {
      if (flag.required && !invocation_.flags.Has(flag.name)) {
        return Usage(absl::StrCat("`", CommandName(*command), "` needs --", flag.name));
      }
    }
    return std::move(invocation_);
  }

  const std::vector<std::string>& arguments_;
  const std::vector<CommandSpec>& commands_;
  size_t next_ = 0;
  std::string noun_;
  const CommandSpec* command_ = nullptr;
  Invocation invocation_;
};

}  // namespace

bool Flags::Has(absl::string_view name) const { return values_.find(name) != values_.end(); }

std::string Flags::String(absl::string_view name) const {
  auto found = values_.find(name);
  return found == values_.end() || found->second.empty() ? "" : found->second.back();
}

int64_t Flags::Int64(absl::string_view name) const {
  int64_t value = 0;
  if (Has(name) && !absl::SimpleAtoi(String(name), &value)) value = 0;
  return value;
}

int32_t Flags::Int32(absl::string_view name) const {
  int32_t value = 0;
  if (Has(name) && !absl::SimpleAtoi(String(name), &value)) value = 0;
  return value;
}

bool Flags::Bool(absl::string_view name) const { return String(name) == "true"; }

std::vector<std::string> Flags::Strings(absl::string_view name) const {
  auto found = values_.find(name);
  return found == values_.end() ? std::vector<std::string>() : found->second;
}

std::string CommandName(const CommandSpec& command) {
  return command.verb.empty() ? command.noun : absl::StrCat(command.noun, " ", command.verb);
}

absl::StatusOr<Invocation> ParseCommandLine(const std::vector<std::string>& arguments,
                                            const std::vector<CommandSpec>& commands,
                                            const CommandSpec** seen) {
  Parser parser(arguments, commands);
  absl::StatusOr<Invocation> invocation = parser.Parse();
  if (seen != nullptr) *seen = parser.command();
  return invocation;
}

}  // namespace loyalty::ctl
