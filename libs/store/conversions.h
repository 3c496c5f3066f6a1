#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/ledger/member.h"
#include "libs/ledger/partner.h"
#include "libs/pg/result.h"
#include "libs/pg/transaction.h"
#include "libs/store/member_repository.h"
#include "loyalty/v1/partner.pb.h"

namespace loyalty::store {

// Conversions of matured local points to partners (docs/partners.md, "Conversion"): what the
// worker finds to convert and to send, and the conversions' rows.

// Members with an active link to an active partner whose matured free points of the partner's
// type (ledger::MaturedBefore, awarded since the link) reach the partner's local_points, at most
// `limit`.
absl::StatusOr<std::vector<MemberKey>> MembersWithMaturedPoints(pg::Transaction& tx, absl::Time now,
                                                                int32_t limit);

// The member's lots matured at `now` for a link made at `linked_at` under `terms`, with free
// points and not past their expiry, oldest award first (call under the member's lock).
absl::StatusOr<std::vector<ledger::Lot>> LoadMaturedLots(pg::Transaction& tx,
                                                         const std::string& org_id,
                                                         const std::string& member_id,
                                                         const ledger::PartnerTerms& terms,
                                                         absl::Time linked_at, absl::Time now);

// A conversion to call the partner for.
struct DueConversion {
  std::string org_id;
  std::string member_id;
  int64_t conversion_id = 0;
};

// Pending and sent conversions whose next attempt is due at `now`, oldest due first, at most
// `limit`.
absl::StatusOr<std::vector<DueConversion>> DueConversions(pg::Transaction& tx, absl::Time now,
                                                          int32_t limit);

// A conversion as the worker sends it.
struct ConversionToSend {
  std::string partner_code;
  std::string external_number;
  int64_t partner_points = 0;
  int32_t attempts = 0;
  ledger::ConversionStatus status = ledger::ConversionStatus::kPending;
  absl::Time next_attempt_at;
  int64_t link_id = 0;
};

// The conversion (call under the member's lock); nullopt when unknown.
absl::StatusOr<std::optional<ConversionToSend>> LoadConversion(pg::Transaction& tx,
                                                               const std::string& org_id,
                                                               const std::string& member_id,
                                                               int64_t conversion_id);

// The conversion with the lots it took, to give them back (under the member's lock).
absl::StatusOr<ledger::ConversionRecord> LoadConversionLots(pg::Transaction& tx,
                                                            const std::string& org_id,
                                                            const std::string& member_id,
                                                            int64_t conversion_id);

// The columns ConversionFromRow reads, in its order, of conversions (or its view).
#define LOYALTY_CONVERSION_COLUMNS                                                         \
  "conversion_id, member_id, partner_code, external_number, local_points, partner_points," \
  " status, attempts, partner_reference, last_error, created_at, updated_at"
void ConversionFromRow(const pg::Result& rows, int row, v1::Conversion* out);

}  // namespace loyalty::store
