#pragma once

#include "libs/ledger/accrual.h"
#include "loyalty/v1/command.pb.h"

namespace loyalty::wire {

// The accrual a request asks for, as the domain sees it.
ledger::AccrualCommand AccrualCommandOf(const v1::AccrueRequest& request);

}  // namespace loyalty::wire
