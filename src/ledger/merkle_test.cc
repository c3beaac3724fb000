#include "ledger/merkle.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cairn::ledger {
namespace {

std::vector<Hash> Leaves(uint64_t n) {
  std::vector<Hash> leaves;
  for (uint64_t i = 0; i < n; ++i) leaves.push_back(LeafHash("leaf " + std::to_string(i)));
  return leaves;
}

// An independent MTH: combine adjacent pairs level by level, promoting an odd last node
// unchanged (equivalent to RFC 6962's split at the largest power of two).
Hash LevelRoot(std::vector<Hash> level) {
  if (level.empty()) return Sha256("");
  while (level.size() > 1) {
    std::vector<Hash> next;
    for (size_t i = 0; i + 1 < level.size(); i += 2)
      next.push_back(NodeHash(level[i], level[i + 1]));
    if (level.size() % 2 == 1) next.push_back(level.back());
    level = std::move(next);
  }
  return level[0];
}

TEST(MerkleTest, KnownEmptyAndLeafVectors) {
  // SHA-256("") and SHA-256(0x00) are well known constants.
  EXPECT_EQ(ToHex(RootHash({})),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(ToHex(LeafHash("")),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
}

TEST(MerkleTest, RootMatchesIndependentComputationForSizes1To64) {
  for (uint64_t n = 1; n <= 64; ++n) {
    auto leaves = Leaves(n);
    EXPECT_EQ(RootHash(leaves), LevelRoot(leaves)) << "n=" << n;
  }
}

TEST(MerkleTest, InclusionProofsVerifyForAllLeavesAndSizes) {
  for (uint64_t n = 1; n <= 64; ++n) {
    auto leaves = Leaves(n);
    const Hash root = LevelRoot(leaves);
    for (uint64_t m = 0; m < n; ++m) {
      auto proof = InclusionProof(leaves, m);
      ASSERT_TRUE(proof.ok());
      EXPECT_TRUE(VerifyInclusion(leaves[m], m, n, *proof, root)) << m << "/" << n;
      // Tampering anywhere must fail.
      EXPECT_FALSE(VerifyInclusion(LeafHash("other"), m, n, *proof, root));
      if (n > 1) {
        EXPECT_FALSE(VerifyInclusion(leaves[m], (m + 1) % n, n, *proof, root));
      }
      for (size_t i = 0; i < proof->size(); ++i) {
        auto bad = *proof;
        bad[i][0] ^= 1;
        EXPECT_FALSE(VerifyInclusion(leaves[m], m, n, bad, root));
      }
      if (!proof->empty()) {
        auto shorter = *proof;
        shorter.pop_back();
        EXPECT_FALSE(VerifyInclusion(leaves[m], m, n, shorter, root));
      }
      auto longer = *proof;
      longer.push_back(root);
      EXPECT_FALSE(VerifyInclusion(leaves[m], m, n, longer, root));
    }
  }
}

TEST(MerkleTest, ConsistencyProofsVerifyForAllSizePairs) {
  for (uint64_t n = 1; n <= 64; ++n) {
    auto leaves = Leaves(n);
    const Hash new_root = LevelRoot(leaves);
    for (uint64_t m = 1; m <= n; ++m) {
      const Hash old_root = LevelRoot(std::vector<Hash>(leaves.begin(), leaves.begin() + m));
      auto proof = ConsistencyProof(leaves, m);
      ASSERT_TRUE(proof.ok());
      EXPECT_TRUE(VerifyConsistency(m, n, old_root, new_root, *proof)) << m << "->" << n;
      if (m == n) {
        EXPECT_TRUE(proof->empty());
        continue;
      }
      EXPECT_FALSE(VerifyConsistency(m, n, new_root, new_root, *proof));
      EXPECT_FALSE(VerifyConsistency(m, n, old_root, old_root, *proof));
      for (size_t i = 0; i < proof->size(); ++i) {
        auto bad = *proof;
        bad[i][31] ^= 0x80;
        EXPECT_FALSE(VerifyConsistency(m, n, old_root, new_root, bad)) << m << "->" << n;
      }
      auto shorter = *proof;
      shorter.pop_back();
      EXPECT_FALSE(VerifyConsistency(m, n, old_root, new_root, shorter));
    }
  }
}

TEST(MerkleTest, RejectsOutOfRangeArguments) {
  auto leaves = Leaves(5);
  EXPECT_EQ(InclusionProof(leaves, 5).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ConsistencyProof(leaves, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ConsistencyProof(leaves, 6).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(VerifyInclusion(leaves[0], 5, 5, {}, RootHash(leaves)));
  EXPECT_FALSE(VerifyConsistency(0, 5, RootHash({}), RootHash(leaves), {}));
}

TEST(MerkleTest, HexRoundTrip) {
  const Hash h = LeafHash("x");
  auto back = HashFromHex(ToHex(h));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, h);
  EXPECT_EQ(HashFromHex("zz").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(HashFromHex(std::string(64, 'g')).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cairn::ledger
