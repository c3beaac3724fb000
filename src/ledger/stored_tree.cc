#include "ledger/stored_tree.h"

#include <algorithm>

namespace cairn::ledger::internal {
namespace {

// Leaves read at a time when filling the cache for existing entries.
constexpr uint64_t kCatchUpChunk = 1 << 16;

}  // namespace

Result<Hash> StoredTree::Root(uint64_t begin, uint64_t end) {
  const uint64_t n = end - begin;
  if (n == 0) return Sha256("");
  if (std::has_single_bit(n)) return Node(std::countr_zero(n), end);
  const uint64_t k = SplitPoint(n);
  ASSIGN_OR_RETURN(Hash left, Root(begin, begin + k));
  ASSIGN_OR_RETURN(Hash right, Root(begin + k, end));
  return NodeHash(left, right);
}

Status StoredTree::ReadLeaves(uint64_t begin, uint64_t end, std::vector<Hash>* out) {
  const uint64_t stored_end = std::min(end, pending_first_);
  if (begin < stored_end) RETURN_IF_ERROR(store_->ReadLeaves(begin, stored_end, out));
  for (uint64_t i = std::max(begin, pending_first_); i < end; ++i) {
    out->push_back(pending_[i - pending_first_]);
  }
  return OkStatus();
}

Status StoredTree::StoreCompleted(uint64_t from, uint64_t to) {
  std::vector<SubtreeRow> rows;
  Status status;
  constexpr uint64_t kStep = uint64_t{1} << kMinCachedHeight;
  for (uint64_t end = (from / kStep + 1) * kStep; end <= to && status.ok(); end += kStep) {
    for (int height = kMinCachedHeight; end % (uint64_t{1} << height) == 0; ++height) {
      Result<Hash> hash = Node(height, end);
      if (!hash.ok()) {
        status = hash.status();
        break;
      }
      memo_[{end, height}] = *hash;
      rows.push_back(SubtreeRow{end, height, *hash});
    }
  }
  if (!rows.empty()) RETURN_IF_ERROR(store_->StoreSubtrees(rows));
  return status;
}

Result<Hash> StoredTree::Node(int height, uint64_t end) {
  if (height < kMinCachedHeight) {
    std::vector<Hash> leaves;
    RETURN_IF_ERROR(ReadLeaves(end - (uint64_t{1} << height), end, &leaves));
    return RootHash(leaves);
  }
  if (auto it = memo_.find({end, height}); it != memo_.end()) return it->second;
  if (end <= trusted_end_) {
    ASSIGN_OR_RETURN(std::optional<Hash> cached, store_->CachedSubtree(height, end));
    if (cached) return *cached;
  }
  // Not cached (a hole, or a subtree completed in this batch): from the two halves.
  const uint64_t half = uint64_t{1} << (height - 1);
  ASSIGN_OR_RETURN(Hash left, Node(height - 1, end - half));
  ASSIGN_OR_RETURN(Hash right, Node(height - 1, end));
  return NodeHash(left, right);
}

bool CacheBehind(uint64_t cached_end, uint64_t size) {
  return cached_end + (uint64_t{1} << kMinCachedHeight) <= size;
}

Status CatchUpSubtrees(LedgerStore* store, uint64_t size) {
  ASSIGN_OR_RETURN(uint64_t done, store->CachedEnd(size));
  while (CacheBehind(done, size)) {
    const uint64_t end = std::min(done + kCatchUpChunk, size);
    std::vector<Hash> leaves;
    leaves.reserve(end - done);
    // On DataLoss, `leaves` holds those before the damage: their subtrees are still cached.
    const Status read = store->ReadLeaves(done, end, &leaves);
    if (!read.ok() && read.code() != StatusCode::kDataLoss) return read;
    StoredTree tree(store, done);
    tree.SetPending(done, leaves);
    const Status stored = tree.StoreCompleted(done, done + leaves.size());
    if (!stored.ok() && stored.code() != StatusCode::kDataLoss) return stored;
    if (!read.ok() || !stored.ok()) return OkStatus();
    done = end;
  }
  return OkStatus();
}

}  // namespace cairn::ledger::internal
