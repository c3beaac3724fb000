#include "store/sqlite_errors.h"
#include "store/state_db.h"

namespace cairn::store {
namespace {

class SqliteRow final : public Row {
 public:
  explicit SqliteRow(sqlite3_stmt* stmt) : stmt_(stmt) {}
  int64_t Int(int column) const override { return sqlite3_column_int64(stmt_, column); }
  double Real(int column) const override { return sqlite3_column_double(stmt_, column); }
  std::string Text(int column) const override {
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    if (text == nullptr) return std::string();
    return std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt_, column));
  }
  bool IsNull(int column) const override {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
  }
  int size() const override { return sqlite3_column_count(stmt_); }

 private:
  sqlite3_stmt* stmt_;
};

}  // namespace

Result<std::unique_ptr<StateDb>> StateDb::Open(const std::filesystem::path& path) {
  const bool memory = path == ":memory:";
  if (!memory) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) {
      return UnavailableError("{}: cannot create the state directory: {}",
                              path.parent_path().string(), ec.message());
    }
  }
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return UnavailableError("{}: cannot open the state database: {}", path.string(), message);
  }
  auto state = std::unique_ptr<SqliteStateDb>(new SqliteStateDb(db, path));
  sqlite3_busy_timeout(db, 5000);
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
  for (const char* pragma :
       {"PRAGMA journal_mode = WAL", "PRAGMA foreign_keys = ON", "PRAGMA synchronous = NORMAL"}) {
    Status status = state->Query(pragma, {}, [](const Row&) { return OkStatus(); });
    if (!status.ok()) {
      if (status.code() == StatusCode::kDataLoss) return status;
      return Status(status.code(), fmt::format("{}: {}", path.string(), status.message()));
    }
  }
  RETURN_IF_ERROR(
      state
          ->Exec("CREATE TABLE IF NOT EXISTS cairn_migrations ("
                 "component TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, "
                 "applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')), "
                 "PRIMARY KEY (component, version))")
          .status());
  return std::unique_ptr<StateDb>(std::move(state));
}

SqliteStateDb::~SqliteStateDb() { sqlite3_close_v2(db_); }

Status SqliteStateDb::Error(int rc, const std::string& sql) const {
  std::string message = fmt::format("state database {}: {} (in: {})", path_.string(),
                                    sqlite3_errmsg(db_), StatementHead(sql));
  return Status(SqliteStatusCode(rc), message);
}

Result<sqlite3_stmt*> SqliteStateDb::Prepare(const std::string& sql,
                                             const std::vector<Param>& params) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return Error(sqlite3_extended_errcode(db_), sql);
  for (size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    const Param& p = params[i];
    if (std::holds_alternative<std::nullptr_t>(p)) {
      sqlite3_bind_null(stmt, index);
    } else if (const auto* v = std::get_if<int64_t>(&p)) {
      sqlite3_bind_int64(stmt, index, *v);
    } else if (const auto* d = std::get_if<double>(&p)) {
      sqlite3_bind_double(stmt, index, *d);
    } else {
      const std::string& s = std::get<std::string>(p);
      sqlite3_bind_text(stmt, index, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    }
  }
  return stmt;
}

Result<int64_t> SqliteStateDb::Exec(const std::string& sql, const std::vector<Param>& params) {
  ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql, params));
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
  }
  Status status = rc == SQLITE_DONE ? OkStatus() : Error(sqlite3_extended_errcode(db_), sql);
  sqlite3_finalize(stmt);
  RETURN_IF_ERROR(status);
  return static_cast<int64_t>(sqlite3_changes64(db_));
}

Status SqliteStateDb::Query(const std::string& sql, const std::vector<Param>& params,
                            const std::function<Status(const Row&)>& row) {
  ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql, params));
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(stmt, sqlite3_finalize);
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    RETURN_IF_ERROR(row(SqliteRow(stmt)));
  }
  if (rc != SQLITE_DONE) return Error(sqlite3_extended_errcode(db_), sql);
  return OkStatus();
}

Status SqliteStateDb::Transaction(const std::function<Status()>& body) {
  RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE").status());
  Status status = body();
  if (status.ok()) {
    Result<int64_t> commit = Exec("COMMIT");
    if (commit.ok()) return OkStatus();
    status = commit.status();
  }
  (void)Exec("ROLLBACK");
  return status;
}

Status SqliteStateDb::Ping() {
  return Query("SELECT 1", {}, [](const Row&) { return OkStatus(); });
}

Status SqliteStateDb::ExecScript(const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    return InternalError("{}", message);
  }
  return OkStatus();
}

}  // namespace cairn::store
