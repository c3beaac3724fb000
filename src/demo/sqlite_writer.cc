#include "demo/internal/sqlite_writer.h"

#include <system_error>

namespace cairn::demo {

int SqlValue::Bind(sqlite3_stmt* stmt, int index) const {
  switch (kind_) {
    case Kind::kNull:
      return sqlite3_bind_null(stmt, index);
    case Kind::kInt:
      return sqlite3_bind_int64(stmt, index, int_);
    case Kind::kReal:
      return sqlite3_bind_double(stmt, index, real_);
    case Kind::kText:
      return sqlite3_bind_text(stmt, index, text_.data(), static_cast<int>(text_.size()),
                               SQLITE_TRANSIENT);
  }
  return SQLITE_MISUSE;
}

Result<std::unique_ptr<SqliteWriter>> SqliteWriter::Create(const std::filesystem::path& path) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  std::error_code ec;
  std::filesystem::remove(tmp, ec);
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(tmp.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    std::string reason = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return UnavailableError("cannot create {}: {}", tmp.string(), reason);
  }
  std::unique_ptr<SqliteWriter> writer(new SqliteWriter(path, tmp, db));
  RETURN_IF_ERROR(writer->Exec(
      "PRAGMA page_size = 4096; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; BEGIN"));
  return writer;
}

SqliteWriter::~SqliteWriter() {
  if (db_ != nullptr) {
    sqlite3_close(db_);
    std::error_code ec;
    std::filesystem::remove(tmp_, ec);
  }
}

Status SqliteWriter::Error(std::string_view what) const {
  return InternalError("{}: {}: {}", path_.filename().string(), what, sqlite3_errmsg(db_));
}

Status SqliteWriter::Exec(std::string_view sql) {
  const std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return Error(text.substr(0, 60));
  }
  return OkStatus();
}

Result<std::unique_ptr<SqliteWriter::Insert>> SqliteWriter::PrepareInsert(const std::string& table,
                                                                          int columns) {
  std::string sql = "INSERT INTO " + table + " VALUES (";
  for (int i = 0; i < columns; ++i) sql += i == 0 ? "?" : ", ?";
  sql += ")";
  std::unique_ptr<Insert> insert(new Insert(this, table));
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &insert->stmt_, nullptr) != SQLITE_OK) {
    return Error("prepare insert into " + table);
  }
  return insert;
}

SqliteWriter::Insert::~Insert() { sqlite3_finalize(stmt_); }

Status SqliteWriter::Insert::Row(std::initializer_list<SqlValue> values) {
  int index = 1;
  for (const SqlValue& value : values) {
    if (value.Bind(stmt_, index++) != SQLITE_OK) return writer_->Error("bind for " + table_);
  }
  const int rc = sqlite3_step(stmt_);
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  if (rc != SQLITE_DONE) return writer_->Error("insert into " + table_);
  ++rows_;
  return OkStatus();
}

Status SqliteWriter::Commit() {
  RETURN_IF_ERROR(Exec("COMMIT"));
  if (sqlite3_close(db_) != SQLITE_OK) return Error("close (a statement is still open)");
  db_ = nullptr;
  std::error_code ec;
  std::filesystem::rename(tmp_, path_, ec);
  if (ec) {
    const std::string reason = ec.message();
    std::filesystem::remove(tmp_, ec);
    return UnavailableError("cannot rename {} to {}: {}", tmp_.string(), path_.string(), reason);
  }
  return OkStatus();
}

}  // namespace cairn::demo
