// The ledger's rows in SQLite (see ledger_store.h): raw prepared statements, kept for the life of
// the ledger and reset after each use (so that none holds a read transaction open).

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "ledger/ledger_store.h"
#include "store/sqlite_errors.h"

namespace cairn::ledger::internal {
namespace {

using Statement = std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)>;

constexpr char kChunkQuery[] =
    "SELECT seq, time, principal, action, subject, input_digest, result_digest, label, decision, "
    "ingress, leaf_hash FROM ledger_entries WHERE seq >= ? AND seq < ? ORDER BY seq";

// Maps the last error of `db` (store::SqliteStatusCode); `what` says what the ledger was doing.
Status SqliteError(sqlite3* db, std::string_view what) {
  const int rc = sqlite3_extended_errcode(db);
  const std::string message = fmt::format("ledger: {}: {}", what, sqlite3_errmsg(db));
  return Status(store::SqliteStatusCode(rc), message);
}

Result<Statement> Prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) {
    return SqliteError(db, fmt::format("preparing '{}'", sql));
  }
  return Statement(raw, sqlite3_finalize);
}

// Column `column` of the current row as bytes, without a copy: sqlite3_column_blob() returns
// text in place, where sqlite3_column_text() would copy it to add a terminator. Valid until the
// next step.
std::string_view ColumnText(sqlite3_stmt* stmt, int column) {
  const void* bytes = sqlite3_column_blob(stmt, column);
  if (bytes == nullptr) return {};
  return std::string_view(static_cast<const char*>(bytes),
                          static_cast<size_t>(sqlite3_column_bytes(stmt, column)));
}

// Scans entries [begin, end) with `stmt` (kChunkQuery) on its connection `db`.
void ScanChunk(sqlite3* db, sqlite3_stmt* stmt, uint64_t begin, uint64_t end, ChunkScan* out) {
  BeginChunk(begin, end, out);
  sqlite3_reset(stmt);
  sqlite3_bind_int64(stmt, 1, static_cast<int64_t>(begin));
  sqlite3_bind_int64(stmt, 2, static_cast<int64_t>(end));
  ByteBuffer buffer;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    const EntryView entry{ColumnText(stmt, 1), ColumnText(stmt, 2), ColumnText(stmt, 3),
                          ColumnText(stmt, 4), ColumnText(stmt, 5), ColumnText(stmt, 6),
                          ColumnText(stmt, 7), ColumnText(stmt, 8), ColumnText(stmt, 9)};
    if (!ScanRow(sqlite3_column_int64(stmt, 0), entry, ColumnText(stmt, 10), &buffer, out)) break;
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    out->error = SqliteError(db, "reading the entries");
  } else if (rc == SQLITE_DONE) {
    EndChunk(out);
  }
  sqlite3_reset(stmt);  // ends the statement's read transaction
}

// Runs ScanChunk over the chunks of [0, size) on worker threads, each with its own read-only
// connection to `path`, and hands the results out in order. Workers stay at most a few chunks
// ahead of the consumer, so memory is bounded. The destructor stops and joins the workers.
class ParallelScan final : public ChunkReader {
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

  ~ParallelScan() override {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    changed_.notify_all();
    for (std::thread& t : workers_) t.join();
  }

  // The scan of chunk `index` (0, 1, 2, ... in order).
  ChunkScan Take(uint64_t index) override {
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

// Scans the chunks one after the other on the ledger's own connection.
class LocalScan final : public ChunkReader {
 public:
  LocalScan(sqlite3* db, sqlite3_stmt* stmt, uint64_t size) : db_(db), stmt_(stmt), size_(size) {}
  ChunkScan Take(uint64_t index) override {
    ChunkScan scan;
    const uint64_t begin = index * kVerifyChunk;
    ScanChunk(db_, stmt_, begin, std::min(begin + kVerifyChunk, size_), &scan);
    return scan;
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  uint64_t size_;
};

// Resets a statement when it goes out of scope, so that it holds no read transaction between
// uses.
class Use {
 public:
  explicit Use(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Use() { sqlite3_reset(stmt_); }
  Use(const Use&) = delete;
  Use& operator=(const Use&) = delete;
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_;
};

class SqliteLedgerStore final : public LedgerStore {
 public:
  explicit SqliteLedgerStore(store::SqliteStateDb* db) : state_(db), db_(db->handle()) {}

  Status Setup() override {
    // An acknowledged entry must survive power loss: the WAL commit is fsynced.
    RETURN_IF_ERROR(state_->Query("PRAGMA synchronous = FULL", {},
                                  [](const store::Row&) { return OkStatus(); }));
    return OkStatus();
  }

  // BEGIN IMMEDIATE (StateDb::Transaction) already queues the writers.
  Status LockForAppend() override { return OkStatus(); }

  Result<uint64_t> NextSeq() override {
    ASSIGN_OR_RETURN(sqlite3_stmt * raw,
                     Cached(&next_seq_, "SELECT COALESCE(MAX(seq) + 1, 0) FROM ledger_entries"));
    Use stmt(raw);
    if (sqlite3_step(stmt.get()) != SQLITE_ROW) return SqliteError(db_, "reading the ledger size");
    return static_cast<uint64_t>(sqlite3_column_int64(stmt.get(), 0));
  }

  Status ReadLeaves(uint64_t begin, uint64_t end, std::vector<Hash>* out) override {
    ASSIGN_OR_RETURN(sqlite3_stmt * raw, Cached(&leaves_,
                                                "SELECT seq, leaf_hash FROM ledger_entries "
                                                "WHERE seq >= ? AND seq < ? ORDER BY seq"));
    Use stmt(raw);
    sqlite3_bind_int64(raw, 1, static_cast<int64_t>(begin));
    sqlite3_bind_int64(raw, 2, static_cast<int64_t>(end));
    uint64_t expected = begin;
    int rc;
    while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
      const int64_t seq = sqlite3_column_int64(raw, 0);
      if (seq != static_cast<int64_t>(expected)) {
        return DataLossError("ledger entry {} is missing (the next stored entry is {})", expected,
                             seq);
      }
      Hash hash;
      if (!ParseHash(ColumnText(raw, 1), &hash)) {
        return DataLossError("ledger entry {}: malformed leaf hash '{}'", seq, ColumnText(raw, 1));
      }
      out->push_back(hash);
      ++expected;
    }
    if (rc != SQLITE_DONE) return SqliteError(db_, "reading leaf hashes");
    if (expected != end) return DataLossError("ledger entry {} is missing", expected);
    return OkStatus();
  }

  Status InsertEntries(uint64_t first, const std::vector<Entry>& entries,
                       const std::vector<Hash>& leaves) override {
    static const std::string sql = fmt::format(
        "INSERT INTO ledger_entries ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", kColumns);
    ASSIGN_OR_RETURN(sqlite3_stmt * raw, Cached(&insert_entry_, sql.c_str()));
    Use stmt(raw);
    char leaf_hex[64];
    for (size_t i = 0; i < entries.size(); ++i) {
      const Entry& e = entries[i];
      HexInto(leaves[i], leaf_hex);
      sqlite3_reset(raw);
      sqlite3_bind_int64(raw, 1, static_cast<int64_t>(first + i));
      int index = 2;
      for (const std::string* field :
           {&e.time, &e.principal, &e.action, &e.subject, &e.input_digest, &e.result_digest,
            &e.label, &e.decision, &e.ingress}) {
        sqlite3_bind_text(raw, index++, field->data(), static_cast<int>(field->size()),
                          SQLITE_STATIC);
      }
      sqlite3_bind_text(raw, index, leaf_hex, sizeof(leaf_hex), SQLITE_TRANSIENT);
      if (sqlite3_step(raw) != SQLITE_DONE) return SqliteError(db_, "inserting an entry");
    }
    return OkStatus();
  }

  Result<std::optional<Hash>> CachedSubtree(int height, uint64_t end) override {
    ASSIGN_OR_RETURN(sqlite3_stmt * raw, Cached(&subtree_,
                                                "SELECT hash FROM ledger_subtrees "
                                                "WHERE leaf_end = ? AND height = ?"));
    Use stmt(raw);
    sqlite3_bind_int64(raw, 1, static_cast<int64_t>(end));
    sqlite3_bind_int(raw, 2, height);
    const int rc = sqlite3_step(raw);
    if (rc == SQLITE_DONE) return std::optional<Hash>();
    if (rc != SQLITE_ROW) return SqliteError(db_, "reading a subtree hash");
    Hash hash;
    // A malformed row is treated as missing (Verify reports it).
    if (sqlite3_column_bytes(raw, 0) != static_cast<int>(hash.size())) {
      return std::optional<Hash>();
    }
    std::memcpy(hash.data(), sqlite3_column_blob(raw, 0), hash.size());
    return std::optional<Hash>(hash);
  }

  Status StoreSubtrees(const std::vector<SubtreeRow>& rows) override {
    ASSIGN_OR_RETURN(sqlite3_stmt * raw, Cached(&insert_subtree_,
                                                "INSERT OR REPLACE INTO ledger_subtrees "
                                                "(leaf_end, height, hash) VALUES (?, ?, ?)"));
    Use stmt(raw);
    for (const SubtreeRow& row : rows) {
      sqlite3_reset(raw);
      sqlite3_bind_int64(raw, 1, static_cast<int64_t>(row.end));
      sqlite3_bind_int(raw, 2, row.height);
      sqlite3_bind_blob(raw, 3, row.hash.data(), static_cast<int>(row.hash.size()), SQLITE_STATIC);
      if (sqlite3_step(raw) != SQLITE_DONE) return SqliteError(db_, "storing a subtree hash");
    }
    return OkStatus();
  }

  Result<uint64_t> CachedEnd(uint64_t size) override {
    ASSIGN_OR_RETURN(sqlite3_stmt * raw,
                     Cached(&cached_end_,
                            "SELECT leaf_end FROM ledger_subtrees WHERE height = ? "
                            "AND leaf_end <= ? ORDER BY leaf_end DESC LIMIT 1"));
    Use stmt(raw);
    sqlite3_bind_int(raw, 1, kMinCachedHeight);
    sqlite3_bind_int64(raw, 2, static_cast<int64_t>(size));
    const int rc = sqlite3_step(raw);
    if (rc == SQLITE_ROW) return static_cast<uint64_t>(sqlite3_column_int64(raw, 0));
    if (rc != SQLITE_DONE) return SqliteError(db_, "reading the subtree cache");
    return uint64_t{0};
  }

  Status ReadCachedRange(uint64_t after, uint64_t upto, std::vector<CachedRow>* out) override {
    ASSIGN_OR_RETURN(sqlite3_stmt * raw,
                     Cached(&cached_range_,
                            "SELECT leaf_end, height, hash FROM ledger_subtrees "
                            "WHERE leaf_end > ? AND leaf_end <= ? ORDER BY leaf_end, height"));
    Use stmt(raw);
    sqlite3_bind_int64(raw, 1, static_cast<int64_t>(after));
    sqlite3_bind_int64(raw, 2, static_cast<int64_t>(upto));
    int rc;
    while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
      CachedRow row;
      row.end = static_cast<uint64_t>(sqlite3_column_int64(raw, 0));
      row.height = sqlite3_column_int(raw, 1);
      row.ok = sqlite3_column_bytes(raw, 2) == static_cast<int>(row.hash.size());
      if (row.ok) std::memcpy(row.hash.data(), sqlite3_column_blob(raw, 2), row.hash.size());
      out->push_back(row);
    }
    if (rc != SQLITE_DONE) return SqliteError(db_, "reading the subtree cache");
    return OkStatus();
  }

  Result<std::unique_ptr<ChunkReader>> ScanEntries(uint64_t size) override {
    // Chunks are scanned on worker threads when there are several (each worker has its own
    // connection; rows below `size` are only ever appended, so their snapshots agree).
    const uint64_t chunks = (size + kVerifyChunk - 1) / kVerifyChunk;
    if (chunks >= 2 && state_->path() != ":memory:") {
      const int threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
      auto parallel = std::make_unique<ParallelScan>();
      if (parallel->Start(state_->path(), size, threads)) {
        return std::unique_ptr<ChunkReader>(std::move(parallel));
      }
    }
    ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Cached(&chunk_, kChunkQuery));
    return std::unique_ptr<ChunkReader>(std::make_unique<LocalScan>(db_, stmt, size));
  }

 private:
  // The statement in `slot`, prepared on first use.
  Result<sqlite3_stmt*> Cached(Statement* slot, const char* sql) {
    if (*slot == nullptr) {
      ASSIGN_OR_RETURN(*slot, Prepare(db_, sql));
    }
    return slot->get();
  }

  store::SqliteStateDb* state_;
  sqlite3* db_;
  Statement next_seq_{nullptr, sqlite3_finalize};
  Statement leaves_{nullptr, sqlite3_finalize};
  Statement insert_entry_{nullptr, sqlite3_finalize};
  Statement subtree_{nullptr, sqlite3_finalize};
  Statement insert_subtree_{nullptr, sqlite3_finalize};
  Statement cached_end_{nullptr, sqlite3_finalize};
  Statement cached_range_{nullptr, sqlite3_finalize};
  Statement chunk_{nullptr, sqlite3_finalize};
};

}  // namespace

std::unique_ptr<LedgerStore> MakeSqliteLedgerStore(store::SqliteStateDb* db) {
  return std::make_unique<SqliteLedgerStore>(db);
}

}  // namespace cairn::ledger::internal
