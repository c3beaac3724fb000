#pragma once

// The embedded state database: one SQLite file (WAL) under .cairn/ holding everything Cairn
// remembers (the context store now; the ledger and policies later).
//
// Migrations are registered per component ("catalog", "joins", "recipes", ...) so that each
// module owns its tables: Migrate() applies, in one transaction each, the migrations of a
// component whose version is above the highest recorded in `cairn_migrations`. Versions within a
// component start at 1 and only grow; an applied migration is never edited.
//
// Statement helpers bind parameters (never splice values) and map SQLite errors to Status:
// constraint violations -> kAlreadyExists/kInvalidArgument, SQLITE_BUSY -> kUnavailable,
// corruption -> kDataLoss, anything else -> kInternal, each naming the statement's first words.
//
// Thread-safety: a StateDb is used by one thread at a time (open one per thread; WAL lets
// readers and one writer share the file). Lifetime: statements must not outlive the StateDb.

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/status.h"

namespace cairn::store {

struct Migration {
  int version;       // 1, 2, 3, ... within a component
  std::string name;  // what it does, for the record
  std::string sql;   // one or more statements
};

// A bound parameter or a column value.
using Param = std::variant<std::nullptr_t, int64_t, double, std::string>;

class Row {
 public:
  explicit Row(sqlite3_stmt* stmt) : stmt_(stmt) {}
  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  double Real(int column) const { return sqlite3_column_double(stmt_, column); }
  std::string Text(int column) const;
  bool IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  int size() const { return sqlite3_column_count(stmt_); }

 private:
  sqlite3_stmt* stmt_;
};

class StateDb {
 public:
  // Opens (creating if needed, with parent directories) the database at `path` in WAL mode with
  // foreign keys on. ":memory:" opens a private in-memory database (tests).
  // Unavailable if the file cannot be opened; DataLoss if it is not a database.
  static Result<std::unique_ptr<StateDb>> Open(const std::filesystem::path& path);
  ~StateDb();

  StateDb(const StateDb&) = delete;
  StateDb& operator=(const StateDb&) = delete;

  // Applies the pending migrations of `component`. Returns how many were applied.
  Result<int> Migrate(const std::string& component, const std::vector<Migration>& migrations);

  // The highest applied version of `component`, 0 if none.
  Result<int> Version(const std::string& component);

  // Runs one statement with parameters; returns the number of rows changed.
  Result<int64_t> Exec(const std::string& sql, const std::vector<Param>& params = {});

  // Runs one query, calling `row` for each result row; `row` may return a non-OK Status to stop.
  Status Query(const std::string& sql, const std::vector<Param>& params,
               const std::function<Status(const Row&)>& row);

  // Runs `body` in a transaction (BEGIN IMMEDIATE); commits if it returns OK, else rolls back
  // and returns its error. Not reentrant.
  Status Transaction(const std::function<Status()>& body);

  int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_); }
  // The raw connection, for modules that need SQLite features directly (FTS5, blobs).
  sqlite3* handle() { return db_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  StateDb(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)) {}
  Result<sqlite3_stmt*> Prepare(const std::string& sql, const std::vector<Param>& params);
  Status Error(int rc, const std::string& sql) const;

  sqlite3* db_;
  std::filesystem::path path_;
};

}  // namespace cairn::store
