// Exports the public Chinook database to CSV files and checks that the csv connector reads back
// the same data: every table's rows and values, and a join.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdio>
#include <string>
#include <vector>

#include "connectors/csv/csv_source.h"
#include "connectors/csv/csv_test_util.h"

namespace cairn::connectors::csv {
namespace {

using testing::CsvConfigYaml;
using testing::Db;
using testing::OpenCsv;
using testing::OpenMemoryDb;
using testing::Query;
using testing::QueryResult;
using testing::ScratchDir;

const char* const kChinook = CAIRN_TEST_DATA "/chinook.sqlite";

// One CSV field for a value: NULL unquoted and empty, numbers as written, text always quoted
// (so an empty text stays distinct from NULL).
std::string CsvField(sqlite3_stmt* stmt, int i) {
  switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_NULL:
      return "";
    case SQLITE_INTEGER:
      return std::to_string(sqlite3_column_int64(stmt, i));
    case SQLITE_FLOAT: {
      char buffer[64];
      std::snprintf(buffer, sizeof buffer, "%.17g", sqlite3_column_double(stmt, i));
      return buffer;
    }
    default: {
      std::string text(reinterpret_cast<const char*>(sqlite3_column_text(stmt, i)),
                       static_cast<size_t>(sqlite3_column_bytes(stmt, i)));
      std::string out = "\"";
      for (char c : text) {
        if (c == '"') out += '"';
        out += c;
      }
      return out + "\"";
    }
  }
}

class CsvChinookTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ScratchDir();
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(kChinook, &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK) << kChinook;
    std::vector<std::string> tables;
    {
      QueryResult names = Query(db,
                                "SELECT name FROM sqlite_schema WHERE type = 'table' AND "
                                "name NOT LIKE 'sqlite_%' ORDER BY name");
      ASSERT_EQ(names.rc, SQLITE_OK) << names.error;
      for (const auto& row : names.rows) tables.push_back(row[0].substr(2));  // drop "t:"
    }
    for (const std::string& table : tables) {
      sqlite3_stmt* stmt = nullptr;
      std::string sql = "SELECT * FROM " + QuoteIdentifier(table);
      ASSERT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK);
      std::string csv;
      const int columns = sqlite3_column_count(stmt);
      for (int i = 0; i < columns; ++i) {
        csv += (i ? "," : "") + std::string(sqlite3_column_name(stmt, i));
      }
      csv += "\r\n";
      while (sqlite3_step(stmt) == SQLITE_ROW) {
        for (int i = 0; i < columns; ++i) csv += (i ? "," : "") + CsvField(stmt, i);
        csv += "\r\n";
      }
      sqlite3_finalize(stmt);
      dir_->Write(table + ".csv", csv);
    }
    sqlite3_close(db);
    tables_ = new std::vector<std::string>(tables);
  }

  static void TearDownTestSuite() {
    delete dir_;
    delete tables_;
    dir_ = nullptr;
    tables_ = nullptr;
  }

  void SetUp() override {
    Result<std::unique_ptr<Source>> source = OpenCsv(CsvConfigYaml(dir_->path()));
    ASSERT_TRUE(source.ok()) << source.status().ToString();
    source_ = std::move(source).value();
    db_ = OpenMemoryDb();
    Status status = AttachSource(db_.get(), source_.get(), "chinook", "cairn_src_0");
    ASSERT_TRUE(status.ok()) << status.ToString();
    QueryResult attach =
        Query(db_.get(), "ATTACH 'file:" + std::string(kChinook) + "?mode=ro' AS orig");
    ASSERT_EQ(attach.rc, SQLITE_OK) << attach.error;
  }

  // The single value of `sql`, rendered by Query().
  std::string Scalar(const std::string& sql) {
    QueryResult result = Query(db_.get(), sql);
    EXPECT_EQ(result.rc, SQLITE_OK) << sql << ": " << result.error;
    if (result.rows.size() != 1 || result.rows[0].size() != 1) return "<no single value>";
    return result.rows[0][0];
  }

  static ScratchDir* dir_;
  static std::vector<std::string>* tables_;
  std::unique_ptr<Source> source_;
  Db db_;
};

ScratchDir* CsvChinookTest::dir_ = nullptr;
std::vector<std::string>* CsvChinookTest::tables_ = nullptr;

TEST_F(CsvChinookTest, EveryTableIsListed) {
  Result<std::vector<TableInfo>> tables = source_->Tables();
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();
  std::vector<std::string> names;
  for (const TableInfo& table : *tables) names.push_back(table.name);
  EXPECT_EQ(names, *tables_);
  EXPECT_EQ(names.size(), 11u);
}

TEST_F(CsvChinookTest, CountsMatch) {
  for (const std::string& table : *tables_) {
    const std::string quoted = QuoteIdentifier(table);
    EXPECT_EQ(Scalar("SELECT count(*) FROM chinook." + quoted),
              Scalar("SELECT count(*) FROM orig." + quoted))
        << table;
  }
  EXPECT_EQ(Scalar("SELECT count(*) FROM chinook.Track"), "i:3503");
}

TEST_F(CsvChinookTest, EveryValueMatchesWithItsType) {
  for (const std::string& table : *tables_) {
    const std::string quoted = QuoteIdentifier(table);
    EXPECT_EQ(Scalar("SELECT count(*) FROM (SELECT * FROM orig." + quoted +
                     " EXCEPT SELECT * FROM chinook." + quoted + ")"),
              "i:0")
        << table;
    EXPECT_EQ(Scalar("SELECT count(*) FROM (SELECT * FROM chinook." + quoted +
                     " EXCEPT SELECT * FROM orig." + quoted + ")"),
              "i:0")
        << table;
  }
}

TEST_F(CsvChinookTest, InferredTypes) {
  QueryResult result = Query(db_.get(),
                             "SELECT name, type FROM pragma_table_info('Track', 'chinook') "
                             "ORDER BY cid");
  ASSERT_EQ(result.rc, SQLITE_OK) << result.error;
  std::vector<std::vector<std::string>> expected = {
      {"t:TrackId", "t:INTEGER"},      {"t:Name", "t:TEXT"},       {"t:AlbumId", "t:INTEGER"},
      {"t:MediaTypeId", "t:INTEGER"},  {"t:GenreId", "t:INTEGER"}, {"t:Composer", "t:TEXT"},
      {"t:Milliseconds", "t:INTEGER"}, {"t:Bytes", "t:INTEGER"},   {"t:UnitPrice", "t:REAL"}};
  EXPECT_EQ(result.rows, expected);
}

TEST_F(CsvChinookTest, JoinMatches) {
  const std::string join =
      "SELECT t.TrackId, t.Name, a.Title, ar.Name, t.Milliseconds, t.UnitPrice "
      "FROM {s}.Track t JOIN {s}.Album a ON a.AlbumId = t.AlbumId "
      "JOIN {s}.Artist ar ON ar.ArtistId = a.ArtistId WHERE t.UnitPrice > 0.98 "
      "ORDER BY t.TrackId";
  auto in = [&](const std::string& schema) {
    QueryResult result = Query(db_.get(), fmt::format(fmt::runtime(join), fmt::arg("s", schema)));
    EXPECT_EQ(result.rc, SQLITE_OK) << result.error;
    return result.rows;
  };
  std::vector<std::vector<std::string>> csv = in("chinook");
  std::vector<std::vector<std::string>> orig = in("orig");
  ASSERT_EQ(csv.size(), 3503u);
  ASSERT_EQ(orig.size(), csv.size());
  for (size_t i = 0; i < csv.size(); ++i) ASSERT_EQ(csv[i], orig[i]) << "row " << i;
  EXPECT_EQ(Scalar("SELECT sum(t.Milliseconds) FROM chinook.Track t JOIN chinook.Album a "
                   "USING (AlbumId)"),
            Scalar("SELECT sum(t.Milliseconds) FROM orig.Track t JOIN orig.Album a "
                   "USING (AlbumId)"));
}

}  // namespace
}  // namespace cairn::connectors::csv
