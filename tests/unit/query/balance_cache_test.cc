// The balance cache without a database: reservations that announcements cancel, positions,
// staleness, org-wide and total invalidation, the bound on rows, lot summaries, and concurrent
// misses that share one read.

#include "services/query/balance_cache.h"

#include <chrono>
#include <functional>
#include <thread>

#include "gtest/gtest.h"
#include "libs/base/clock.h"
#include "libs/store/member_repository.h"
#include "libs/wire/balances.h"
#include "loyalty/v1/common.pb.h"

namespace loyalty::query {
namespace {

using std::chrono::milliseconds;

const absl::Time kReadAt = absl::FromUnixSeconds(1'800'000'000);

ledger::Lot OpenLot(int64_t lot_id, ledger::Points points, absl::Time available_at,
                    std::optional<absl::Time> expires_at) {
  ledger::Lot lot;
  lot.lot_id = lot_id;
  lot.program_id = "shop";
  lot.point_type = "base";
  lot.amount = points;
  lot.remaining = points;
  lot.available_at = available_at;
  lot.expires_at = expires_at;
  return lot;
}

// `lots` lots that no summary merges (each expires at its own time).
CachedBalances Entry(int64_t position, int lots = 1) {
  CachedBalances entry;
  entry.position = position;
  for (int i = 1; i <= lots; ++i) {
    entry.member.lots.push_back(OpenLot(i, 10, kReadAt, kReadAt + absl::Hours(i)));
  }
  return entry;
}

class BalanceCacheTest : public ::testing::Test {
 protected:
  BalanceCacheTest() : cache_(Options(), nullptr) {
    cache_.Open();
    cache_.Confirm(start_);
  }

  static int64_t EntryBytes() {
    const CachedBalances entry = Entry(1, 3);
    return BalanceCache::EstimatedBytes(&entry);
  }

  static BalanceCacheOptions Options() {
    BalanceCacheOptions options;
    options.max_bytes = 2 * EntryBytes() + EntryBytes() / 2;  // room for two of Entry(1, 3)
    options.max_member_rows = 4;
    options.max_staleness = absl::Seconds(1);
    return options;
  }

  // Reserve and Fill, as a read with nothing announced in between.
  void Read(const std::string& org, const std::string& member, CachedBalances entry) {
    cache_.Fill(org, member, cache_.Reserve(org, member), std::move(entry), kReadAt);
  }

  bool Has(const std::string& org, const std::string& member, int64_t min_position = 0) {
    return cache_.Find(org, member, min_position, kReadAt, start_).has_value();
  }

  const BalanceCache::SteadyTime start_ = BalanceCache::Now();
  BalanceCache cache_;
};

TEST_F(BalanceCacheTest, KeepsWhatAReadFound) {
  EXPECT_FALSE(Has("acme", "alice"));
  Read("acme", "alice", Entry(7, 2));
  const std::optional<BalanceCache::Hit> hit = cache_.Find("acme", "alice", 7, kReadAt, start_);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->position, 7);
  EXPECT_EQ(hit->entry->member.lots.size(), 2u);
  const CachedBalances expected = Entry(7, 2);
  EXPECT_EQ(cache_.bytes(), BalanceCache::EstimatedBytes(&expected));
  EXPECT_FALSE(Has("acme", "bob"));
  EXPECT_FALSE(Has("globex", "alice"));
}

TEST_F(BalanceCacheTest, AnAnnouncementDuringTheReadCancelsItsFill) {
  const uint64_t ticket = cache_.Reserve("acme", "alice");
  cache_.Apply("m acme alice");
  cache_.Fill("acme", "alice", ticket, Entry(7), kReadAt);
  EXPECT_FALSE(Has("acme", "alice"));

  // Another member's change does not.
  const uint64_t again = cache_.Reserve("acme", "alice");
  cache_.Apply("m acme bob");
  cache_.Fill("acme", "alice", again, Entry(8), kReadAt);
  EXPECT_TRUE(Has("acme", "alice"));
}

TEST_F(BalanceCacheTest, OnlyTheNewestReservationFills) {
  const uint64_t first = cache_.Reserve("acme", "alice");
  const uint64_t second = cache_.Reserve("acme", "alice");
  cache_.Fill("acme", "alice", first, Entry(7), kReadAt);
  EXPECT_FALSE(Has("acme", "alice"));
  cache_.Fill("acme", "alice", second, Entry(8), kReadAt);
  EXPECT_EQ(cache_.Find("acme", "alice", 0, kReadAt, start_)->position, 8);
  cache_.Fill("acme", "alice", second, Entry(9), kReadAt);  // a ticket fills once
  EXPECT_EQ(cache_.Find("acme", "alice", 0, kReadAt, start_)->position, 8);
}

TEST_F(BalanceCacheTest, AMemberChangeDropsTheEntry) {
  Read("acme", "alice", Entry(7));
  Read("acme", "bob", Entry(7));
  cache_.Apply("m acme alice");
  EXPECT_FALSE(Has("acme", "alice"));
  EXPECT_TRUE(Has("acme", "bob"));
}

TEST_F(BalanceCacheTest, AnnouncedPositionsExtendWhatAnEntryReflects) {
  Read("acme", "alice", Entry(7));
  EXPECT_FALSE(Has("acme", "alice", 9));
  cache_.Apply("p 12");  // nothing about alice up to 12
  const std::optional<BalanceCache::Hit> hit = cache_.Find("acme", "alice", 9, kReadAt, start_);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->position, 12);
  EXPECT_FALSE(Has("acme", "alice", 13));
}

TEST_F(BalanceCacheTest, ViewsGoingBackOrUnknownAnnouncementsDropEverything) {
  cache_.Apply("p 12");
  Read("acme", "alice", Entry(12));
  cache_.Apply("p 5");
  EXPECT_FALSE(Has("acme", "alice"));
  Read("acme", "alice", Entry(5));
  cache_.Apply("a");
  EXPECT_FALSE(Has("acme", "alice"));
  Read("acme", "alice", Entry(5));
  cache_.Apply("z what");
  EXPECT_FALSE(Has("acme", "alice"));
  EXPECT_EQ(cache_.bytes(), 0);
}

TEST_F(BalanceCacheTest, AnOrgChangeDropsThatOrgOnly) {
  Read("acme", "alice", Entry(7));
  Read("acme2", "alice", Entry(7));  // an org whose id starts like the other's
  cache_.Apply("o acme");
  EXPECT_FALSE(Has("acme", "alice"));
  EXPECT_TRUE(Has("acme2", "alice"));
}

TEST_F(BalanceCacheTest, NothingIsServedWithoutARecentHeartbeat) {
  Read("acme", "alice", Entry(7));
  EXPECT_TRUE(cache_.Find("acme", "alice", 0, kReadAt, start_ + milliseconds(1000)).has_value());
  EXPECT_FALSE(cache_.Find("acme", "alice", 0, kReadAt, start_ + milliseconds(1001)).has_value());
  cache_.Confirm(start_ + milliseconds(900));
  EXPECT_TRUE(cache_.Find("acme", "alice", 0, kReadAt, start_ + milliseconds(1500)).has_value());
}

TEST_F(BalanceCacheTest, NotListeningKeepsNothing) {
  Read("acme", "alice", Entry(7));
  cache_.Close();
  EXPECT_FALSE(Has("acme", "alice"));
  EXPECT_EQ(cache_.Reserve("acme", "alice"), 0u);
  cache_.Fill("acme", "alice", 0, Entry(7), kReadAt);
  EXPECT_EQ(cache_.members(), 0u);

  // Reopened, it serves nothing until a heartbeat confirms the new session.
  cache_.Open();
  Read("acme", "alice", Entry(7));
  EXPECT_FALSE(Has("acme", "alice"));
  cache_.Confirm(start_);
  EXPECT_TRUE(Has("acme", "alice"));
}

TEST_F(BalanceCacheTest, MemoryIsBoundedLeastRecentlyUsedFirstAndBigMembersAreNotKept) {
  Read("acme", "a", Entry(1, 3));
  Read("acme", "b", Entry(1, 3));
  EXPECT_TRUE(Has("acme", "a"));   // a is now the most recent
  Read("acme", "c", Entry(1, 3));  // no room for three: b goes
  EXPECT_TRUE(Has("acme", "a"));
  EXPECT_FALSE(Has("acme", "b"));
  EXPECT_TRUE(Has("acme", "c"));
  EXPECT_LE(cache_.bytes(), Options().max_bytes);

  Read("acme", "big", Entry(1, 5));  // 5 rows > max_member_rows
  EXPECT_FALSE(Has("acme", "big"));

  // Reservations count too, so reads of members that do not exist cannot grow it.
  for (int i = 0; i < 1000; ++i) cache_.Reserve("acme", "nobody" + std::to_string(i));
  EXPECT_LE(cache_.bytes(), Options().max_bytes);
  EXPECT_LE(cache_.members(), 20u);
}

TEST_F(BalanceCacheTest, KeepsLotsAvailableAtTheReadAsSummariesWithTheSameBalances) {
  const absl::Time later = kReadAt + absl::Hours(2);
  CachedBalances entry;
  entry.member.member_id = "alice";
  entry.valuation = {"USD", {100, 1}};
  const std::optional<absl::Time> never;
  entry.member.lots = {
      OpenLot(1, 10, kReadAt - absl::Hours(1), never),
      OpenLot(2, 20, kReadAt, never),                        // merges with lot 1
      OpenLot(3, 30, kReadAt + absl::Hours(1), never),       // pending at the read: kept apart
      OpenLot(4, 40, kReadAt, kReadAt + absl::Hours(3)),     // another expiry: kept apart
      OpenLot(5, 50, kReadAt, kReadAt + absl::Minutes(30)),  // expired by `later`
  };
  entry.member.lots[1].held = 5;
  v1::Balances expected;
  wire::ToBalances(entry.member, later, entry.valuation, &expected);
  Read("acme", "alice", entry);

  const std::optional<BalanceCache::Hit> hit = cache_.Find("acme", "alice", 0, later, start_);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->entry->member.lots.size(), 4u);
  EXPECT_EQ(hit->entry->member.lots_summarised_at, kReadAt);
  v1::Balances served;
  wire::ToBalances(hit->entry->member, later, hit->entry->valuation, &served);
  EXPECT_EQ(served.SerializeAsString(), expected.SerializeAsString());
  EXPECT_EQ(served.programs(0).available(), 10 + 15 + 30 + 40);
  EXPECT_EQ(served.programs(0).held(), 5);

  // A clock gone back to before the summaries were made would count lot 2 available early.
  EXPECT_FALSE(cache_.Find("acme", "alice", 0, kReadAt - absl::Seconds(1), start_).has_value());
}

TEST_F(BalanceCacheTest, AReadTooLargeToKeepAsksForItsMemoryBack) {
  EXPECT_TRUE(cache_.Fill("acme", "big", cache_.Reserve("acme", "big"), Entry(1, 5), kReadAt));
  EXPECT_FALSE(Has("acme", "big"));
  // Five lots that summarise into one are kept, but the read was still large.
  CachedBalances entry;
  for (int i = 1; i <= 5; ++i) entry.member.lots.push_back(OpenLot(i, 1, kReadAt, {}));
  EXPECT_TRUE(cache_.Fill("acme", "many", cache_.Reserve("acme", "many"), entry, kReadAt));
  EXPECT_TRUE(Has("acme", "many"));
  EXPECT_FALSE(cache_.Fill("acme", "small", cache_.Reserve("acme", "small"), Entry(1, 4), kReadAt));
  EXPECT_FALSE(cache_.Fill("acme", "off", 0, Entry(1, 4), kReadAt));
}

// A call that misses while another's read of the member is in flight, on another thread until
// it waits; returns what its FindOrAwaitRead found once `end_read` ended that read.
std::optional<BalanceCache::Hit> MissDuringRead(BalanceCache& cache, int64_t min_position,
                                                const std::function<void()>& end_read) {
  const ManualClock clock(kReadAt);
  std::optional<BalanceCache::Hit> found;
  std::thread waiter([&] {
    found = cache.FindOrAwaitRead("acme", "alice", min_position, clock, absl::Minutes(5));
  });
  while (cache.read_waiters() == 0) std::this_thread::yield();
  end_read();
  waiter.join();
  return found;
}

TEST_F(BalanceCacheTest, AMissDuringAReadWaitsForItsFill) {
  const uint64_t ticket = cache_.Reserve("acme", "alice");
  const std::optional<BalanceCache::Hit> hit = MissDuringRead(
      cache_, 7, [&] { EXPECT_FALSE(cache_.Fill("acme", "alice", ticket, Entry(7), kReadAt)); });
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->position, 7);
  EXPECT_EQ(hit->now, kReadAt);
}

TEST_F(BalanceCacheTest, AReadThatEndsWithoutAFillWakesItsWaitersEmptyHanded) {
  const uint64_t ticket = cache_.Reserve("acme", "alice");
  EXPECT_FALSE(MissDuringRead(cache_, 0, [&] { cache_.Release("acme", "alice", ticket); }));
  EXPECT_EQ(cache_.members(), 0u);  // the empty reservation went with its read
  // An announcement ends the read too (its Fill would be refused).
  cache_.Reserve("acme", "alice");
  EXPECT_FALSE(MissDuringRead(cache_, 0, [&] { cache_.Apply("m acme alice"); }));
}

TEST_F(BalanceCacheTest, AWaiterThatNeedsANewerPositionThanTheReadFoundMisses) {
  const uint64_t ticket = cache_.Reserve("acme", "alice");
  EXPECT_FALSE(
      MissDuringRead(cache_, 9, [&] { cache_.Fill("acme", "alice", ticket, Entry(8), kReadAt); }));
  EXPECT_TRUE(Has("acme", "alice", 8));
}

TEST_F(BalanceCacheTest, AMissWaitsOnlyForAReadInFlightAndOnlyUpToItsBound) {
  const ManualClock clock(kReadAt);
  // No read in flight: no wait, however long the bound.
  EXPECT_FALSE(cache_.FindOrAwaitRead("acme", "alice", 0, clock, absl::InfiniteDuration()));
  // A read that never ends.
  const uint64_t ticket = cache_.Reserve("acme", "alice");
  EXPECT_FALSE(cache_.FindOrAwaitRead("acme", "alice", 0, clock, absl::Milliseconds(1)));
  // A released read keeps the entry the slot had.
  Read("acme", "bob", Entry(3));
  const uint64_t again = cache_.Reserve("acme", "bob");
  cache_.Release("acme", "bob", again);
  EXPECT_TRUE(cache_.FindOrAwaitRead("acme", "bob", 0, clock, absl::InfiniteDuration()));
  cache_.Release("acme", "alice", ticket);
}

}  // namespace
}  // namespace loyalty::query
