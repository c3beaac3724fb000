#pragma once

// A read-only SQLite file for the benches that read Spider's databases directly
// (path_bench.cc, miss_causes.h): rows as text.

#include <sqlite3.h>

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cairn::bench {

class SqliteFile {
 public:
  explicit SqliteFile(const std::filesystem::path& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      sqlite3_close(db_);
      db_ = nullptr;
    }
  }
  ~SqliteFile() { sqlite3_close(db_); }
  SqliteFile(const SqliteFile&) = delete;
  SqliteFile& operator=(const SqliteFile&) = delete;
  bool ok() const { return db_ != nullptr; }

  // Rows of `sql` as text (NULL as nullopt).
  std::vector<std::vector<std::optional<std::string>>> Query(const std::string& sql) {
    std::vector<std::vector<std::optional<std::string>>> rows;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) return rows;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      std::vector<std::optional<std::string>> row;
      for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
        const unsigned char* text = sqlite3_column_text(stmt, c);
        if (text == nullptr) {
          row.push_back(std::nullopt);
        } else {
          row.push_back(std::string(reinterpret_cast<const char*>(text)));
        }
      }
      rows.push_back(std::move(row));
    }
    sqlite3_finalize(stmt);
    return rows;
  }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace cairn::bench
