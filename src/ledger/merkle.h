#pragma once

// RFC 6962 / RFC 9162 Merkle hash trees over SHA-256.
//
//   leaf hash  = SHA-256(0x00 || data)
//   node hash  = SHA-256(0x01 || left || right)
//   MTH({})    = SHA-256("")
//   MTH(D[n])  = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of two < n.
//
// The provers (InclusionProof, ConsistencyProof) follow RFC 6962 §2.1.1/§2.1.2 (PATH, SUBPROOF)
// over a list of leaf hashes. The verifiers follow the bit-walking algorithms of RFC 9162
// §2.1.3.2 and §2.1.4.2 and share no code with the provers except the hash functions, so a
// prover bug does not hide itself.
//
// All functions are pure and thread-safe. OpenSSL digest failures (allocation) abort: they
// cannot be reported meaningfully and never happen for SHA-256 otherwise.

#include <array>
#include <cstdint>
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
