// The ledger's rows in PostgreSQL (see ledger_store.h), through the StateDb API: hashes as hex
// text, a batch's entries and subtree hashes in one multi-row INSERT each, appenders on any
// number of connections (nodes) serialised by a transaction-scoped advisory lock.

#include <fmt/format.h>

#include <algorithm>

#include "ledger/ledger_store.h"

namespace cairn::ledger::internal {
namespace {

// The advisory lock every append's transaction takes before it reads the size (Cairn's lock
// space: "CAIRN" and 2; the migration lock is 1). One database holds one ledger, so one key.
constexpr int64_t kAppendLock = 0x43414952'4e000002;

// Rows per multi-row INSERT (PostgreSQL allows 65,535 parameters per statement).
constexpr size_t kRowsPerInsert = 256;

// "(?, ?, ...), (?, ?, ...)" for `rows` rows of `columns` placeholders.
std::string ValuesList(size_t rows, int columns) {
  std::string row = "(";
  for (int i = 0; i < columns; ++i) row += i == 0 ? "?" : ", ?";
  row += ")";
  std::string out;
  out.reserve(rows * (row.size() + 2));
  for (size_t i = 0; i < rows; ++i) {
    if (i > 0) out += ", ";
    out += row;
  }
  return out;
}

// Streams the rows of one chunk of entries into a ChunkScan, one chunk per query (each chunk's
// statement sees the rows committed when it starts; rows below the size only ever get added).
class PostgresScan final : public ChunkReader {
 public:
  PostgresScan(store::StateDb* db, uint64_t size) : db_(db), size_(size) {}

  ChunkScan Take(uint64_t index) override {
    ChunkScan scan;
    const uint64_t begin = index * kVerifyChunk;
    BeginChunk(begin, std::min(begin + kVerifyChunk, size_), &scan);
    ByteBuffer buffer;
    bool stopped = false;
    Status status = db_->Query(
        fmt::format("SELECT {} FROM ledger_entries WHERE seq >= ? AND seq < ? ORDER BY seq",
                    kColumns),
        {static_cast<int64_t>(scan.begin), static_cast<int64_t>(scan.end)},
        [&](const store::Row& row) -> Status {
          std::string fields[10];
          for (int i = 0; i < 10; ++i) fields[i] = row.Text(i + 1);
          const EntryView entry{fields[0], fields[1], fields[2], fields[3], fields[4],
                                fields[5], fields[6], fields[7], fields[8]};
          if (ScanRow(row.Int(0), entry, fields[9], &buffer, &scan)) return OkStatus();
          stopped = true;
          return InternalError("the scan stopped");  // ends the query early (ignored)
        });
    if (stopped) return scan;
    if (!status.ok()) {
      scan.error = status;
      return scan;
    }
    EndChunk(&scan);
    return scan;
  }

 private:
  store::StateDb* db_;
  uint64_t size_;
};

class PostgresLedgerStore final : public LedgerStore {
 public:
  explicit PostgresLedgerStore(store::StateDb* db) : db_(db) {}

  Status Setup() override { return OkStatus(); }

  Status LockForAppend() override {
    // synchronous_commit = on for this transaction: its COMMIT returns once the WAL is flushed,
    // whatever the session or server default says.
    return db_->Query(
        "SELECT pg_advisory_xact_lock(?), set_config('synchronous_commit', 'on', true)",
        {kAppendLock}, [](const store::Row&) { return OkStatus(); });
  }

  Result<uint64_t> NextSeq() override {
    uint64_t next = 0;
    RETURN_IF_ERROR(db_->Query("SELECT COALESCE(MAX(seq) + 1, 0) FROM ledger_entries", {},
                               [&](const store::Row& row) {
                                 next = static_cast<uint64_t>(row.Int(0));
                                 return OkStatus();
                               }));
    return next;
  }

  Status ReadLeaves(uint64_t begin, uint64_t end, std::vector<Hash>* out) override {
    uint64_t expected = begin;
    RETURN_IF_ERROR(db_->Query(
        "SELECT seq, leaf_hash FROM ledger_entries WHERE seq >= ? AND seq < ? ORDER BY seq",
        {static_cast<int64_t>(begin), static_cast<int64_t>(end)},
        [&](const store::Row& row) -> Status {
          const int64_t seq = row.Int(0);
          if (seq != static_cast<int64_t>(expected)) {
            return DataLossError("ledger entry {} is missing (the next stored entry is {})",
                                 expected, seq);
          }
          Hash hash;
          const std::string hex = row.Text(1);
          if (!ParseHash(hex, &hash)) {
            return DataLossError("ledger entry {}: malformed leaf hash '{}'", seq, hex);
          }
          out->push_back(hash);
          ++expected;
          return OkStatus();
        }));
    if (expected != end) return DataLossError("ledger entry {} is missing", expected);
    return OkStatus();
  }

  Status InsertEntries(uint64_t first, const std::vector<Entry>& entries,
                       const std::vector<Hash>& leaves) override {
    for (size_t done = 0; done < entries.size();) {
      const size_t rows = std::min(kRowsPerInsert, entries.size() - done);
      std::vector<store::Param> params;
      params.reserve(rows * 11);
      for (size_t i = done; i < done + rows; ++i) {
        const Entry& e = entries[i];
        params.insert(params.end(), {static_cast<int64_t>(first + i), e.time, e.principal, e.action,
                                     e.subject, e.input_digest, e.result_digest, e.label,
                                     e.decision, e.ingress, ToHex(leaves[i])});
      }
      RETURN_IF_ERROR(db_->Exec(fmt::format("INSERT INTO ledger_entries ({}) VALUES {}", kColumns,
                                            ValuesList(rows, 11)),
                                params)
                          .status());
      done += rows;
    }
    return OkStatus();
  }

  Result<std::optional<Hash>> CachedSubtree(int height, uint64_t end) override {
    std::optional<Hash> hash;
    RETURN_IF_ERROR(db_->Query("SELECT hash FROM ledger_subtrees WHERE leaf_end = ? AND height = ?",
                               {static_cast<int64_t>(end), int64_t{height}},
                               [&](const store::Row& row) {
                                 Hash parsed;
                                 // A malformed row is treated as missing (Verify reports it).
                                 if (ParseHash(row.Text(0), &parsed)) hash = parsed;
                                 return OkStatus();
                               }));
    return hash;
  }

  Status StoreSubtrees(const std::vector<SubtreeRow>& all) override {
    for (size_t done = 0; done < all.size();) {
      const size_t rows = std::min(kRowsPerInsert, all.size() - done);
      std::vector<store::Param> params;
      params.reserve(rows * 3);
      for (size_t i = done; i < done + rows; ++i) {
        params.insert(params.end(), {static_cast<int64_t>(all[i].end), int64_t{all[i].height},
                                     ToHex(all[i].hash)});
      }
      RETURN_IF_ERROR(
          db_->Exec(fmt::format("INSERT INTO ledger_subtrees (leaf_end, height, hash) VALUES {} "
                                "ON CONFLICT (leaf_end, height) DO UPDATE SET hash = excluded.hash",
                                ValuesList(rows, 3)),
                    params)
              .status());
      done += rows;
    }
    return OkStatus();
  }

  Result<uint64_t> CachedEnd(uint64_t size) override {
    uint64_t end = 0;
    RETURN_IF_ERROR(db_->Query(
        "SELECT leaf_end FROM ledger_subtrees WHERE height = ? AND leaf_end <= ? "
        "ORDER BY leaf_end DESC LIMIT 1",
        {int64_t{kMinCachedHeight}, static_cast<int64_t>(size)}, [&](const store::Row& row) {
          end = static_cast<uint64_t>(row.Int(0));
          return OkStatus();
        }));
    return end;
  }

  Status ReadCachedRange(uint64_t after, uint64_t upto, std::vector<CachedRow>* out) override {
    return db_->Query(
        "SELECT leaf_end, height, hash FROM ledger_subtrees WHERE leaf_end > ? AND leaf_end <= ? "
        "ORDER BY leaf_end, height",
        {static_cast<int64_t>(after), static_cast<int64_t>(upto)}, [&](const store::Row& row) {
          CachedRow cached;
          cached.end = static_cast<uint64_t>(row.Int(0));
          cached.height = static_cast<int>(row.Int(1));
          cached.ok = ParseHash(row.Text(2), &cached.hash);
          out->push_back(cached);
          return OkStatus();
        });
  }

  Result<std::unique_ptr<ChunkReader>> ScanEntries(uint64_t size) override {
    return std::unique_ptr<ChunkReader>(std::make_unique<PostgresScan>(db_, size));
  }

 private:
  store::StateDb* db_;
};

}  // namespace

std::unique_ptr<LedgerStore> MakePostgresLedgerStore(store::StateDb* db) {
  return std::make_unique<PostgresLedgerStore>(db);
}

}  // namespace cairn::ledger::internal
