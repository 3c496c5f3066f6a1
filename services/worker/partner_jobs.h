#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/partner/gateway.h"
#include "libs/store/context.h"

namespace loyalty::worker {

// The worker's jobs of partner programs (docs/partners.md). Like the others (jobs.h), each
// handles at most `batch` members or conversions per call, under the member's lock, through the
// same ledger and outbox as commands, and running it twice or on several workers changes nothing
// more.

// How conversions are retried.
struct ConversionRetry {
  int32_t max_attempts = 8;                 // calls before the points are given back
  absl::Duration first = absl::Minutes(1);  // before the second call; doubling, at most `cap`
  absl::Duration cap = absl::Hours(1);
};

// For each active link of a member to an active partner whose breaker is not open: the matured
// points (ledger::DecideConversion) become a pending conversion, debited from the lots.
absl::StatusOr<int64_t> ConvertPoints(const store::Context& context, partner::Gateways& gateways,
                                      int32_t batch);

// Due conversions are sent: marked sent (one more attempt) in one SQL transaction, then the
// partner is called with the conversion's id (outside any transaction), then the answer is
// recorded in another: confirmed; on a definite refusal, the points given back and the link
// marked refused; after `retry.max_attempts` calls without an answer, the points given back. A
// crash between the steps leaves the conversion sent, and it is sent again, with the same id,
// when its next attempt is due.
absl::StatusOr<int64_t> SendConversions(const store::Context& context, partner::Gateways& gateways,
                                        int32_t batch, const ConversionRetry& retry);

// Active vouchers past their time expire.
absl::StatusOr<int64_t> ExpireVouchers(const store::Context& context, int32_t batch);

}  // namespace loyalty::worker
