#pragma once

// A minimal writer for a new SQLite file: one connection, one transaction, prepared inserts.
//
// Contract: Create() builds the database at `path` + ".tmp" (removing a stale one) with
// journaling off, and Commit() commits, closes and renames it to `path`, so a reader never
// sees a half-written file. Destroying the writer without Commit() closes the connection and
// deletes the temporary file. Errors are Internal (SQLite refused our own SQL) or
// Unavailable (the file could not be created or renamed), naming the file.
//
// Thread-safety: none.

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace cairn::demo {

// One value to bind; text is owned so that callers may pass temporaries.
class SqlValue {
 public:
  SqlValue(std::nullptr_t) {}                                       // NOLINT: implicit
  SqlValue(int v) : kind_(Kind::kInt), int_(v) {}                   // NOLINT: implicit
  SqlValue(int64_t v) : kind_(Kind::kInt), int_(v) {}               // NOLINT: implicit
  SqlValue(double v) : kind_(Kind::kReal), real_(v) {}              // NOLINT: implicit
  SqlValue(std::string_view v) : kind_(Kind::kText), text_(v) {}    // NOLINT: implicit
  SqlValue(const std::string& v) : kind_(Kind::kText), text_(v) {}  // NOLINT: implicit
  SqlValue(const char* v) : kind_(Kind::kText), text_(v) {}         // NOLINT: implicit

  // Text, or NULL when `v` is empty.
  static SqlValue TextOrNull(std::string v) {
    if (v.empty()) return SqlValue(nullptr);
    return SqlValue(v);
  }

  int Bind(sqlite3_stmt* stmt, int index) const;

 private:
  enum class Kind { kNull, kInt, kReal, kText };
  Kind kind_ = Kind::kNull;
  int64_t int_ = 0;
  double real_ = 0;
  std::string text_;
};

class SqliteWriter {
 public:
  // A prepared INSERT; owned by the caller and destroyed before Commit().
  class Insert {
   public:
    ~Insert();
    Insert(const Insert&) = delete;
    Insert& operator=(const Insert&) = delete;

    // Binds the values in order, steps and resets. Internal naming the table on failure.
    Status Row(std::initializer_list<SqlValue> values);
    int64_t rows() const { return rows_; }

   private:
    friend class SqliteWriter;
    Insert(SqliteWriter* writer, std::string table) : writer_(writer), table_(std::move(table)) {}

    SqliteWriter* writer_;
    std::string table_;
    sqlite3_stmt* stmt_ = nullptr;
    int64_t rows_ = 0;
  };

  static Result<std::unique_ptr<SqliteWriter>> Create(const std::filesystem::path& path);
  ~SqliteWriter();

  Status Exec(std::string_view sql);
  // A prepared "INSERT INTO table VALUES (?, ...)" with `columns` placeholders.
  Result<std::unique_ptr<Insert>> PrepareInsert(const std::string& table, int columns);
  Status Commit();

 private:
  SqliteWriter(std::filesystem::path path, std::filesystem::path tmp, sqlite3* db)
      : path_(std::move(path)), tmp_(std::move(tmp)), db_(db) {}
  Status Error(std::string_view what) const;

  std::filesystem::path path_;
  std::filesystem::path tmp_;
  sqlite3* db_;
};

}  // namespace cairn::demo
