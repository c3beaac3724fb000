#pragma once

// Test helpers for every connector kind: an in-memory SQLite connection and running SQL on it
// with values rendered by storage class. Test-only; not built into any library.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

namespace cairn::connectors::testing {

// The result of a query: every value rendered with its storage class, e.g. "i:5", "r:1.5",
// "t:abc", "NULL"; or the error.
struct QueryResult {
  int rc = SQLITE_OK;
  std::string error;
  std::vector<std::vector<std::string>> rows;
};

inline QueryResult Query(sqlite3* db, const std::string& sql) {
  QueryResult result;
  sqlite3_stmt* stmt = nullptr;
  result.rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  if (result.rc != SQLITE_OK) {
    result.error = sqlite3_errmsg(db);
    return result;
  }
  for (;;) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      result.rc = rc;
      result.error = sqlite3_errmsg(db);
      break;
    }
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      switch (sqlite3_column_type(stmt, i)) {
        case SQLITE_INTEGER:
          row.push_back(fmt::format("i:{}", sqlite3_column_int64(stmt, i)));
          break;
        case SQLITE_FLOAT:
          row.push_back(fmt::format("r:{}", sqlite3_column_double(stmt, i)));
          break;
        case SQLITE_TEXT:
          row.push_back("t:" +
                        std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, i)),
                                    static_cast<size_t>(sqlite3_column_bytes(stmt, i))));
          break;
        case SQLITE_NULL:
          row.push_back("NULL");
          break;
        default:
          row.push_back("blob");
      }
    }
    result.rows.push_back(std::move(row));
  }
  sqlite3_finalize(stmt);
  return result;
}

// An in-memory connection that closes itself.
struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;

inline Db OpenMemoryDb() {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  return Db(db);
}

}  // namespace cairn::connectors::testing
