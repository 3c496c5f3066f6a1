#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "libs/ledger/types.h"

namespace loyalty::ledger {

// The changes of partner programs (docs/partners.md) that a ChangeSet carries beside the points'
// own: links, conversions and vouchers. The store writes each and publishes its state after it.

enum class LinkState { kActive, kUnlinked, kRefused };
enum class ConversionStatus { kPending, kSent, kConfirmed, kReturned };
enum class VoucherKind { kReward, kCredit };
enum class VoucherStatus { kActive, kUsed, kExpired };

// As stored: "active", "unlinked", "refused"; "pending", ...; "reward", "credit"; "active", ...
const char* LinkStateName(LinkState state);
const char* ConversionStatusName(ConversionStatus status);
const char* VoucherKindName(VoucherKind kind);
const char* VoucherStatusName(VoucherStatus status);

// A new active link of the member to a partner account (its id is the operation's).
struct LinkMade {
  std::string member_id;
  std::string partner_code;
  std::string external_number;
};

// The member's active link to the partner ended: unlinked by the member, or refused by the
// partner.
struct LinkEnded {
  std::string member_id;
  std::string partner_code;
  LinkState state = LinkState::kUnlinked;
};

// A conversion (its id is the operation's), pending: the local points taken from `lots` for
// `partner_points` of the partner.
struct ConversionRecorded {
  std::string member_id;
  std::string partner_code;
  int64_t link_id = 0;
  std::string external_number;
  Points local_points = 0;
  Points partner_points = 0;
  std::vector<LotTake> lots;
};

// A conversion moved on: sent (`attempt`: one more call is being made; the next call not before
// `next_attempt_at`; `error`: the last call's failure), confirmed (with the partner's reference)
// or returned (`error` says why).
struct ConversionMoved {
  std::string member_id;
  int64_t conversion_id = 0;
  ConversionStatus status = ConversionStatus::kSent;
  std::string partner_reference;
  std::string error;
  absl::Time next_attempt_at;
  bool attempt = false;
};

// A voucher (its id is the operation's) loaded for a partner-side redemption.
struct VoucherIssued {
  std::string member_id;
  std::string partner_code;
  std::string partner_request_id;
  std::string external_number;
  VoucherKind kind = VoucherKind::kReward;
  Points partner_points = 0;
  int64_t value_minor = 0;
  std::string currency;
  absl::Time expires_at;
};

// A voucher spent on an order (`applied` of `amount`), or expired (no order, nothing applied):
// what remains and its status after it.
struct VoucherChanged {
  std::string member_id;
  int64_t voucher_id = 0;
  std::string order_ref;
  int64_t amount_minor = 0;
  int64_t applied_minor = 0;
  int64_t remaining_minor = 0;
  VoucherStatus status = VoucherStatus::kActive;
};

}  // namespace loyalty::ledger
