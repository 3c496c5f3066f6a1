// The member cache: what it holds after commands is the member's state in the database, with its
// state version; any change of the member elsewhere (a command that does not cache, an admin
// change, another process) makes the next command read the member again.
#include "absl/strings/str_cat.h"
#include "libs/ledger/member.h"
#include "libs/pg/transaction.h"
#include "tests/integration/command_test_base.h"

namespace loyalty::testing {
namespace {

class MemberCacheTest : public CommandTest {
 protected:
  // The member as LoadMember reads it (every lot, unless `read` asks for summaries), in a
  // transaction of its own.
  ledger::MemberState FromDatabase(const std::string& member, const store::MemberRead& read = {}) {
    ledger::MemberState state;
    const absl::Status status = pg::RunInTransaction(
        server_.pool(), pg::Isolation::kReadCommitted, pg::RetryPolicy{},
        [&](pg::Transaction& tx) -> absl::Status {
          absl::StatusOr<ledger::MemberState> loaded = store::LoadMember(tx, "acme", member, read);
          if (!loaded.ok()) return loaded.status();
          state = *std::move(loaded);
          return absl::OkStatus();
        });
    EXPECT_TRUE(status.ok()) << status;
    return state;
  }

  // Every field of every lot (or summary), in order.
  static void ExpectSameLots(const std::vector<ledger::Lot>& cached,
                             const std::vector<ledger::Lot>& stored) {
    ASSERT_EQ(cached.size(), stored.size());
    for (size_t i = 0; i < stored.size(); ++i) {
      SCOPED_TRACE(i);
      EXPECT_EQ(cached[i].lot_id, stored[i].lot_id);
      EXPECT_EQ(cached[i].program_id, stored[i].program_id);
      EXPECT_EQ(cached[i].point_type, stored[i].point_type);
      EXPECT_EQ(cached[i].subtype, stored[i].subtype);
      EXPECT_EQ(cached[i].amount, stored[i].amount);
      EXPECT_EQ(cached[i].remaining, stored[i].remaining);
      EXPECT_EQ(cached[i].held, stored[i].held);
      EXPECT_EQ(cached[i].redeemable, stored[i].redeemable);
      EXPECT_EQ(cached[i].awarded_at, stored[i].awarded_at);
      EXPECT_EQ(cached[i].available_at, stored[i].available_at);
      EXPECT_EQ(cached[i].expires_at, stored[i].expires_at);
    }
  }

  std::shared_ptr<const ledger::MemberState> Cached(const std::string& member) {
    return server_.member_cache().Get("acme", member);
  }

  grpc::Status Reserve(const std::string& member, int64_t points) {
    v1::ReservePointsRequest request;
    request.set_org_id("acme");
    request.set_idempotency_key(NewKey());
    request.set_member_id(member);
    request.set_program_id("shop");
    request.set_points(points);
    v1::ReservePointsResponse response;
    grpc::ClientContext context;
    return commands_->ReservePoints(&context, request, &response);
  }
};

TEST_F(MemberCacheTest, ARedemptionCachesTheMembersStateAsTheDatabaseHoldsIt) {
  Give("alice", 100);
  Give("alice", 40, "shop", "", server_.clock().Now() + absl::Hours(24 * 30));
  v1::RedeemResponse redeemed;
  ASSERT_TRUE(Redeem("alice", 60, &redeemed).ok());
  std::shared_ptr<const ledger::MemberState> cached = Cached("alice");
  ASSERT_NE(cached, nullptr);
  const ledger::MemberState stored = FromDatabase("alice");
  EXPECT_EQ(cached->state_version, stored.state_version);
  EXPECT_FALSE(cached->lots_summarised_at.has_value());
  ExpectSameLots(cached->lots, stored.lots);
  ASSERT_EQ(cached->totals.size(), stored.totals.size());
  EXPECT_EQ(cached->totals[0].lifetime, stored.totals[0].lifetime);
  ASSERT_EQ(cached->enrolments.size(), stored.enrolments.size());
  EXPECT_EQ(cached->enrolments[0].debt, stored.enrolments[0].debt);

  // The next redemption takes the cached state and still answers what the database holds.
  ASSERT_TRUE(Redeem("alice", 30, &redeemed).ok());
  EXPECT_EQ(Available(redeemed.balances()), 50);
  EXPECT_EQ(Cached("alice")->state_version, FromDatabase("alice").state_version);
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

TEST_F(MemberCacheTest, AccrualsKeepACachedSummaryAsTheDatabaseWouldSumItsLots) {
  const absl::Time now = server_.clock().Now();
  const auto accrue_pending = [&](int64_t points, absl::Time available_at) {
    v1::AccrueResponse response;
    ASSERT_TRUE(Accrue(PendingAward("alice", points, available_at), &response).ok());
  };
  for (int i = 0; i < 10; ++i) {
    server_.clock().Advance(absl::Minutes(1));  // each lot available after the last merge
    Give("alice", 10 + i);
    Give("alice", 5, "shop", "", now + absl::Hours(24 * (i % 2 == 0 ? 30 : 60)));
    accrue_pending(3, now + absl::Hours(48));
  }
  accrue_pending(7, now + absl::Hours(96));

  std::shared_ptr<const ledger::MemberState> cached = Cached("alice");
  ASSERT_NE(cached, nullptr);
  ASSERT_TRUE(cached->lots_summarised_at.has_value());
  const ledger::MemberState stored =
      FromDatabase("alice", store::MemberRead{cached->lots_summarised_at, nullptr});
  EXPECT_EQ(cached->state_version, stored.state_version);
  // Base, two expiries, two availabilities: 31 lots, 5 summaries.
  ASSERT_EQ(stored.lots.size(), 5u);
  ExpectSameLots(cached->lots, stored.lots);
  const v1::AccrueResponse last = Give("alice", 1);
  EXPECT_EQ(Available(last.balances()), 145 + 50 + 1);
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

TEST_F(MemberCacheTest, ChangesMadeWithoutTheCacheAreSeenByTheNextCommand) {
  Give("alice", 100);
  Give("alice", 1);
  ASSERT_NE(Cached("alice"), nullptr);
  const int64_t cached_version = Cached("alice")->state_version;

  ASSERT_TRUE(Reserve("alice", 30).ok());  // a command that does not cache
  EXPECT_GT(QueryInt("SELECT state_version FROM members WHERE member_id = 'alice'"),
            cached_version);
  v1::AccrueResponse accrued = Give("alice", 1);
  EXPECT_EQ(ProgramOf(accrued.balances(), "shop")->held(), 30);
  EXPECT_EQ(Available(accrued.balances()), 72);

  // Another process's change, as its operation would make it: the row and the version.
  QueryInt("WITH spent AS (UPDATE lots SET remaining = remaining - 2 WHERE lot_id ="
           " (SELECT max(lot_id) FROM lots WHERE member_id = 'alice' AND remaining >= 2)"
           " RETURNING 1) UPDATE members SET state_version = state_version + 1"
           " WHERE member_id = 'alice' RETURNING 0");
  v1::RedeemResponse redeemed;
  ASSERT_TRUE(Redeem("alice", 10, &redeemed).ok());
  EXPECT_EQ(Available(redeemed.balances()), 60);

  v1::SetMemberStatusRequest suspend;
  suspend.set_org_id("acme");
  suspend.set_idempotency_key(NewKey());
  suspend.set_member_id("alice");
  suspend.set_status(v1::MEMBER_STATUS_SUSPENDED);
  v1::Member suspended;
  grpc::ClientContext context;
  ASSERT_TRUE(admin_->SetMemberStatus(&context, suspend, &suspended).ok());
  v1::AccrueRequest request;
  request.set_member_id("alice");
  request.mutable_explicit_points()->set_points(5);
  request.mutable_explicit_points()->set_description("while suspended");
  v1::AccrueResponse refused;
  const grpc::Status status = Accrue(request, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "MEMBER_NOT_ACTIVE");
}

TEST_F(MemberCacheTest, AStaleEntryIsReadAgain) {
  Give("alice", 100);
  ledger::MemberState stale = *Cached("alice");
  stale.lots.clear();     // a state the member no longer has...
  --stale.state_version;  // ...under an old version
  server_.member_cache().Put("acme", stale);
  v1::RedeemResponse redeemed;
  ASSERT_TRUE(Redeem("alice", 10, &redeemed).ok());
  EXPECT_EQ(Available(redeemed.balances()), 90);
}

TEST_F(MemberCacheTest, TheCacheIsBounded) {
  store::MemberCache cache;
  ledger::MemberState big;
  big.member_id = "big";
  big.lots.resize(store::MemberCache::kMaxLotsPerMember + 1);
  for (ledger::Lot& lot : big.lots) lot.remaining = 1;
  cache.Put("acme", big);
  EXPECT_EQ(cache.Get("acme", "big"), nullptr);
  ledger::MemberState small;
  small.lots.resize(store::MemberCache::kMaxLots / store::MemberCache::kMaxMembers + 1);
  for (ledger::Lot& lot : small.lots) lot.remaining = 1;
  for (size_t i = 0; i < store::MemberCache::kMaxMembers + 10; ++i) {
    small.member_id = absl::StrCat("m", i);
    cache.Put("acme", small);
  }
  size_t held = 0;
  for (size_t i = 0; i < store::MemberCache::kMaxMembers + 10; ++i) {
    held += cache.Get("acme", absl::StrCat("m", i)) != nullptr;
  }
  EXPECT_LE(held * small.lots.size(), store::MemberCache::kMaxLots);
  EXPECT_GT(held, 0u);
}

}  // namespace
}  // namespace loyalty::testing
