#pragma once

// RFC 6962 / RFC 9162 Merkle hash trees over SHA-256.
//
//   leaf hash  = SHA-256(0x00 || data)
//   node hash  = SHA-256(0x01 || left || right)
//   MTH({})    = SHA-256("")
//   MTH(D[n])  = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of two < n.
//
// The provers (InclusionProof, ConsistencyProof) follow RFC 6962 §2.1.1/§2.1.2 (PATH, SUBPROOF)
// over a list of leaf hashes; they are the reference. The range provers (InclusionProofFromRoots,
// ConsistencyProofFromRoots) run the same recursion but ask a callback for each subtree root, so
// a store of cached subtree hashes answers in O(log n) look-ups instead of holding every leaf.
// The verifiers follow the bit-walking algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2 and share no
// code with the provers except the hash functions, so a prover bug does not hide itself.
//
// All functions are pure and thread-safe (TreeBuilder: one thread at a time). OpenSSL digest
// failures (allocation) abort: they cannot be reported meaningfully and never happen for SHA-256
// otherwise.

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace cairn::ledger {

using Hash = std::array<uint8_t, 32>;

Hash Sha256(std::string_view data);
Hash LeafHash(std::string_view data);
Hash NodeHash(const Hash& left, const Hash& right);

// Lowercase hex of `hash` (64 characters).
std::string ToHex(const Hash& hash);
std::string ToHex(std::string_view bytes);
// Parses 64 hex digits (either case); InvalidArgument otherwise.
Result<Hash> HashFromHex(std::string_view hex);

// MTH of the leaves whose leaf hashes are `leaves` (MTH({}) for an empty span).
Hash RootHash(std::span<const Hash> leaves);

// The audit path for leaf `index` in the tree of all `leaves` (n = leaves.size()), nearest
// sibling first. InvalidArgument if index >= n.
Result<std::vector<Hash>> InclusionProof(std::span<const Hash> leaves, uint64_t index);

// The consistency proof between the tree of the first `old_size` leaves and the tree of all
// `leaves`. Empty when old_size == leaves.size(). InvalidArgument unless
// 0 < old_size <= leaves.size().
Result<std::vector<Hash>> ConsistencyProof(std::span<const Hash> leaves, uint64_t old_size);

// MTH(D[begin:end]) of a tree's leaves, as a range prover asks for it. The prover only asks for
// ranges of RFC 6962's recursion: either a complete subtree (end - begin a power of two, begin a
// multiple of it) or the right edge of such a subtree (end == the tree size). An error is passed
// through to the prover's caller.
using SubtreeRootFn = std::function<Result<Hash>(uint64_t begin, uint64_t end)>;

// The audit path of leaf `index` in the tree of `tree_size` leaves, with subtree roots from
// `root`: equal to InclusionProof(leaves, index) when `root` returns RootHash of leaves[begin:end].
// InvalidArgument if index >= tree_size.
Result<std::vector<Hash>> InclusionProofFromRoots(uint64_t tree_size, uint64_t index,
                                                  const SubtreeRootFn& root);

// The consistency proof between the trees of `old_size` and `new_size` leaves, with subtree roots
// from `root`: equal to ConsistencyProof(leaves, old_size) for leaves.size() == new_size.
// InvalidArgument unless 0 < old_size <= new_size.
Result<std::vector<Hash>> ConsistencyProofFromRoots(uint64_t new_size, uint64_t old_size,
                                                    const SubtreeRootFn& root);

// MTH of a growing list of leaves, computed as leaves arrive: it holds only the roots of the
// complete subtrees along the right edge (one per set bit of size(), at most 64), so hashing n
// leaves costs n - 1 node hashes and no per-leaf memory.
//
//   TreeBuilder tree;
//   for (const Hash& leaf : leaves) tree.Push(leaf);
//   tree.Root() == RootHash(leaves)
class TreeBuilder {
 public:
  // Appends a leaf hash. `on_node(height, end, hash)` is called for every complete subtree the
  // leaf completes, lowest first: the subtree of 2^height leaves ending before leaf `end` (so
  // covering leaves [end - 2^height, end)), height >= 1.
  template <typename OnNode>
  void Push(const Hash& leaf, OnNode&& on_node) {
    Hash node = leaf;
    int height = 0;
    ++size_;
    // Each trailing one bit of the old size is a complete subtree the new leaf pairs with.
    for (uint64_t carry = size_ - 1; (carry & 1) == 1; carry >>= 1) {
      node = NodeHash(stack_.back(), node);
      stack_.pop_back();
      on_node(++height, size_, node);
    }
    stack_.push_back(node);
  }
  void Push(const Hash& leaf) {
    Push(leaf, [](int, uint64_t, const Hash&) {});
  }

  // MTH of the leaves pushed so far (MTH({}) when none).
  Hash Root() const;
  uint64_t size() const { return size_; }

 private:
  uint64_t size_ = 0;
  std::vector<Hash> stack_;  // complete subtree roots, largest (leftmost) first
};

// True iff `path` proves that `leaf_hash` is leaf `index` of the tree of `tree_size` leaves whose
// root is `root` (RFC 9162 §2.1.3.2).
bool VerifyInclusion(const Hash& leaf_hash, uint64_t index, uint64_t tree_size,
                     std::span<const Hash> path, const Hash& root);

// True iff `proof` proves that the tree of `old_size` leaves with root `old_root` is a prefix of
// the tree of `new_size` leaves with root `new_root` (RFC 9162 §2.1.4.2). For
// old_size == new_size the proof must be empty and the roots equal; old_size == 0 is rejected.
bool VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root,
                       const Hash& new_root, std::span<const Hash> proof);

}  // namespace cairn::ledger
