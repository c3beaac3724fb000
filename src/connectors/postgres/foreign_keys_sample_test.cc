// Declared foreign keys from pg_constraint and TABLESAMPLE pushdown through the hidden
// _cairn_sample_percent column.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "connectors/postgres/pg_test_util.h"
#include "connectors/postgres/postgres_source.h"
#include "connectors/source.h"

namespace cairn::connectors::postgres {
namespace {

// Chinook as loaded by tests/fixtures/load_chinook_pg.sh (schema chinook).
SourceConfig ChinookConfig() { return PgConfig("pg", {"chinook"}); }

class PgKeysAndSampleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_PG();
    // The Chinook fixture (schema chinook) is loaded by the postgres source tests' fixture
    // script; load it here too when it is missing.
    std::string check =
        "PGPASSWORD=\"$CAIRN_TEST_PG_PASSWORD\" psql -h \"$CAIRN_TEST_PG_HOST\" -p "
        "\"$CAIRN_TEST_PG_PORT\" -U \"$CAIRN_TEST_PG_USER\" -d "
        "\"$CAIRN_TEST_PG_DB\" -tAc 'SELECT count(*) FROM chinook.\"Track\"' "
        "2>/dev/null | grep -qx 3503";
    if (std::system(check.c_str()) != 0) {
      std::string script = std::string(CAIRN_SOURCE_DIR) + "/tests/fixtures/load_chinook_pg.sh '" +
                           std::string(CAIRN_TEST_DATA) + "/chinook.sqlite' 2>/dev/null";
      ASSERT_EQ(std::system(script.c_str()), 0) << script;
    }
    auto source = Kind().open(ChinookConfig());
    ASSERT_TRUE(source.ok()) << source.status().ToString();
    source_ = std::move(*source);
    ASSERT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    Status attached = AttachSource(db_, source_.get(), "pg", "cairn_pg");
    ASSERT_TRUE(attached.ok()) << attached.ToString();
  }
  void TearDown() override {
    if (db_ != nullptr) sqlite3_close(db_);
  }

  // First column of the first row as text, or "error: ..." .
  std::string Scalar1(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      return "error: " + std::string(sqlite3_errmsg(db_));
    }
    std::string out;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
      const unsigned char* v = sqlite3_column_text(stmt, 0);
      out = v ? reinterpret_cast<const char*>(v) : "";
    } else if (rc != SQLITE_DONE) {
      out = "error: " + std::string(sqlite3_errmsg(db_));
    }
    sqlite3_finalize(stmt);
    return out;
  }

  std::unique_ptr<Source> source_;
  sqlite3* db_ = nullptr;
};

TEST_F(PgKeysAndSampleTest, ForeignKeysComeFromTheCatalog) {
  auto tables = source_->Tables();
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();
  size_t total = 0;
  for (const auto& t : *tables) {
    total += t.foreign_keys.size();
    for (const auto& c : t.columns) EXPECT_NE(c.name, "_cairn_sample_percent");
    if (t.name == "Track") {
      bool album = false;
      for (const auto& key : t.foreign_keys) {
        if (key.ref_table != "Album") continue;
        album = true;
        EXPECT_EQ(key.columns, std::vector<std::string>{"AlbumId"});
        EXPECT_EQ(key.ref_columns, std::vector<std::string>{"AlbumId"});
      }
      EXPECT_TRUE(album);
    }
    if (t.name == "Employee") {
      ASSERT_EQ(t.foreign_keys.size(), 1u);
      EXPECT_EQ(t.foreign_keys[0].ref_table, "Employee");
      EXPECT_EQ(t.foreign_keys[0].columns, std::vector<std::string>{"ReportsTo"});
      EXPECT_EQ(t.foreign_keys[0].ref_columns, std::vector<std::string>{"EmployeeId"});
    }
  }
  EXPECT_EQ(total, 11u);
}

TEST_F(PgKeysAndSampleTest, HiddenColumnStaysOutOfSelectStar) {
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db_, "SELECT * FROM pg.\"Genre\"", -1, &stmt, nullptr), SQLITE_OK);
  EXPECT_EQ(sqlite3_column_count(stmt), 2);
  sqlite3_finalize(stmt);
}

TEST_F(PgKeysAndSampleTest, SamplePercentBecomesTablesampleWithAParameter) {
  std::streamoff start = 0;
  const std::string log_path = Env("CAIRN_TEST_PG_LOG");
  std::error_code ec;
  if (!log_path.empty())
    start = static_cast<std::streamoff>(std::filesystem::file_size(log_path, ec));
  std::string sampled =
      Scalar1("SELECT count(*) FROM pg.\"Track\" WHERE _cairn_sample_percent = 37.5");
  ASSERT_EQ(sampled.find("error"), std::string::npos) << sampled;
  EXPECT_LE(std::stoll(sampled), 3503);
  EXPECT_EQ(Scalar1("SELECT count(*) FROM pg.\"Track\" WHERE _cairn_sample_percent = 100"), "3503");
  if (log_path.empty()) GTEST_SKIP() << "CAIRN_TEST_PG_LOG unset";
  std::string log;
  for (int attempt = 0; attempt < 50; ++attempt) {
    std::ifstream in(log_path);
    in.seekg(start);
    std::stringstream text;
    text << in.rdbuf();
    log = text.str();
    if (log.find("37.5") != std::string::npos) break;
    usleep(20000);
  }
  EXPECT_NE(log.find("TABLESAMPLE SYSTEM ($1::float8)"), std::string::npos) << log;
  EXPECT_NE(log.find("$1 = '37.5'"), std::string::npos) << log;
}

TEST_F(PgKeysAndSampleTest, SamplePercentOutOfRangeIsInvalidArgument) {
  std::string out = Scalar1("SELECT count(*) FROM pg.\"Track\" WHERE _cairn_sample_percent = 0");
  EXPECT_NE(out.find("[InvalidArgument]"), std::string::npos) << out;
  out = Scalar1("SELECT count(*) FROM pg.\"Track\" WHERE _cairn_sample_percent = 'x'");
  EXPECT_NE(out.find("[InvalidArgument]"), std::string::npos) << out;
}

}  // namespace
}  // namespace cairn::connectors::postgres
