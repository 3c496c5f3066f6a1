#pragma once

#include <cstdint>
#include <string>

#include "loyalty/v1/command.pb.h"
#include "loyalty/v1/query.pb.h"
#include "tools/demo_org/demo_org.h"

namespace loyalty::bench {

// The data set's fixed names: the demo org's programs, members "bm-<index>".
using demo::kShopProgram;
using demo::kTravelProgram;
std::string MemberId(int64_t index);

// One benchmark request of each kind. Commands take an idempotency key that is also the order
// reference where one is needed. Amounts are small so that the data set's history (prepare)
// and the accruals in the mix keep redemptions funded.
inline constexpr int64_t kAccrueAmountMinor = 10'000;  // 100 points in shop
inline constexpr int64_t kBurnPoints = 10;

void BuildAccrue(const std::string& org_id, int64_t member, const std::string& key,
                 v1::AccrueRequest* request);
void BuildRedeem(const std::string& org_id, int64_t member, const std::string& key,
                 v1::RedeemRequest* request);
void BuildGroupRedeem(const std::string& org_id, int64_t member, const std::string& key,
                      v1::GroupRedeemRequest* request);
void BuildTransfer(const std::string& org_id, int64_t from_member, int64_t to_member,
                   const std::string& key, v1::TransferRequest* request);
void BuildGetBalances(const std::string& org_id, int64_t member, v1::GetBalancesRequest* request);
void BuildListRedemptions(const std::string& org_id, int64_t member,
                          v1::ListRedemptionsRequest* request);
void BuildTierProgress(const std::string& org_id, int64_t member,
                       v1::GetTierProgressRequest* request);

}  // namespace loyalty::bench
