// Ledger::Verify: one pass over every entry, recomputing leaf hashes and the tree, checked
// against the subtree cache and every signed head.

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "ledger/canonical.h"
#include "ledger/ledger.h"
#include "ledger/ledger_store.h"

namespace cairn::ledger {
namespace {

using namespace internal;  // NOLINT: the module's own helpers

// A leaf hash alone cannot tell which field changed, so this names the entry and both hashes.
Status LeafMismatch(int64_t seq, const std::string& stored, const std::string& computed) {
  return DataLossError(
      "ledger entry {}: the stored leaf hash {} differs from the hash of the stored fields {} "
      "(a field or the hash of entry {} was altered)",
      seq, stored, computed, seq);
}

// The keys heads may be signed with: the signer list, each row checked against its key id, and
// `trusted` (a key the caller holds, for ledgers from before the list).
Result<std::map<std::string, PublicKey>> SigningKeys(store::StateDb& db, const PublicKey* trusted) {
  std::map<std::string, PublicKey> keys;
  RETURN_IF_ERROR(db.Query("SELECT key_id, public_key FROM ledger_signers ORDER BY key_id", {},
                           [&](const store::Row& r) -> Status {
                             const std::string key_id = r.Text(0);
                             Result<PublicKey> key = PublicKey::FromPem(r.Text(1));
                             if (!key.ok() || key->key_id() != key_id) {
                               return DataLossError(
                                   "the ledger's signer list names key {} with a public key that "
                                   "is not that key (the table ledger_signers was altered)",
                                   key_id);
                             }
                             keys.emplace(key_id, std::move(*key));
                             return OkStatus();
                           }));
  if (trusted != nullptr) keys.insert_or_assign(trusted->key_id(), *trusted);
  return keys;
}

}  // namespace

Result<VerifyReport> Ledger::Verify(const PublicKey* key,
                                    const std::vector<SignedTreeHead>& saved_heads) {
  std::vector<SignedTreeHead> heads;
  RETURN_IF_ERROR(
      db_->Query("SELECT tree_size, root_hash, timestamp, signature, key_id FROM ledger_tree_heads",
                 {}, [&](const store::Row& r) {
                   heads.push_back(SignedTreeHead{static_cast<uint64_t>(r.Int(0)), r.Text(1),
                                                  r.Text(2), r.Text(3), r.Text(4)});
                   return OkStatus();
                 }));
  heads.insert(heads.end(), saved_heads.begin(), saved_heads.end());
  ASSIGN_OR_RETURN(const auto keys, SigningKeys(*db_, key));
  std::sort(heads.begin(), heads.end(), [](const SignedTreeHead& a, const SignedTreeHead& b) {
    return a.tree_size < b.tree_size;
  });

  // One pass in sequence order; the tree is built incrementally (TreeBuilder), so memory does
  // not grow with the ledger. `recomputed` holds the leaves hashed from the fields; `stored`,
  // created at the first mismatch, the leaves as stored. The roots of both are taken at every
  // head's size as the scan passes it.
  TreeBuilder recomputed;
  std::optional<TreeBuilder> stored;
  std::vector<std::optional<Hash>> recomputed_roots(heads.size());
  std::vector<std::optional<Hash>> stored_roots(heads.size());
  size_t next_head = 0;
  auto take_roots = [&]() {
    for (; next_head < heads.size() && heads[next_head].tree_size <= recomputed.size();
         ++next_head) {
      if (heads[next_head].tree_size < recomputed.size()) continue;
      recomputed_roots[next_head] = recomputed.Root();
      stored_roots[next_head] = stored ? stored->Root() : *recomputed_roots[next_head];
    }
  };
  take_roots();

  // The cached subtree hashes are compared with the recomputed tree as it completes each
  // subtree; `cached` holds the rows of the chunk being scanned, ordered by (leaf_end, height).
  std::vector<CachedRow> cached;
  size_t next_cached = 0;
  Status cache_error;
  auto check_cached = [&](int height, uint64_t end, const Hash& hash) {
    if (height < kMinCachedHeight || !cache_error.ok()) return;
    const std::pair<uint64_t, int> want(end, height);
    while (next_cached < cached.size() &&
           std::pair<uint64_t, int>(cached[next_cached].end, cached[next_cached].height) < want) {
      ++next_cached;  // rows that are no complete subtree are never read
    }
    if (next_cached == cached.size()) return;  // a missing row only costs speed
    const CachedRow& row = cached[next_cached];
    if (row.end != end || row.height != height) return;
    if (!row.ok || row.hash != hash) {
      cache_error = DataLossError(
          "the ledger's cached hash of entries {}..{} (subtree of height {}) differs from the "
          "hash recomputed from the entries: proofs and heads served from it are wrong (the "
          "table ledger_subtrees was altered)",
          end - (uint64_t{1} << height), end - 1, height);
    }
  };

  // Entries below 0 or above the largest sequence number are never part of the tree; a stored
  // negative one comes first in sequence order, so entry 0 is reported missing.
  int64_t min_seq = 0;
  int64_t max_seq = -1;
  RETURN_IF_ERROR(
      db_->Query("SELECT MIN(seq), MAX(seq) FROM ledger_entries", {}, [&](const store::Row& r) {
        if (!r.IsNull(0)) min_seq = r.Int(0);
        if (!r.IsNull(1)) max_seq = r.Int(1);
        return OkStatus();
      }));
  if (min_seq < 0) {
    return DataLossError("ledger entry 0 is missing (the next stored entry is {})", min_seq);
  }
  const uint64_t size = static_cast<uint64_t>(max_seq + 1);
  const uint64_t chunks = (size + kVerifyChunk - 1) / kVerifyChunk;

  ASSIGN_OR_RETURN(std::unique_ptr<ChunkReader> reader, store_->ScanEntries(size));

  std::optional<int64_t> mismatch;  // the first entry whose fields do not hash to its leaf hash
  std::string mismatch_stored;      // its stored leaf hash
  std::string mismatch_computed;    // the hash of its fields
  Status gap;
  for (uint64_t index = 0; index < chunks && gap.ok(); ++index) {
    ChunkScan scan = reader->Take(index);
    cached.clear();
    next_cached = 0;
    RETURN_IF_ERROR(store_->ReadCachedRange(scan.begin, scan.end, &cached));
    auto difference = scan.differences.begin();
    for (size_t i = 0; i < scan.computed.size(); ++i) {
      const uint64_t seq = scan.begin + i;
      const Hash& computed = scan.computed[i];
      Hash stored_leaf = computed;
      if (difference != scan.differences.end() && difference->seq == seq) {
        if (!mismatch) {
          mismatch = static_cast<int64_t>(seq);
          mismatch_stored = difference->stored_hex;
          mismatch_computed = ToHex(computed);
          stored = recomputed;
        }
        if (difference->stored_ok) stored_leaf = difference->stored;
        ++difference;
      }
      recomputed.Push(computed, check_cached);
      if (stored) stored->Push(stored_leaf);
      take_roots();
    }
    if (!scan.error.ok()) return scan.error;
    if (scan.gap) {
      const uint64_t missing = scan.begin + scan.computed.size();
      int64_t next = scan.gap_next.value_or(-1);
      if (!scan.gap_next) {
        RETURN_IF_ERROR(db_->Query("SELECT MIN(seq) FROM ledger_entries WHERE seq > ?",
                                   {static_cast<int64_t>(missing)}, [&](const store::Row& r) {
                                     next = r.Int(0);
                                     return OkStatus();
                                   }));
      }
      gap =
          DataLossError("ledger entry {} is missing (the next stored entry is {})", missing, next);
    }
  }
  reader.reset();
  // A gap after a mismatched entry is reported as the mismatch: it comes first.
  if (!gap.ok() && !mismatch) return gap;

  if (mismatch) {
    const int64_t seq = *mismatch;
    const std::string& computed = mismatch_computed;
    // A signed head covering the entry tells which of fields and leaf hash is the original.
    for (size_t i = 0; i < heads.size(); ++i) {
      const SignedTreeHead& head = heads[i];
      if (head.tree_size <= static_cast<uint64_t>(seq) || !recomputed_roots[i]) continue;
      if (ToHex(*stored_roots[i]) == head.root_hash) {
        return DataLossError(
            "ledger entry {}: its fields were altered (they hash to {}, but the signed tree head "
            "at size {} covers the stored leaf hash {})",
            seq, computed, head.tree_size, mismatch_stored);
      }
      if (ToHex(*recomputed_roots[i]) == head.root_hash) {
        return DataLossError(
            "ledger entry {}: its stored leaf hash {} was altered (the fields hash to {}, which "
            "the signed tree head at size {} covers)",
            seq, mismatch_stored, computed, head.tree_size);
      }
      break;
    }
    return LeafMismatch(seq, mismatch_stored, computed);
  }

  const uint64_t entries = recomputed.size();
  // A truncated tail is reported first: it names the earliest missing entry.
  if (!heads.empty() && heads.back().tree_size > entries) {
    return DataLossError(
        "ledger entry {} is missing: the ledger ends after {} entries but a signed tree head "
        "covers {} (the tail was truncated)",
        entries, entries, heads.back().tree_size);
  }
  uint64_t previous = 0;
  std::set<std::string> used_keys;
  for (size_t i = 0; i < heads.size(); ++i) {
    const SignedTreeHead& head = heads[i];
    auto signer = keys.find(head.key_id);
    if (signer == keys.end()) {
      return DataLossError(
          "the tree head at size {} is signed by key {}, which is not in the ledger's signer list",
          head.tree_size, head.key_id);
    }
    RETURN_IF_ERROR(VerifyTreeHead(head, signer->second));
    used_keys.insert(head.key_id);
    const std::string root = ToHex(*recomputed_roots[i]);
    if (root != head.root_hash) {
      return DataLossError(
          "ledger entries {}..{} do not match the signed tree head at size {} (root {}, "
          "recomputed {}): an entry in that range was rewritten together with its hash",
          previous, head.tree_size - 1, head.tree_size, head.root_hash, root);
    }
    previous = head.tree_size;
  }
  if (!cache_error.ok()) return cache_error;
  return VerifyReport{entries, heads.size(), used_keys.size()};
}

}  // namespace cairn::ledger
