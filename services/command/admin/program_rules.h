#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/ledger/dates.h"
#include "libs/ledger/program.h"
#include "libs/store/catalog.h"
#include "loyalty/v1/admin.pb.h"

namespace loyalty::command {

// Validation of program rules and catalogue entries from the admin API (INVALID_ARGUMENT naming
// the field), and the conversion of a program to its API message.

// Program statuses as stored in programs.status.
inline constexpr char kDraft[] = "draft";
inline constexpr char kActive[] = "active";
inline constexpr char kClosed[] = "closed";

// Checks the rules and copies them into `program`.
absl::Status ValidateRules(const v1::ProgramRules& rules, ledger::ProgramConfig* program);
absl::StatusOr<ledger::PointTypeConfig> ValidatePointType(const v1::PointType& type);
absl::Status ValidateTier(const v1::Tier& tier);
absl::Status ValidateAction(const v1::Action& action);

void ToProto(const ledger::ProgramConfig& program, v1::Program* out);

// ---- Optimistic concurrency of UpdateProgramRules (docs/errors.md, RULES_CHANGED) ----------

// UpdateProgramRules' `etag` was given and the program's rules are no longer the ones it names.
inline constexpr char kRulesChanged[] = "RULES_CHANGED";

// Program.rules_etag: 16 lower-case hexadecimal digits of a digest (FNV-1a, 64 bits) of the twelve
// rule values, so equal rules have equal tags, in every process and release.
std::string RulesEtag(const ledger::ProgramConfig& program);

// An UpdateProgramRulesRequest.etag: empty, or of RulesEtag's form (else INVALID_ARGUMENT etag).
absl::Status ValidateEtag(const std::string& etag);

// OK when `etag` is empty or the tag of `current`'s rules; else ABORTED RULES_CHANGED.
absl::Status CheckRulesEtag(const std::string& etag, const ledger::ProgramConfig& current);

}  // namespace loyalty::command
