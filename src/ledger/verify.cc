// Ledger::Verify: one pass over every entry, recomputing leaf hashes and the tree, checked
// against the subtree cache and every signed head.

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "ledger/canonical.h"
#include "ledger/ledger.h"
#include "ledger/stored_tree.h"

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

// Entries per unit of work of the verification scan.
constexpr uint64_t kVerifyChunk = 1 << 14;
constexpr char kChunkQuery[] =
    "SELECT seq, time, principal, action, subject, input_digest, result_digest, label, decision, "
    "ingress, leaf_hash FROM ledger_entries WHERE seq >= ? AND seq < ? ORDER BY seq";

// What the scan of entries [begin, end) found: the leaf hashes recomputed from the fields of the
// dense run of entries from `begin`, the entries whose stored leaf hash differs, and why the run
// stopped short of `end`, if it did.
struct ChunkScan {
  struct Difference {
    uint64_t seq;
    bool stored_ok;          // the stored leaf hash is well-formed hex
    Hash stored;             // the stored leaf hash, if well-formed
    std::string stored_hex;  // as stored
  };
  uint64_t begin = 0;
  std::vector<Hash> computed;
  std::vector<Difference> differences;
  bool gap = false;                 // entry begin + computed.size() is missing
  std::optional<int64_t> gap_next;  // the next stored entry, if seen in the chunk
  Status error;                     // a field that is not UTF-8, or an SQLite error
};

// Scans entries [begin, end) with `stmt` (kChunkQuery) on its own connection `db`.
void ScanChunk(sqlite3* db, sqlite3_stmt* stmt, uint64_t begin, uint64_t end, ChunkScan* out) {
  out->begin = begin;
  out->computed.reserve(end - begin);
  sqlite3_reset(stmt);
  sqlite3_bind_int64(stmt, 1, static_cast<int64_t>(begin));
  sqlite3_bind_int64(stmt, 2, static_cast<int64_t>(end));
  ByteBuffer buffer;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    const int64_t seq = sqlite3_column_int64(stmt, 0);
    if (seq != static_cast<int64_t>(begin + out->computed.size())) {
      out->gap = true;
      out->gap_next = seq;
      break;
    }
    const EntryView entry{ColumnText(stmt, 1), ColumnText(stmt, 2), ColumnText(stmt, 3),
                          ColumnText(stmt, 4), ColumnText(stmt, 5), ColumnText(stmt, 6),
                          ColumnText(stmt, 7), ColumnText(stmt, 8), ColumnText(stmt, 9)};
    Hash computed;
    if (const char* bad = CanonicalLeafHash(seq, entry, &buffer, &computed)) {
      out->error = DataLossError("ledger entry {}: its {} is not valid UTF-8", seq, FieldName(bad));
      break;
    }
    out->computed.push_back(computed);
    // Hashes are stored in lowercase hex: compare as text first, parse only on a difference.
    const std::string_view stored_hex = ColumnText(stmt, 10);
    char computed_hex[64];
    HexInto(computed, computed_hex);
    if (stored_hex == std::string_view(computed_hex, sizeof(computed_hex))) continue;
    ChunkScan::Difference difference{
        static_cast<uint64_t>(seq), false, {}, std::string(stored_hex)};
    difference.stored_ok = ParseHash(stored_hex, &difference.stored);
    if (!difference.stored_ok || difference.stored != computed) {
      out->differences.push_back(std::move(difference));
    }
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    out->error = SqliteError(db, "reading the entries");
  } else if (rc == SQLITE_DONE && begin + out->computed.size() < end) {
    out->gap = true;
  }
  sqlite3_reset(stmt);  // ends the statement's read transaction
}

// Runs ScanChunk over the chunks of [0, size) on worker threads, each with its own read-only
// connection to `path`, and hands the results out in order. Workers stay at most a few chunks
// ahead of the consumer, so memory is bounded. The destructor stops and joins the workers.
class ParallelScan {
 public:
  // False if a worker connection cannot be opened (the caller then scans on its own).
  bool Start(const std::filesystem::path& path, uint64_t size, int threads) {
    size_ = size;
    chunks_ = (size + kVerifyChunk - 1) / kVerifyChunk;
    threads_ = threads;
    for (int i = 0; i < threads; ++i) {
      sqlite3* db = nullptr;
      if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) !=
          SQLITE_OK) {
        sqlite3_close(db);
        return false;
      }
      connections_.emplace_back(db, sqlite3_close);
      sqlite3_busy_timeout(db, 5000);
      sqlite3_stmt* stmt = nullptr;
      if (sqlite3_prepare_v2(db, kChunkQuery, -1, &stmt, nullptr) != SQLITE_OK) return false;
      statements_.emplace_back(stmt, sqlite3_finalize);
    }
    for (int i = 0; i < threads; ++i) workers_.emplace_back([this, i] { Work(i); });
    return true;
  }

  ~ParallelScan() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    changed_.notify_all();
    for (std::thread& t : workers_) t.join();
  }

  // The scan of chunk `index` (0, 1, 2, ... in order).
  ChunkScan Take(uint64_t index) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return done_.count(index) > 0; });
    ChunkScan scan = std::move(done_[index]);
    done_.erase(index);
    consumed_ = index + 1;
    changed_.notify_all();
    return scan;
  }

 private:
  void Work(int worker) {
    for (;;) {
      uint64_t index;
      {
        std::unique_lock lock(mu_);
        changed_.wait(
            lock, [&] { return stop_ || next_ >= chunks_ || next_ < consumed_ + 2 * threads_; });
        if (stop_ || next_ >= chunks_) return;
        index = next_++;
      }
      ChunkScan scan;
      const uint64_t begin = index * kVerifyChunk;
      ScanChunk(connections_[worker].get(), statements_[worker].get(), begin,
                std::min(begin + kVerifyChunk, size_), &scan);
      {
        std::lock_guard lock(mu_);
        done_[index] = std::move(scan);
      }
      changed_.notify_all();
    }
  }

  uint64_t size_ = 0;
  uint64_t chunks_ = 0;
  uint64_t threads_ = 0;
  std::vector<std::unique_ptr<sqlite3, int (*)(sqlite3*)>> connections_;
  std::vector<Statement> statements_;  // one per connection, used by its worker only
  std::vector<std::thread> workers_;
  std::mutex mu_;  // guards the members below
  std::condition_variable changed_;
  bool stop_ = false;
  uint64_t next_ = 0;      // the next chunk to claim
  uint64_t consumed_ = 0;  // chunks taken by the consumer
  std::map<uint64_t, ChunkScan> done_;
};

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
  // subtree; both streams are ordered by (leaf_end, height).
  sqlite3* db = db_->sqlite()->handle();
  ASSIGN_OR_RETURN(Statement cache, Prepare(db,
                                            "SELECT leaf_end, height, hash FROM ledger_subtrees "
                                            "ORDER BY leaf_end, height"));
  int cache_rc = sqlite3_step(cache.get());
  Status cache_error;
  auto check_cached = [&](int height, uint64_t end, const Hash& hash) {
    if (height < kMinCachedHeight || !cache_error.ok()) return;
    const std::pair<uint64_t, int> want(end, height);
    while (cache_rc == SQLITE_ROW &&
           std::pair<uint64_t, int>(sqlite3_column_int64(cache.get(), 0),
                                    sqlite3_column_int(cache.get(), 1)) < want) {
      cache_rc = sqlite3_step(cache.get());  // rows that are no complete subtree are never read
    }
    if (cache_rc != SQLITE_ROW) return;  // a missing row only costs speed
    if (static_cast<uint64_t>(sqlite3_column_int64(cache.get(), 0)) != end ||
        sqlite3_column_int(cache.get(), 1) != height) {
      return;
    }
    if (sqlite3_column_bytes(cache.get(), 2) != static_cast<int>(hash.size()) ||
        std::memcmp(sqlite3_column_blob(cache.get(), 2), hash.data(), hash.size()) != 0) {
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

  // Chunks are scanned on worker threads when there are several (each worker has its own
  // connection; rows below `size` are only ever appended, so their snapshots agree), else here.
  std::optional<ParallelScan> parallel;
  if (chunks >= 2 && db_->sqlite()->path() != ":memory:") {
    const int threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
    parallel.emplace();
    if (!parallel->Start(db_->sqlite()->path(), size, threads)) parallel.reset();
  }
  Statement local{nullptr, sqlite3_finalize};
  if (!parallel) {
    ASSIGN_OR_RETURN(local, Prepare(db, kChunkQuery));
  }

  std::optional<int64_t> mismatch;  // the first entry whose fields do not hash to its leaf hash
  std::string mismatch_stored;      // its stored leaf hash
  std::string mismatch_computed;    // the hash of its fields
  Status gap;
  for (uint64_t index = 0; index < chunks && gap.ok(); ++index) {
    ChunkScan scan;
    if (parallel) {
      scan = parallel->Take(index);
    } else {
      const uint64_t begin = index * kVerifyChunk;
      ScanChunk(db, local.get(), begin, std::min(begin + kVerifyChunk, size), &scan);
    }
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
  parallel.reset();
  // A gap after a mismatched entry is reported as the mismatch: it comes first.
  if (!gap.ok() && !mismatch) return gap;
  if (cache_rc != SQLITE_ROW && cache_rc != SQLITE_DONE) {
    return SqliteError(db, "reading the subtree cache");
  }

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
  for (size_t i = 0; i < heads.size(); ++i) {
    const SignedTreeHead& head = heads[i];
    if (key != nullptr) {
      Status status = VerifyTreeHead(head, *key);
      if (!status.ok()) return status;
    }
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
  return VerifyReport{entries, heads.size()};
}

}  // namespace cairn::ledger
