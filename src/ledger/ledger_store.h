#pragma once

// Internal to the ledger module: where the ledger's rows live. The Merkle logic (StoredTree,
// Ledger::AppendBatch, Ledger::Verify) is written once over this interface; each engine of the
// state database has an implementation:
//
//   * SQLite (sqlite_ledger_store.cc): raw prepared statements kept for the life of the ledger
//     (the fast path), subtree hashes as 32-byte blobs, a verification scan on up to four worker
//     threads with read-only connections of their own.
//   * PostgreSQL (pg_ledger_store.cc): statements through the StateDb API, multi-row INSERTs (one
//     round trip per batch of entries), subtree hashes as hex text, appenders serialised by a
//     transaction-scoped advisory lock, the verification scan streamed chunk by chunk.
//
// Every method runs on the caller's StateDb connection (inside the caller's transaction if one is
// open); the store borrows the StateDb, which must outlive it. One thread at a time.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ledger/canonical.h"
#include "ledger/ledger.h"
#include "ledger/merkle.h"
#include "store/state_db.h"

namespace cairn::ledger::internal {

// Subtrees of 2^kMinCachedHeight leaves and more are stored in ledger_subtrees; smaller ones are
// computed from the stored leaf hashes (at most 8 of them).
constexpr int kMinCachedHeight = 4;

// Entries per unit of work of the verification scan.
constexpr uint64_t kVerifyChunk = 1 << 14;

// The columns of ledger_entries in the order every statement of the ledger reads and writes them.
constexpr char kColumns[] =
    "seq, time, principal, action, subject, input_digest, result_digest, label, decision, "
    "ingress, leaf_hash";

// A cached subtree hash: the subtree of 2^height leaves ending before leaf `end`.
struct SubtreeRow {
  uint64_t end = 0;
  int height = 0;
  Hash hash{};
};

// A row of ledger_subtrees as stored: `ok` is false when its hash is malformed.
struct CachedRow {
  uint64_t end = 0;
  int height = 0;
  bool ok = false;
  Hash hash{};
};

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
  uint64_t end = 0;
  std::vector<Hash> computed;
  std::vector<Difference> differences;
  bool gap = false;                 // entry begin + computed.size() is missing
  std::optional<int64_t> gap_next;  // the next stored entry, if seen in the chunk
  Status error;                     // a field that is not UTF-8, or a database error
};

// Starts the scan of entries [begin, end) in `out`.
void BeginChunk(uint64_t begin, uint64_t end, ChunkScan* out);
// Adds the row of entry `seq` (read in sequence order) to the scan; false when the scan stops
// there (a gap, or a field that is not UTF-8).
bool ScanRow(int64_t seq, const EntryView& entry, std::string_view stored_hex, ByteBuffer* buffer,
             ChunkScan* out);
// Ends the scan after the last row the query returned (sets `gap` if the run is short).
void EndChunk(ChunkScan* out);

// Hands out the scans of the chunks of [0, size) in order: Take(0), Take(1), ...
class ChunkReader {
 public:
  virtual ~ChunkReader() = default;
  virtual ChunkScan Take(uint64_t index) = 0;
};

class LedgerStore {
 public:
  // The store for `db`'s engine (borrowed).
  static std::unique_ptr<LedgerStore> For(store::StateDb* db);

  virtual ~LedgerStore() = default;

  // Sets up the connection once at Open (SQLite: synchronous = FULL).
  virtual Status Setup() = 0;
  // First thing in an append's transaction, before the size is read: waits until no other
  // appender of this ledger (another connection, another node) is inside its own. SQLite's
  // BEGIN IMMEDIATE already does; PostgreSQL takes a transaction-scoped advisory lock (and makes
  // the commit synchronous whatever the session's setting).
  virtual Status LockForAppend() = 0;

  // The next sequence number: one more than the largest stored one (0 when empty).
  virtual Result<uint64_t> NextSeq() = 0;
  // Appends the stored leaf hashes of entries [begin, end) to `out`. DataLoss naming the entry
  // when one is missing or its leaf hash is malformed (`out` then holds those before it).
  virtual Status ReadLeaves(uint64_t begin, uint64_t end, std::vector<Hash>* out) = 0;
  // Stores entries first, first + 1, ... with their leaf hashes (their `time` already set).
  virtual Status InsertEntries(uint64_t first, const std::vector<Entry>& entries,
                               const std::vector<Hash>& leaves) = 0;

  // The cached hash of the subtree of 2^height leaves ending before leaf `end`; nullopt when
  // there is none or it is malformed.
  virtual Result<std::optional<Hash>> CachedSubtree(int height, uint64_t end) = 0;
  // Stores (or replaces) cached subtree hashes.
  virtual Status StoreSubtrees(const std::vector<SubtreeRow>& rows) = 0;
  // The end of the last cached subtree of the lowest cached height within the first `size`
  // entries: the cache is filled up to there.
  virtual Result<uint64_t> CachedEnd(uint64_t size) = 0;
  // Appends the cached rows with after < end <= upto to `out`, ordered by (end, height).
  virtual Status ReadCachedRange(uint64_t after, uint64_t upto, std::vector<CachedRow>* out) = 0;

  // The scans of the chunks (kVerifyChunk entries each) of entries [0, size), for Verify.
  virtual Result<std::unique_ptr<ChunkReader>> ScanEntries(uint64_t size) = 0;
};

std::unique_ptr<LedgerStore> MakeSqliteLedgerStore(store::SqliteStateDb* db);
std::unique_ptr<LedgerStore> MakePostgresLedgerStore(store::StateDb* db);

}  // namespace cairn::ledger::internal
