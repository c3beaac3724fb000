#pragma once

// Test helpers for the csv connector: a scratch directory, opening a csv source from YAML, and
// running SQL on a connection with the source attached. Test-only; not built into the library.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "connectors/csv/csv_source.h"
#include "connectors/source.h"
#include "core/config.h"

namespace cairn::connectors::csv::testing {

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class ScratchDir {
 public:
  ScratchDir() {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = fmt::format("cairn_csv_{}_{}_{}", ::getpid(), counter++,
                                   info != nullptr ? info->name() : "env");
    path_ = std::filesystem::temp_directory_path() / name;
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Writes `bytes` exactly (binary) to `name` inside the directory.
  void Write(const std::string& name, const std::string& bytes) const {
    std::ofstream out(path_ / name, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    ASSERT_TRUE(out.good()) << "cannot write " << (path_ / name);
  }

 private:
  std::filesystem::path path_;
};

// The YAML of a config with one csv source `customs` at `dir`, plus `extra` option lines
// (each "    key: value\n").
inline std::string CsvConfigYaml(const std::filesystem::path& dir, const std::string& extra = "") {
  return "version: 1\n"
         "sources:\n"
         "  customs:\n"
         "    kind: csv\n"
         "    path: " +
         dir.string() + "\n" + extra;
}

// Parses the YAML as /etc/cairn/cairn.yaml and opens its first source with the csv kind.
inline Result<std::unique_ptr<Source>> OpenCsv(const std::string& yaml) {
  ASSIGN_OR_RETURN(Config config, ParseConfig(yaml, "/etc/cairn/cairn.yaml"));
  if (config.sources.empty()) return InternalError("no source in the test config");
  return Kind().open(config.sources[0]);
}

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

}  // namespace cairn::connectors::csv::testing
