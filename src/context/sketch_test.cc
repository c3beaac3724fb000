#include "context/sketch.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace cairn::context {
namespace {

TEST(HyperLogLogTest, EstimatesKnownCardinalitiesWithinBounds) {
  // Precision 14: standard error 0.81 %; allow 3 standard errors (linear counting below 40k is
  // tighter still).
  for (int64_t n : {10, 1'000, 30'000, 100'000, 1'000'000}) {
    HyperLogLog hll(14);
    for (int64_t i = 0; i < n; ++i) hll.AddHash(Hash64("value-" + std::to_string(i)));
    double error = std::fabs(hll.Estimate() - static_cast<double>(n)) / static_cast<double>(n);
    EXPECT_LT(error, 0.025) << "n=" << n << " estimate=" << hll.Estimate();
  }
}

TEST(HyperLogLogTest, DuplicatesDoNotCountAndMergeUnites) {
  HyperLogLog a(12), b(12);
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 2000; ++i) a.AddHash(Hash64(std::to_string(i)));
  }
  for (int i = 1000; i < 3000; ++i) b.AddHash(Hash64(std::to_string(i)));
  EXPECT_NEAR(a.Estimate(), 2000, 2000 * 0.05);
  ASSERT_TRUE(a.Merge(b));
  EXPECT_NEAR(a.Estimate(), 3000, 3000 * 0.05);
  HyperLogLog other(10);
  EXPECT_FALSE(a.Merge(other));
}

TEST(MinHashTest, JaccardAndContainmentEstimatesWithinBounds) {
  // A = [0, 10000), B = [5000, 20000): |A ∩ B| = 5000, J = 5000 / 20000 = 0.25,
  // containment of A in B = 0.5. With 128 slots the standard error of J is about 0.038.
  MinHash a(128), b(128);
  for (int i = 0; i < 10'000; ++i) a.AddHash(Hash64(std::to_string(i)));
  for (int i = 5'000; i < 20'000; ++i) b.AddHash(Hash64(std::to_string(i)));
  EXPECT_NEAR(EstimateJaccard(a.signature(), b.signature()), 0.25, 0.12);
  EXPECT_NEAR(EstimateContainment(a.signature(), 10'000, b.signature(), 15'000), 0.5, 0.15);
  // A subset is (nearly) fully contained.
  MinHash c(128);
  for (int i = 6'000; i < 8'000; ++i) c.AddHash(Hash64(std::to_string(i)));
  EXPECT_NEAR(EstimateContainment(c.signature(), 2'000, b.signature(), 15'000), 1.0, 0.3);
  // Disjoint sets share nothing.
  MinHash d(128);
  for (int i = 50'000; i < 52'000; ++i) d.AddHash(Hash64(std::to_string(i)));
  EXPECT_LT(EstimateJaccard(d.signature(), b.signature()), 0.05);
  EXPECT_EQ(EstimateJaccard({}, b.signature()), 0);
}

TEST(ExactContainmentTest, CountsSortedIntersections) {
  EXPECT_DOUBLE_EQ(ExactContainment({1, 2, 3, 4}, {2, 3, 4, 5, 6}), 0.75);
  EXPECT_DOUBLE_EQ(ExactContainment({}, {1}), 0);
  EXPECT_DOUBLE_EQ(ExactContainment({7}, {}), 0);
}

TEST(EncodingTest, RoundTripsAndIgnoresPartialWords) {
  std::vector<uint64_t> values = {0, 1, 0xffffffffffffffffull, 0x0123456789abcdefull};
  std::string bytes = EncodeU64s(values);
  EXPECT_EQ(bytes.size(), 32u);
  EXPECT_EQ(DecodeU64s(bytes), values);
  EXPECT_EQ(DecodeU64s(bytes.substr(0, 12)).size(), 1u);
}

TEST(HashTest, StableAndSeeded) {
  EXPECT_EQ(Hash64("abc"), Hash64("abc"));
  EXPECT_NE(Hash64("abc"), Hash64("abd"));
  EXPECT_NE(Hash64("abc", 1), Hash64("abc", 2));
}

}  // namespace
}  // namespace cairn::context
