// The balance cache without a database: reservations that announcements cancel, positions,
// staleness, org-wide and total invalidation, and the bound on rows.

#include "services/query/balance_cache.h"

#include <chrono>

#include "gtest/gtest.h"

namespace loyalty::query {
namespace {

using std::chrono::milliseconds;

CachedBalances Entry(int64_t position, int lots = 1) {
  CachedBalances entry;
  entry.position = position;
  entry.member.lots.resize(static_cast<size_t>(lots));
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
    cache_.Fill(org, member, cache_.Reserve(org, member), std::move(entry));
  }

  bool Has(const std::string& org, const std::string& member, int64_t min_position = 0) {
    return cache_.Find(org, member, min_position, start_).has_value();
  }

  const BalanceCache::SteadyTime start_ = BalanceCache::Now();
  BalanceCache cache_;
};

TEST_F(BalanceCacheTest, KeepsWhatAReadFound) {
  EXPECT_FALSE(Has("acme", "alice"));
  Read("acme", "alice", Entry(7, 2));
  const std::optional<BalanceCache::Hit> hit = cache_.Find("acme", "alice", 7, start_);
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
  cache_.Fill("acme", "alice", ticket, Entry(7));
  EXPECT_FALSE(Has("acme", "alice"));

  // Another member's change does not.
  const uint64_t again = cache_.Reserve("acme", "alice");
  cache_.Apply("m acme bob");
  cache_.Fill("acme", "alice", again, Entry(8));
  EXPECT_TRUE(Has("acme", "alice"));
}

TEST_F(BalanceCacheTest, OnlyTheNewestReservationFills) {
  const uint64_t first = cache_.Reserve("acme", "alice");
  const uint64_t second = cache_.Reserve("acme", "alice");
  cache_.Fill("acme", "alice", first, Entry(7));
  EXPECT_FALSE(Has("acme", "alice"));
  cache_.Fill("acme", "alice", second, Entry(8));
  EXPECT_EQ(cache_.Find("acme", "alice", 0, start_)->position, 8);
  cache_.Fill("acme", "alice", second, Entry(9));  // a ticket fills once
  EXPECT_EQ(cache_.Find("acme", "alice", 0, start_)->position, 8);
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
  const std::optional<BalanceCache::Hit> hit = cache_.Find("acme", "alice", 9, start_);
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
  EXPECT_TRUE(cache_.Find("acme", "alice", 0, start_ + milliseconds(1000)).has_value());
  EXPECT_FALSE(cache_.Find("acme", "alice", 0, start_ + milliseconds(1001)).has_value());
  cache_.Confirm(start_ + milliseconds(900));
  EXPECT_TRUE(cache_.Find("acme", "alice", 0, start_ + milliseconds(1500)).has_value());
}

TEST_F(BalanceCacheTest, NotListeningKeepsNothing) {
  Read("acme", "alice", Entry(7));
  cache_.Close();
  EXPECT_FALSE(Has("acme", "alice"));
  EXPECT_EQ(cache_.Reserve("acme", "alice"), 0u);
  cache_.Fill("acme", "alice", 0, Entry(7));
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

}  // namespace
}  // namespace loyalty::query
