#include "libs/ledger/member.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/ledger/limits.h"
#include "libs/ledger/tiers.h"

namespace loyalty::ledger {

const Enrolment* MemberState::FindEnrolment(const std::string& program_id) const {
  for (const Enrolment& enrolment : enrolments) {
    if (enrolment.program_id == program_id) return &enrolment;
  }
  return nullptr;
}

absl::Status RequireActiveMember(const MemberState& member) {
  if (member.status == "active") return absl::OkStatus();
  return Refused(kMemberNotActive,
                 absl::StrCat("member '", member.member_id, "' is ", member.status));
}

absl::StatusOr<const Enrolment*> RequireEnrolment(const MemberState& member,
                                                  const std::string& program_id) {
  const Enrolment* enrolment = member.FindEnrolment(program_id);
  if (enrolment == nullptr) {
    return Refused(kNotEnrolled, absl::StrCat("member '", member.member_id,
                                              "' is not enrolled in program '", program_id, "'"));
  }
  return enrolment;
}

std::vector<ProgramDebt> DebtsOf(const MemberState& member) {
  std::vector<ProgramDebt> debts;
  for (const Enrolment& enrolment : member.enrolments) {
    debts.push_back({enrolment.program_id, enrolment.debt});
  }
  return debts;
}

ProgramBalance ProgramBalanceOf(const MemberState& member, const std::string& program_id,
                                absl::Time now) {
  std::vector<ProgramBalance> programs =
      ComputeBalances(member.lots, member.totals, DebtsOf(member), now);
  for (ProgramBalance& program : programs) {
    if (program.program_id == program_id) return std::move(program);
  }
  ProgramBalance empty;
  empty.program_id = program_id;
  return empty;
}

absl::Status CheckLimits(const MemberState& member) {
  return CheckBalanceLimits(member.lots, member.totals, DebtsOf(member));
}

Points QualifyingPoints(const ProgramConfig& program, const std::vector<PointTotals>& totals) {
  Points qualifying = 0;
  for (const PointTotals& total : totals) {
    const PointTypeConfig* type = program.FindPointType(total.point_type);
    if (total.program_id == program.program_id && type != nullptr && type->counts_toward_tier) {
      qualifying = SaturatingAdd(qualifying, total.qualifying);
    }
  }
  return qualifying;
}

std::optional<std::string> TierMove(const ProgramConfig& program, const MemberState& member,
                                    const Enrolment& enrolment, Points delta) {
  const Points qualifying = SaturatingAdd(QualifyingPoints(program, member.totals), delta);
  const bool reached_this_period =
      enrolment.tier_reached_at.has_value() && *enrolment.tier_reached_at >= enrolment.period_start;
  return TierAfterChange(program.tiers, enrolment.tier, qualifying, reached_this_period);
}

TierProgress TierProgressOf(const ProgramConfig& program, const MemberState& member,
                            const Enrolment& enrolment) {
  TierProgress progress;
  progress.tier = enrolment.tier;
  progress.qualifying = QualifyingPoints(program, member.totals);
  const Tier* current = program.FindTier(enrolment.tier);
  progress.next = NextTier(program.tiers, current != nullptr ? current->threshold : -1);
  if (progress.next.has_value()) {
    progress.points_to_next = std::max<Points>(0, progress.next->threshold - progress.qualifying);
  }
  return progress;
}

void MergeLotSummaries(absl::Time at, std::vector<Lot>* lots) {
  using Key = std::tuple<std::string, std::string, bool, std::optional<absl::Time>,
                         std::optional<absl::Time>>;
  const auto key_of = [at](const Lot& lot) {
    return Key(lot.program_id, lot.point_type, lot.redeemable, lot.expires_at,
               lot.available_at > at ? std::optional<absl::Time>(lot.available_at) : std::nullopt);
  };
  std::vector<Lot> merged;
  std::map<Key, size_t> summary_of;  // key -> index in `merged`
  std::sort(lots->begin(), lots->end(),
            [](const Lot& a, const Lot& b) { return a.lot_id < b.lot_id; });
  for (Lot& lot : *lots) {
    if (lot.remaining <= 0) continue;
    auto [found, inserted] = summary_of.emplace(key_of(lot), merged.size());
    if (inserted) {
      merged.push_back(std::move(lot));
      continue;
    }
    Lot& summary = merged[found->second];
    summary.subtype = std::min(summary.subtype, lot.subtype);
    summary.amount = SaturatingAdd(summary.amount, lot.amount);
    summary.remaining = SaturatingAdd(summary.remaining, lot.remaining);
    summary.held = SaturatingAdd(summary.held, lot.held);
    summary.awarded_at = std::min(summary.awarded_at, lot.awarded_at);
    summary.available_at = std::max(summary.available_at, lot.available_at);
  }
  *lots = std::move(merged);
}

}  // namespace loyalty::ledger
