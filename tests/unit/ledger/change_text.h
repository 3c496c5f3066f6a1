#pragma once

#include <string>
#include <vector>

#include "libs/ledger/change_set.h"

namespace loyalty::ledger {

// Each change of `changes` as one line of text, in order, so that tests state whole change sets
// as tables and a mismatch shows which change differs. Times are RFC 3339 in UTC.
std::vector<std::string> ChangeTexts(const ChangeSet& changes);

}  // namespace loyalty::ledger
