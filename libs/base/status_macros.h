#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Early return on error, in the style of Abseil-using codebases.
//   LOYALTY_RETURN_IF_ERROR(DoThing());
//   LOYALTY_ASSIGN_OR_RETURN(auto value, ComputeValue());

#define LOYALTY_CONCAT_INNER(a, b) a##b
#define LOYALTY_CONCAT(a, b) LOYALTY_CONCAT_INNER(a, b)

#define LOYALTY_RETURN_IF_ERROR(expr)                                   \
  do {                                                                  \
    if (absl::Status loyalty_status_ = (expr); !loyalty_status_.ok()) { \
      return loyalty_status_;                                           \
    }                                                                   \
  } while (false)

#define LOYALTY_ASSIGN_OR_RETURN_IMPL(statusor, lhs, expr) \
  auto statusor = (expr);                                  \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#define LOYALTY_ASSIGN_OR_RETURN(lhs, expr) \
  LOYALTY_ASSIGN_OR_RETURN_IMPL(LOYALTY_CONCAT(loyalty_statusor_, __LINE__), lhs, expr)
