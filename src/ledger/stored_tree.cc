#include "ledger/stored_tree.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>

#include "ledger/canonical.h"

namespace cairn::ledger::internal {
namespace {

// Leaves read at a time when filling the cache for existing entries.
constexpr uint64_t kCatchUpChunk = 1 << 16;

}  // namespace

Status SqliteError(sqlite3* db, std::string_view what) {
  const int rc = sqlite3_extended_errcode(db);
  const std::string message = fmt::format("ledger: {}: {}", what, sqlite3_errmsg(db));
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return Status(StatusCode::kAlreadyExists, message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status(StatusCode::kUnavailable, message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status(StatusCode::kDataLoss, message);
    default:
      return Status(StatusCode::kInternal, message);
  }
}

Result<Statement> Prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) {
    return SqliteError(db, fmt::format("preparing '{}'", sql));
  }
  return Statement(raw, sqlite3_finalize);
}

std::string_view ColumnText(sqlite3_stmt* stmt, int column) {
  const void* bytes = sqlite3_column_blob(stmt, column);
  if (bytes == nullptr) return {};
  return std::string_view(static_cast<const char*>(bytes),
                          static_cast<size_t>(sqlite3_column_bytes(stmt, column)));
}

Result<uint64_t> CachedEnd(sqlite3* db, uint64_t size) {
  ASSIGN_OR_RETURN(Statement last, Prepare(db,
                                           "SELECT leaf_end FROM ledger_subtrees WHERE height = ? "
                                           "AND leaf_end <= ? ORDER BY leaf_end DESC LIMIT 1"));
  sqlite3_bind_int(last.get(), 1, kMinCachedHeight);
  sqlite3_bind_int64(last.get(), 2, static_cast<int64_t>(size));
  const int rc = sqlite3_step(last.get());
  if (rc == SQLITE_ROW) return static_cast<uint64_t>(sqlite3_column_int64(last.get(), 0));
  if (rc != SQLITE_DONE) return SqliteError(db, "reading the subtree cache");
  return uint64_t{0};
}

bool CacheBehind(uint64_t cached_end, uint64_t size) {
  return cached_end + (uint64_t{1} << kMinCachedHeight) <= size;
}

Status CatchUpSubtrees(sqlite3* db, uint64_t size) {
  ASSIGN_OR_RETURN(uint64_t done, CachedEnd(db, size));
  while (CacheBehind(done, size)) {
    const uint64_t end = std::min(done + kCatchUpChunk, size);
    std::vector<Hash> leaves;
    leaves.reserve(end - done);
    StoredTree reader(db, done);
    // On DataLoss, `leaves` holds those before the damage: their subtrees are still cached.
    const Status read = reader.ReadLeaves(done, end, &leaves);
    if (!read.ok() && read.code() != StatusCode::kDataLoss) return read;
    StoredTree tree(db, done);
    tree.SetPending(done, leaves);
    const Status stored = tree.StoreCompleted(done, done + leaves.size());
    if (!stored.ok() && stored.code() != StatusCode::kDataLoss) return stored;
    if (!read.ok() || !stored.ok()) return OkStatus();
    done = end;
  }
  return OkStatus();
}

Result<uint64_t> NextSeq(sqlite3* db) {
  ASSIGN_OR_RETURN(Statement stmt,
                   Prepare(db, "SELECT COALESCE(MAX(seq) + 1, 0) FROM ledger_entries"));
  if (sqlite3_step(stmt.get()) != SQLITE_ROW) return SqliteError(db, "reading the ledger size");
  return static_cast<uint64_t>(sqlite3_column_int64(stmt.get(), 0));
}

}  // namespace cairn::ledger::internal
