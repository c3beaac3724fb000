#pragma once

// The state database: everything Cairn remembers (the context store, principals and tokens,
// declassifications, workflow cases, the ledger). Two engines stand behind one interface:
//
//   * SQLite (the default): one file, .cairn/state.sqlite, in WAL mode, for one machine.
//   * PostgreSQL (`state:` in cairn.yaml, or --state): one database shared by any number of
//     stateless `cairn serve` nodes.
//
// Migrations are registered per component ("catalog", "joins", "recipes", ...) so that each
// module owns its tables: Migrate() applies, in one transaction each, the migrations of a
// component whose version is above the highest recorded in `cairn_migrations`. Versions within a
// component start at 1 and only grow; an applied migration is never edited. A migration carries
// its SQL for each engine (`postgres` empty means the same text serves both). On PostgreSQL,
// nodes starting together migrate one at a time (a transaction-scoped advisory lock), and each
// re-reads the version under the lock, so a migration is applied once.
//
// Statements are written once for both engines in the common subset: `?` (or `?N`)
// placeholders, which the PostgreSQL backend renumbers as `$N` (outside quotes and comments);
// INSERT ... ON CONFLICT (target) DO NOTHING / DO UPDATE; RETURNING for generated ids; and
// strftime('%Y-%m-%dT%H:%M:%fZ'[, 'now']) for "now" as UTC ISO-8601 text, which the PostgreSQL
// backend provides as a function of that name (that one format only; anything else raises).
// What differs (full-text search, json_each) is written per dialect() by the module.
//
// Statement helpers bind parameters (never splice values) and map engine errors to Status:
// unique violations -> kAlreadyExists, other constraint violations -> kInvalidArgument, busy,
// lost connections, serialization failures and deadlocks -> kUnavailable, corruption ->
// kDataLoss, anything else -> kInternal, each naming the statement's first words (never a
// password).
//
// Thread-safety: a StateDb is used by one thread at a time (open one per thread).
// Lifetime: rows must not outlive the callback they are passed to.

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/config.h"
#include "core/status.h"

namespace cairn::store {

enum class Dialect { kSqlite, kPostgres };

struct Migration {
  int version;       // 1, 2, 3, ... within a component
  std::string name;  // what it does, for the record
  std::string sql;   // one or more statements (SQLite; both engines when `postgres` is empty)
  std::string postgres = "";  // the same migration for PostgreSQL, when it differs
};

// A bound parameter. Text only: bytes that may contain NUL go in as hex (or base64) text, so
// one column type serves both engines.
using Param = std::variant<std::nullptr_t, int64_t, double, std::string>;

// One result row; valid only inside the callback it is passed to.
class Row {
 public:
  virtual ~Row() = default;
  virtual int64_t Int(int column) const = 0;  // 0 for NULL; booleans as 0/1
  virtual double Real(int column) const = 0;
  virtual std::string Text(int column) const = 0;  // empty for NULL
  virtual bool IsNull(int column) const = 0;
  virtual int size() const = 0;
};

class SqliteStateDb;

class StateDb {
 public:
  // Opens (creating if needed, with parent directories) the SQLite database at `path` in WAL
  // mode with foreign keys on. ":memory:" opens a private in-memory database (tests).
  // Unavailable if the file cannot be opened; DataLoss if it is not a database.
  static Result<std::unique_ptr<StateDb>> Open(const std::filesystem::path& path);
  // Connects to the PostgreSQL database at `url` (a libpq URI or key=value string without a
  // password), with `password` (already expanded; empty: libpq's PGPASSWORD / ~/.pgpass).
  // Unavailable naming the host when it cannot connect, Unauthenticated when the login is
  // refused, InvalidArgument for a malformed URL or one that carries a password.
  static Result<std::unique_ptr<StateDb>> OpenPostgres(const std::string& url,
                                                       const std::string& password);
  // The configured state: `config.state` (PostgreSQL) when set, with its password's
  // ${NAME} reference expanded, else `config.state_dir`/state.sqlite.
  static Result<std::unique_ptr<StateDb>> OpenConfigured(const Config& config);

  virtual ~StateDb() = default;
  StateDb(const StateDb&) = delete;
  StateDb& operator=(const StateDb&) = delete;

  virtual Dialect dialect() const = 0;
  // How messages name this database: the file path, or "postgres host:port/db".
  virtual std::string Describe() const = 0;
  // The SQLite backend, for the modules that use SQLite features directly; nullptr otherwise.
  virtual SqliteStateDb* sqlite() { return nullptr; }

  // Applies the pending migrations of `component`. Returns how many were applied.
  Result<int> Migrate(const std::string& component, const std::vector<Migration>& migrations);

  // The highest applied version of `component`, 0 if none.
  Result<int> Version(const std::string& component);

  // Runs one statement with parameters; returns the number of rows changed.
  virtual Result<int64_t> Exec(const std::string& sql, const std::vector<Param>& params = {}) = 0;

  // Runs one query, calling `row` for each result row; `row` may return a non-OK Status to stop.
  virtual Status Query(const std::string& sql, const std::vector<Param>& params,
                       const std::function<Status(const Row&)>& row) = 0;

  // Runs `body` in a transaction (SQLite: BEGIN IMMEDIATE, so writers queue; PostgreSQL: READ
  // COMMITTED); commits if it returns OK, else rolls back and returns its error. Not reentrant.
  virtual Status Transaction(const std::function<Status()>& body) = 0;

  // Checks that the database answers (a trivial query; PostgreSQL reconnects if it was lost).
  virtual Status Ping() = 0;

  // A second, independent connection to the same database (for a lock holder, a listener).
  virtual Result<std::unique_ptr<StateDb>> OpenAnother() = 0;

 protected:
  StateDb() = default;
  // Runs several statements without parameters (a migration's script).
  virtual Status ExecScript(const std::string& sql) = 0;
  // Inside a migration's transaction: waits until no other process migrates (PostgreSQL).
  virtual Status LockForMigration() { return OkStatus(); }
};

// The SQLite engine, with what only it has.
class SqliteStateDb final : public StateDb {
 public:
  ~SqliteStateDb() override;

  Dialect dialect() const override { return Dialect::kSqlite; }
  std::string Describe() const override { return path_.string(); }
  SqliteStateDb* sqlite() override { return this; }

  Result<int64_t> Exec(const std::string& sql, const std::vector<Param>& params = {}) override;
  Status Query(const std::string& sql, const std::vector<Param>& params,
               const std::function<Status(const Row&)>& row) override;
  Status Transaction(const std::function<Status()>& body) override;
  Status Ping() override;
  Result<std::unique_ptr<StateDb>> OpenAnother() override { return Open(path_); }

  int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_); }
  // The raw connection, for modules that need SQLite features directly (FTS5, blobs).
  sqlite3* handle() { return db_; }
  const std::filesystem::path& path() const { return path_; }

 protected:
  Status ExecScript(const std::string& sql) override;

 private:
  friend class StateDb;
  SqliteStateDb(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)) {}
  Result<sqlite3_stmt*> Prepare(const std::string& sql, const std::vector<Param>& params);
  Status Error(int rc, const std::string& sql) const;

  sqlite3* db_;
  std::filesystem::path path_;
};

// Rewrites `?` and `?N` placeholders as PostgreSQL's `$N`, leaving quoted strings, quoted
// identifiers and comments alone. A plain `?` takes the number after the highest used so far,
// as SQLite numbers them.
std::string PostgresPlaceholders(const std::string& sql);

// The first words of a statement, for error messages.
std::string StatementHead(const std::string& sql);

}  // namespace cairn::store
