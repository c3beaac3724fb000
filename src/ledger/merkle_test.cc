#include "ledger/merkle.h"

#include <gtest/gtest.h>

#include <bit>
#include <span>
#include <string>
#include <tuple>
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

TEST(MerkleTest, TreeBuilderRootAndCompletedSubtreesMatchTheReference) {
  const auto leaves = Leaves(300);
  TreeBuilder tree;
  EXPECT_EQ(tree.Root(), RootHash({}));
  std::vector<std::tuple<int, uint64_t, Hash>> nodes;
  for (uint64_t n = 1; n <= leaves.size(); ++n) {
    nodes.clear();
    tree.Push(leaves[n - 1],
              [&](int height, uint64_t end, const Hash& h) { nodes.emplace_back(height, end, h); });
    ASSERT_EQ(tree.size(), n);
    ASSERT_EQ(tree.Root(), RootHash(std::span(leaves).first(n))) << "n=" << n;
    // The leaf completes one subtree per trailing zero bit of n, lowest first.
    ASSERT_EQ(nodes.size(), static_cast<size_t>(std::countr_zero(n))) << "n=" << n;
    for (size_t i = 0; i < nodes.size(); ++i) {
      const auto& [height, end, hash] = nodes[i];
      EXPECT_EQ(height, static_cast<int>(i) + 1);
      EXPECT_EQ(end, n);
      const uint64_t width = uint64_t{1} << height;
      EXPECT_EQ(hash, RootHash(std::span(leaves).subspan(n - width, width))) << n << "/" << height;
    }
  }
}

// The range provers, fed subtree roots computed from the leaves, give exactly the reference
// proofs; the callback is only asked for ranges of RFC 6962's recursion.
TEST(MerkleTest, RangeProversEqualTheReferenceProvers) {
  const auto leaves = Leaves(200);
  int calls = 0;
  auto roots_of = [&](uint64_t n) {
    return [&, n](uint64_t begin, uint64_t end) -> Result<Hash> {
      ++calls;
      EXPECT_LT(begin, end);
      EXPECT_LE(end, n);
      const uint64_t width = end - begin;
      // A complete aligned subtree, or a right edge ending at the tree size.
      EXPECT_TRUE(end == n || (std::has_single_bit(width) && begin % width == 0))
          << begin << ".." << end << " of " << n;
      return RootHash(std::span(leaves).subspan(begin, width));
    };
  };
  std::vector<uint64_t> sizes;
  for (uint64_t n = 1; n <= 70; ++n) sizes.push_back(n);
  for (uint64_t n : {127, 128, 129, 150, 191, 200}) sizes.push_back(n);
  for (uint64_t n : sizes) {
    const auto prefix = std::span(leaves).first(n);
    for (uint64_t m = 0; m < n; ++m) {
      auto fast = InclusionProofFromRoots(n, m, roots_of(n));
      ASSERT_TRUE(fast.ok());
      EXPECT_EQ(*fast, *InclusionProof(prefix, m)) << m << "/" << n;
    }
    for (uint64_t m = 1; m <= n; ++m) {
      auto fast = ConsistencyProofFromRoots(n, m, roots_of(n));
      ASSERT_TRUE(fast.ok());
      EXPECT_EQ(*fast, *ConsistencyProof(prefix, m)) << m << "->" << n;
    }
  }
  EXPECT_GT(calls, 0);
  EXPECT_EQ(InclusionProofFromRoots(5, 5, roots_of(5)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ConsistencyProofFromRoots(5, 0, roots_of(5)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ConsistencyProofFromRoots(5, 6, roots_of(5)).status().code(),
            StatusCode::kInvalidArgument);
  // An error from the callback is passed through.
  auto failing = [](uint64_t, uint64_t) -> Result<Hash> { return DataLossError("gone"); };
  EXPECT_EQ(InclusionProofFromRoots(8, 3, failing).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(ConsistencyProofFromRoots(8, 3, failing).status().code(), StatusCode::kDataLoss);
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
