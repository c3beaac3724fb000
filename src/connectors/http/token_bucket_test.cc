#include "connectors/http/token_bucket.h"

#include <gtest/gtest.h>

namespace cairn::connectors::http {
namespace {

using Clock = TokenBucket::Clock;
using std::chrono::milliseconds;

TEST(TokenBucketTest, BurstIsFreeThenRequestsAreSpacedByTheRate) {
  TokenBucket bucket(/*rate=*/10, /*burst=*/2);
  const Clock::time_point t0{};
  EXPECT_EQ(bucket.Take(t0), Clock::duration::zero());
  EXPECT_EQ(bucket.Take(t0), Clock::duration::zero());
  // Empty: the third waits one refill (100 ms), the fourth two (reserved ahead).
  EXPECT_EQ(std::chrono::duration_cast<milliseconds>(bucket.Take(t0)), milliseconds(100));
  EXPECT_EQ(std::chrono::duration_cast<milliseconds>(bucket.Take(t0)), milliseconds(200));
}

TEST(TokenBucketTest, RefillsWithElapsedTimeUpToTheBurst) {
  TokenBucket bucket(/*rate=*/4, /*burst=*/1);
  const Clock::time_point t0{};
  EXPECT_EQ(bucket.Take(t0), Clock::duration::zero());
  EXPECT_EQ(std::chrono::duration_cast<milliseconds>(bucket.Take(t0 + milliseconds(100))),
            milliseconds(150));
  // A long idle time refills one token, not more: the burst caps the bucket.
  EXPECT_EQ(bucket.Take(t0 + std::chrono::seconds(10)), Clock::duration::zero());
  EXPECT_GT(bucket.Take(t0 + std::chrono::seconds(10)), Clock::duration::zero());
}

}  // namespace
}  // namespace cairn::connectors::http
