#include "logship/common/contiguous_prefix.h"

#include <cstdint>
#include <stdexcept>

#include <gtest/gtest.h>

namespace logship {
namespace {

using Prefix = ContiguousPrefix<int64_t, int64_t>;

TEST(ContiguousPrefix, CommitsOnlyOverACompletedPrefix) {
  Prefix p(UnknownKey::kThrow, 100);
  EXPECT_TRUE(p.push(1, 110));
  EXPECT_TRUE(p.push(2, 120));
  EXPECT_TRUE(p.push(3, 130));
  EXPECT_FALSE(p.complete(3));  // out of order: 1 and 2 are still open
  EXPECT_EQ(p.committed(), 100);
  EXPECT_EQ(p.pending(), 3u);
  EXPECT_TRUE(p.complete(1));
  EXPECT_EQ(p.committed(), 110);
  EXPECT_TRUE(p.complete(2));  // fills the gap and jumps over the completed 3
  EXPECT_EQ(p.committed(), 130);
  EXPECT_TRUE(p.empty());
}

TEST(ContiguousPrefix, SparseKeysAreFound) {
  Prefix p(UnknownKey::kThrow, -1);
  for (int64_t k : {5, 9, 10, 40}) p.push(k, k + 1);
  EXPECT_FALSE(p.complete(40));
  EXPECT_FALSE(p.complete(9));
  EXPECT_TRUE(p.complete(5));
  EXPECT_EQ(p.committed(), 10);
  EXPECT_EQ(p.frontKey(), 10);
  EXPECT_TRUE(p.complete(10));
  EXPECT_EQ(p.committed(), 41);
}

TEST(ContiguousPrefix, KeysMustIncrease) {
  Prefix p(UnknownKey::kIgnore, -1);
  EXPECT_TRUE(p.push(3, 4));
  EXPECT_FALSE(p.push(3, 4));  // a replay appends nothing
  EXPECT_FALSE(p.push(2, 3));
  EXPECT_EQ(p.pending(), 1u);
}

TEST(ContiguousPrefix, DonePushWaitsBehindOpenEntriesAndCommitsAtOnceOtherwise) {
  Prefix p(UnknownKey::kThrow, 0);
  p.push(1, 10);
  p.push(2, 20, /*done=*/true);
  EXPECT_EQ(p.committed(), 0);
  EXPECT_EQ(p.pending(), 2u);
  p.complete(1);
  EXPECT_EQ(p.committed(), 20);
  EXPECT_TRUE(p.push(3, 30, /*done=*/true));
  EXPECT_EQ(p.committed(), 30);
  EXPECT_TRUE(p.empty());
}

TEST(ContiguousPrefix, ThrowPolicyRejectsUnknownAndRepeatedKeys) {
  Prefix p(UnknownKey::kThrow, 0);
  EXPECT_THROW(p.complete(1), std::logic_error);  // empty window
  p.push(1, 10);
  p.push(2, 20);
  EXPECT_THROW(p.complete(7), std::logic_error);  // never pushed
  EXPECT_THROW(p.complete(0), std::logic_error);  // below the window
  p.complete(2);
  EXPECT_THROW(p.complete(2), std::logic_error);  // completed twice
  p.complete(1);
  EXPECT_THROW(p.complete(1), std::logic_error);  // already in the committed prefix
  EXPECT_EQ(p.committed(), 20);
}

TEST(ContiguousPrefix, IgnorePolicyReturnsFalseAndChangesNothing) {
  Prefix p(UnknownKey::kIgnore, -1);
  EXPECT_FALSE(p.complete(1));
  p.push(1, 2);
  p.push(2, 3);
  EXPECT_FALSE(p.complete(7));
  EXPECT_FALSE(p.complete(2));
  EXPECT_FALSE(p.complete(2));
  EXPECT_EQ(p.committed(), -1);
  EXPECT_TRUE(p.complete(1));
  EXPECT_EQ(p.committed(), 3);
  EXPECT_FALSE(p.complete(1));
}

TEST(ContiguousPrefix, ResetForgetsPendingEntries) {
  Prefix p(UnknownKey::kIgnore, -1);
  p.push(1, 2);
  p.push(2, 3);
  p.reset(50);
  EXPECT_TRUE(p.empty());
  EXPECT_EQ(p.committed(), 50);
  EXPECT_FALSE(p.complete(1));  // forgotten: a late completion is unknown
  EXPECT_TRUE(p.push(1, 2));    // keys start over after a reset
}

}  // namespace
}  // namespace logship
