#include "tools/bench/requests.h"

#include "absl/strings/str_cat.h"

namespace loyalty::bench {

std::string MemberId(int64_t index) { return absl::StrCat("bm-", index); }

void BuildAccrue(const std::string& org_id, int64_t member, const std::string& key,
                 v1::AccrueRequest* request) {
  request->set_org_id(org_id);
  request->set_idempotency_key(key);
  request->set_member_id(MemberId(member));
  request->set_program_id(kShopProgram);
  request->mutable_purchase()->set_order_ref(key);
  request->mutable_purchase()->mutable_amount()->set_minor_units(kAccrueAmountMinor);
  request->mutable_purchase()->mutable_amount()->set_currency("USD");
}

void BuildRedeem(const std::string& org_id, int64_t member, const std::string& key,
                 v1::RedeemRequest* request) {
  request->set_org_id(org_id);
  request->set_idempotency_key(key);
  request->set_member_id(MemberId(member));
  request->set_program_id(kShopProgram);
  request->set_points(kBurnPoints);
  request->set_reward("bench");
}

void BuildGroupRedeem(const std::string& org_id, int64_t member, const std::string& key,
                      v1::GroupRedeemRequest* request) {
  request->set_org_id(org_id);
  request->set_idempotency_key(key);
  request->set_member_id(MemberId(member));
  request->set_points(kBurnPoints);
  request->set_reward("bench");
}

void BuildTransfer(const std::string& org_id, int64_t from_member, int64_t to_member,
                   const std::string& key, v1::TransferRequest* request) {
  request->set_org_id(org_id);
  request->set_idempotency_key(key);
  request->set_from_member_id(MemberId(from_member));
  request->set_to_member_id(MemberId(to_member));
  request->set_program_id(kShopProgram);
  request->set_points(kBurnPoints);
}

void BuildGetBalances(const std::string& org_id, int64_t member, v1::GetBalancesRequest* request) {
  request->set_org_id(org_id);
  request->set_member_id(MemberId(member));
}

void BuildListRedemptions(const std::string& org_id, int64_t member,
                          v1::ListRedemptionsRequest* request) {
  request->set_org_id(org_id);
  request->set_member_id(MemberId(member));
  request->set_page_size(10);
}

void BuildTierProgress(const std::string& org_id, int64_t member,
                       v1::GetTierProgressRequest* request) {
  request->set_org_id(org_id);
  request->set_member_id(MemberId(member));
  request->set_program_id(kShopProgram);
}

}  // namespace loyalty::bench
