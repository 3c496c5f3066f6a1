#pragma once

#include <ostream>
#include <vector>

#include "tools/loyaltyctl/command_spec.h"

namespace loyalty::ctl {

// Every command loyaltyctl knows, in the order the usage text lists them.
const std::vector<CommandSpec>& Commands();

// The whole usage text.
void PrintUsage(const std::vector<CommandSpec>& commands, std::ostream& out);

// "usage: loyaltyctl points redeem --org=ID --member=ID --points=N [--group] ...".
void PrintCommandUsage(const CommandSpec& command, std::ostream& out);

}  // namespace loyalty::ctl
