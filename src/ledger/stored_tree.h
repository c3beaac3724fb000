#pragma once

// Internal to the ledger module: the Merkle tree of the stored entries, read through the cached
// subtree hashes (table ledger_subtrees) and the stored leaf hashes, and the raw SQLite helpers
// of the ledger's fast paths.

#include <sqlite3.h>

#include <bit>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ledger/canonical.h"
#include "ledger/merkle.h"

namespace cairn::ledger::internal {

// Subtrees of 2^kMinCachedHeight leaves and more are stored in ledger_subtrees; smaller ones are
// computed from the stored leaf hashes (at most 8 of them).
constexpr int kMinCachedHeight = 4;

using Statement = std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)>;

// Maps the last error of `db` like StateDb does; `what` says what the ledger was doing.
Status SqliteError(sqlite3* db, std::string_view what);

Result<Statement> Prepare(sqlite3* db, const char* sql);

// Column `column` of the current row as bytes, without a copy: sqlite3_column_blob() returns
// text in place, where sqlite3_column_text() would copy it to add a terminator. Valid until the
// next step.
std::string_view ColumnText(sqlite3_stmt* stmt, int column);

// The largest power of two strictly below n (n >= 2).
inline uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

// The Merkle tree of the stored entries, read through the cached subtree hashes
// (ledger_subtrees) and, below kMinCachedHeight or where a cached hash is missing, through the
// stored leaf hashes. Used for one operation inside the caller's transaction or snapshot;
// borrows `db`.
class StoredTree {
 public:
  // Cached hashes of subtrees ending after `trusted_end` leaves are ignored: they are either
  // not written yet or left over beyond the end of a truncated ledger.
  StoredTree(sqlite3* db, uint64_t trusted_end) : db_(db), trusted_end_(trusted_end) {}

  // Leaves [first, first + leaves.size()) come from `leaves` instead of the table (the batch
  // being appended, or a chunk read ahead); `leaves` must outlive the calls that follow.
  void SetPending(uint64_t first, std::span<const Hash> leaves) {
    pending_first_ = first;
    pending_ = leaves;
  }

  // MTH of the leaves [begin, end), a range of RFC 6962's recursion (a complete
  // subtree, or the right edge of one). DataLoss when a needed leaf hash is missing or malformed.
  Result<Hash> Root(uint64_t begin, uint64_t end) {
    const uint64_t n = end - begin;
    if (n == 0) return Sha256("");
    if (std::has_single_bit(n)) return Node(std::countr_zero(n), end);
    const uint64_t k = SplitPoint(n);
    ASSIGN_OR_RETURN(Hash left, Root(begin, begin + k));
    ASSIGN_OR_RETURN(Hash right, Root(begin + k, end));
    return NodeHash(left, right);
  }

  // The stored leaf hashes of entries [begin, end), appended to `out`.
  Status ReadLeaves(uint64_t begin, uint64_t end, std::vector<Hash>* out) {
    const uint64_t stored_end = std::min(end, pending_first_);
    if (begin < stored_end) {
      if (leaves_ == nullptr) {
        ASSIGN_OR_RETURN(leaves_, Prepare(db_,
                                          "SELECT seq, leaf_hash FROM ledger_entries "
                                          "WHERE seq >= ? AND seq < ? ORDER BY seq"));
      }
      sqlite3_stmt* stmt = leaves_.get();
      sqlite3_reset(stmt);
      sqlite3_bind_int64(stmt, 1, static_cast<int64_t>(begin));
      sqlite3_bind_int64(stmt, 2, static_cast<int64_t>(stored_end));
      uint64_t expected = begin;
      int rc;
      while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const int64_t seq = sqlite3_column_int64(stmt, 0);
        if (seq != static_cast<int64_t>(expected)) {
          return DataLossError("ledger entry {} is missing (the next stored entry is {})", expected,
                               seq);
        }
        Hash hash;
        if (!ParseHash(ColumnText(stmt, 1), &hash)) {
          return DataLossError("ledger entry {}: malformed leaf hash '{}'", seq,
                               ColumnText(stmt, 1));
        }
        out->push_back(hash);
        ++expected;
      }
      if (rc != SQLITE_DONE) return SqliteError(db_, "reading leaf hashes");
      if (expected != stored_end) return DataLossError("ledger entry {} is missing", expected);
    }
    for (uint64_t i = std::max(begin, pending_first_); i < end; ++i) {
      out->push_back(pending_[i - pending_first_]);
    }
    return OkStatus();
  }

  // Computes and stores (INSERT OR REPLACE) the hash of every cached-height subtree completed
  // by the leaves (from, to]; the leaves after `from` must be pending.
  Status StoreCompleted(uint64_t from, uint64_t to) {
    if (insert_ == nullptr) {
      ASSIGN_OR_RETURN(insert_, Prepare(db_,
                                        "INSERT OR REPLACE INTO ledger_subtrees "
                                        "(leaf_end, height, hash) VALUES (?, ?, ?)"));
    }
    constexpr uint64_t kStep = uint64_t{1} << kMinCachedHeight;
    for (uint64_t end = (from / kStep + 1) * kStep; end <= to; end += kStep) {
      for (int height = kMinCachedHeight; end % (uint64_t{1} << height) == 0; ++height) {
        ASSIGN_OR_RETURN(Hash hash, Node(height, end));
        memo_[{end, height}] = hash;
        sqlite3_stmt* stmt = insert_.get();
        sqlite3_reset(stmt);
        sqlite3_bind_int64(stmt, 1, static_cast<int64_t>(end));
        sqlite3_bind_int(stmt, 2, height);
        sqlite3_bind_blob(stmt, 3, hash.data(), static_cast<int>(hash.size()), SQLITE_STATIC);
        if (sqlite3_step(stmt) != SQLITE_DONE) return SqliteError(db_, "storing a subtree hash");
      }
    }
    return OkStatus();
  }

 private:
  // The root of the complete subtree of 2^height leaves ending before leaf `end`.
  Result<Hash> Node(int height, uint64_t end) {
    if (height < kMinCachedHeight) {
      std::vector<Hash> leaves;
      RETURN_IF_ERROR(ReadLeaves(end - (uint64_t{1} << height), end, &leaves));
      return RootHash(leaves);
    }
    if (auto it = memo_.find({end, height}); it != memo_.end()) return it->second;
    if (end <= trusted_end_) {
      ASSIGN_OR_RETURN(std::optional<Hash> cached, Cached(height, end));
      if (cached) return *cached;
    }
    // Not cached (a hole, or a subtree completed in this batch): from the two halves.
    const uint64_t half = uint64_t{1} << (height - 1);
    ASSIGN_OR_RETURN(Hash left, Node(height - 1, end - half));
    ASSIGN_OR_RETURN(Hash right, Node(height - 1, end));
    return NodeHash(left, right);
  }

  Result<std::optional<Hash>> Cached(int height, uint64_t end) {
    if (cached_ == nullptr) {
      ASSIGN_OR_RETURN(cached_, Prepare(db_,
                                        "SELECT hash FROM ledger_subtrees "
                                        "WHERE leaf_end = ? AND height = ?"));
    }
    sqlite3_stmt* stmt = cached_.get();
    sqlite3_reset(stmt);
    sqlite3_bind_int64(stmt, 1, static_cast<int64_t>(end));
    sqlite3_bind_int(stmt, 2, height);
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) return std::optional<Hash>();
    if (rc != SQLITE_ROW) return SqliteError(db_, "reading a subtree hash");
    Hash hash;
    // A malformed row is treated as missing (Verify reports it).
    if (sqlite3_column_bytes(stmt, 0) != static_cast<int>(hash.size())) {
      return std::optional<Hash>();
    }
    std::memcpy(hash.data(), sqlite3_column_blob(stmt, 0), hash.size());
    return std::optional<Hash>(hash);
  }

  sqlite3* db_;
  uint64_t trusted_end_;
  uint64_t pending_first_ = UINT64_MAX;
  std::span<const Hash> pending_;
  Statement leaves_{nullptr, sqlite3_finalize};
  Statement cached_{nullptr, sqlite3_finalize};
  Statement insert_{nullptr, sqlite3_finalize};
  std::map<std::pair<uint64_t, int>, Hash> memo_;  // subtrees computed by StoreCompleted
};

// The end of the last cached subtree of the lowest cached height within the first `size`
// entries: the cache is filled up to there.
Result<uint64_t> CachedEnd(sqlite3* db, uint64_t size);

// True if complete subtrees of the lowest cached height end after `cached_end` within `size`.
bool CacheBehind(uint64_t cached_end, uint64_t size);

// Fills ledger_subtrees for the entries after CachedEnd() up to `size` (ledgers from before
// migration 2). Call inside a write transaction. The cache is derived data, so a missing or
// malformed leaf hash (which Verify reports) only stops the filling, without an error; proofs
// over that range are then computed from the leaf hashes, and fail there.
Status CatchUpSubtrees(sqlite3* db, uint64_t size);

// The next sequence number: one more than the largest stored one.
Result<uint64_t> NextSeq(sqlite3* db);

}  // namespace cairn::ledger::internal
