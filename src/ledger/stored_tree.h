#pragma once

// Internal to the ledger module: the Merkle tree of the stored entries, read through the cached
// subtree hashes (table ledger_subtrees) and the stored leaf hashes of a LedgerStore.

#include <bit>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "core/status.h"
#include "ledger/ledger_store.h"
#include "ledger/merkle.h"

namespace cairn::ledger::internal {

// The largest power of two strictly below n (n >= 2).
inline uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

// The Merkle tree of the stored entries, read through the cached subtree hashes and, below
// kMinCachedHeight or where a cached hash is missing, through the stored leaf hashes. Used for
// one operation inside the caller's transaction or snapshot; borrows `store`.
class StoredTree {
 public:
  // Cached hashes of subtrees ending after `trusted_end` leaves are ignored: they are either
  // not written yet or left over beyond the end of a truncated ledger.
  StoredTree(LedgerStore* store, uint64_t trusted_end) : store_(store), trusted_end_(trusted_end) {}

  // Leaves [first, first + leaves.size()) come from `leaves` instead of the table (the batch
  // being appended, or a chunk read ahead); `leaves` must outlive the calls that follow.
  void SetPending(uint64_t first, std::span<const Hash> leaves) {
    pending_first_ = first;
    pending_ = leaves;
  }

  // MTH of the leaves [begin, end), a range of RFC 6962's recursion (a complete
  // subtree, or the right edge of one). DataLoss when a needed leaf hash is missing or malformed.
  Result<Hash> Root(uint64_t begin, uint64_t end);

  // The stored leaf hashes of entries [begin, end), appended to `out`.
  Status ReadLeaves(uint64_t begin, uint64_t end, std::vector<Hash>* out);

  // Computes and stores (replacing) the hash of every cached-height subtree completed by the
  // leaves (from, to]; the leaves after `from` must be pending. On DataLoss (a leaf hash it needs
  // is missing) the subtrees computed before are stored all the same.
  Status StoreCompleted(uint64_t from, uint64_t to);

 private:
  // The root of the complete subtree of 2^height leaves ending before leaf `end`.
  Result<Hash> Node(int height, uint64_t end);

  LedgerStore* store_;
  uint64_t trusted_end_;
  uint64_t pending_first_ = UINT64_MAX;
  std::span<const Hash> pending_;
  std::map<std::pair<uint64_t, int>, Hash> memo_;  // subtrees computed by StoreCompleted
};

// True if complete subtrees of the lowest cached height end after `cached_end` within `size`.
bool CacheBehind(uint64_t cached_end, uint64_t size);

// Fills ledger_subtrees for the entries after CachedEnd() up to `size` (ledgers from before
// migration 2). Call inside a write transaction. The cache is derived data, so a missing or
// malformed leaf hash (which Verify reports) only stops the filling, without an error; proofs
// over that range are then computed from the leaf hashes, and fail there.
Status CatchUpSubtrees(LedgerStore* store, uint64_t size);

}  // namespace cairn::ledger::internal
