#include "connectors/sqlite/sqlite_source.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "connectors/source.h"

namespace cairn::connectors::sqlite {
namespace {

const std::string kChinook =
    (std::filesystem::path(CAIRN_TEST_DATA) / "chinook.sqlite").lexically_normal().string();
const std::string kNorthwind =
    (std::filesystem::path(CAIRN_TEST_DATA) / "northwind.sqlite").lexically_normal().string();

SourceConfig MakeConfig(const std::string& name, const std::string& path) {
  SourceConfig config;
  config.name = name;
  config.kind = "sqlite";
  config.mark = {"cairn.yaml", 3, 5};
  config.base_dir = "/";
  OptionValue value;
  value.scalar = path;
  value.mark = {"cairn.yaml", 3, 20};
  config.options["path"] = value;
  return config;
}

std::unique_ptr<Source> OpenOrDie(const std::string& name, const std::string& path) {
  Result<std::unique_ptr<Source>> source = Kind().open(MakeConfig(name, path));
  EXPECT_TRUE(source.ok()) << source.status().ToString();
  return source.ok() ? std::move(*source) : nullptr;
}

// Runs `sql` and renders every row as "v1|v2|..." (NULL as "∅"), rows joined by "\n".
std::string Query(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    return "prepare error: " + std::string(sqlite3_errmsg(db));
  }
  std::string out;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      if (i > 0) out += "|";
      if (sqlite3_column_type(stmt, i) == SQLITE_NULL) {
        out += "∅";
      } else {
        out += std::to_string(sqlite3_column_type(stmt, i)) + ":" +
               reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
      }
    }
    out += "\n";
  }
  if (rc != SQLITE_DONE) out += "step error: " + std::string(sqlite3_errmsg(db));
  sqlite3_finalize(stmt);
  return out;
}

class SqliteSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    chinook_ = OpenOrDie("music", kChinook);
    northwind_ = OpenOrDie("trade", kNorthwind);
    ASSERT_TRUE(chinook_ && northwind_);
    Status status = AttachSource(db_, chinook_.get(), "music", "cairn_src_1");
    ASSERT_TRUE(status.ok()) << status.ToString();
    status = AttachSource(db_, northwind_.get(), "trade", "cairn_src_2");
    ASSERT_TRUE(status.ok()) << status.ToString();
    // The same files attached directly: the reference for every differential check.
    ASSERT_EQ(sqlite3_exec(db_,
                           ("ATTACH 'file:" + kChinook +
                            "?mode=ro' AS dm; ATTACH 'file:" + kNorthwind + "?mode=ro' AS dt")
                               .c_str(),
                           nullptr, nullptr, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db_);
  }
  void TearDown() override { sqlite3_close(db_); }

  // Runs `sql` once with {m} -> music, {t} -> trade and once over the directly attached files.
  void ExpectSame(const std::string& sql) {
    auto render = [&](const std::string& m, const std::string& t) {
      std::string out = sql;
      for (auto [key, value] : {std::pair{std::string("{m}"), m}, {std::string("{t}"), t}}) {
        for (size_t pos; (pos = out.find(key)) != std::string::npos;) out.replace(pos, 3, value);
      }
      return out;
    };
    std::string via_source = Query(db_, render("music", "trade"));
    std::string direct = Query(db_, render("dm", "dt"));
    EXPECT_EQ(via_source, direct) << sql;
    EXPECT_EQ(via_source.find("error"), std::string::npos) << via_source;
  }

  sqlite3* db_ = nullptr;
  std::unique_ptr<Source> chinook_;
  std::unique_ptr<Source> northwind_;
};

TEST_F(SqliteSourceTest, ListsTablesWithColumnsAndEstimates) {
  Result<std::vector<TableInfo>> tables = chinook_->Tables();
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();
  std::vector<std::string> names;
  for (const auto& t : *tables) names.push_back(t.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Album", "Artist", "Customer", "Employee", "Genre",
                                             "Invoice", "InvoiceLine", "MediaType", "Playlist",
                                             "PlaylistTrack", "Track"}));
  const TableInfo& track = tables->back();
  EXPECT_EQ(track.row_estimate, 3503);
  ASSERT_EQ(track.columns.size(), 9u);
  EXPECT_EQ(track.columns[0].name, "TrackId");
  EXPECT_EQ(track.columns[0].type, "INTEGER");
  EXPECT_TRUE(track.columns[0].primary_key);
  EXPECT_TRUE(track.columns[0].not_null);
  EXPECT_EQ(track.columns[1].type, "TEXT");
  EXPECT_EQ(track.columns[1].source_type, "NVARCHAR(200)");
  EXPECT_EQ(track.columns[8].type, "NUMERIC");
  EXPECT_FALSE(track.columns[2].not_null);
  const TableInfo& playlist_track = (*tables)[9];
  EXPECT_TRUE(playlist_track.columns[0].primary_key);
  EXPECT_TRUE(playlist_track.columns[1].primary_key);

  Result<std::vector<TableInfo>> trade = northwind_->Tables();
  ASSERT_TRUE(trade.ok());
  bool saw_view = false;
  for (const auto& t : *trade) {
    EXPECT_NE(t.name.rfind("sqlite_", 0), 0u) << t.name;
    if (t.name == "Order Details Extended") {
      saw_view = true;
      EXPECT_EQ(t.kind, "view");
      EXPECT_EQ(t.row_estimate, -1);
    }
  }
  EXPECT_TRUE(saw_view);
  EXPECT_EQ(chinook_->Location(), "sqlite:" + kChinook);
  EXPECT_TRUE(chinook_->Check().ok());
}

// CurrentTable describes the table from the file now: the listing's columns and keys, found
// case-insensitively, without counting rows (it runs on every freshness check).
TEST_F(SqliteSourceTest, CurrentTableDescribesWithoutCounting) {
  Result<std::vector<TableInfo>> tables = chinook_->Tables();
  ASSERT_TRUE(tables.ok());
  const TableInfo& listed = tables->back();  // Track, 3,503 rows counted by Tables()
  Result<std::optional<TableInfo>> now = chinook_->CurrentTable("track");
  ASSERT_TRUE(now.ok()) << now.status().ToString();
  ASSERT_TRUE(now->has_value());
  EXPECT_EQ((*now)->name, "Track");
  ASSERT_EQ((*now)->columns.size(), listed.columns.size());
  for (size_t i = 0; i < listed.columns.size(); ++i) {
    EXPECT_EQ((*now)->columns[i].name, listed.columns[i].name);
    EXPECT_EQ((*now)->columns[i].type, listed.columns[i].type);
  }
  EXPECT_EQ((*now)->foreign_keys.size(), listed.foreign_keys.size());
  EXPECT_EQ((*now)->row_estimate, -1);  // the file has no sqlite_stat1
  Result<std::optional<TableInfo>> none = chinook_->CurrentTable("NoSuchTable");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

// CurrentTable sees the file as it is now: a table created, renamed or dropped by another
// connection after the source first looked; SQLite's own tables stay hidden.
TEST(SqliteSourceSchemaTest, CurrentTableFollowsSchemaChanges) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("cairn_sqlite_schema_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "shop.sqlite").string();
  sqlite3* writer = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &writer), SQLITE_OK);
  auto exec = [&](const char* sql) {
    ASSERT_EQ(sqlite3_exec(writer, sql, nullptr, nullptr, nullptr), SQLITE_OK)
        << sqlite3_errmsg(writer);
  };
  exec(
      "CREATE TABLE Artist (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT);"
      "CREATE TABLE album (id INTEGER PRIMARY KEY, artist_id INTEGER REFERENCES ARTIST);"
      "INSERT INTO Artist (name) VALUES ('x')");
  std::unique_ptr<Source> source = OpenOrDie("shop", path);
  ASSERT_NE(source, nullptr);
  auto current = [&](const std::string& name) {
    Result<std::optional<TableInfo>> t = source->CurrentTable(name);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? *t : std::nullopt;
  };
  ASSERT_TRUE(current("ARTIST").has_value());
  EXPECT_EQ(current("ARTIST")->name, "Artist");
  ASSERT_TRUE(current("Album").has_value());
  ASSERT_EQ(current("Album")->foreign_keys.size(), 1u);
  EXPECT_EQ(current("Album")->foreign_keys[0].ref_table, "Artist");  // as the schema spells it
  EXPECT_FALSE(current("sqlite_sequence").has_value());              // SQLite's own
  EXPECT_FALSE(current("genre").has_value());

  exec("CREATE TABLE Genre (id INTEGER PRIMARY KEY); ALTER TABLE Artist RENAME TO Performer");
  ASSERT_TRUE(current("genre").has_value());
  EXPECT_EQ(current("genre")->name, "Genre");
  EXPECT_FALSE(current("Artist").has_value());
  ASSERT_TRUE(current("performer").has_value());
  EXPECT_EQ(current("performer")->name, "Performer");
  EXPECT_EQ(current("Album")->foreign_keys[0].ref_table, "Performer");  // renamed with it

  exec("DROP TABLE Genre");
  EXPECT_FALSE(current("Genre").has_value());
  source.reset();
  sqlite3_close(writer);
  std::filesystem::remove_all(dir);
}

// Row estimates come from sqlite_stat1 when the file has one (a table's own row, else an
// index's), listed and described alike, and follow a new ANALYZE by another connection; a table
// ANALYZE has not seen yet has none (CurrentTable does not count).
TEST(SqliteSourceStatsTest, EstimatesFollowSqliteStat1) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("cairn_sqlite_stat1_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "stats.sqlite").string();
  sqlite3* writer = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &writer), SQLITE_OK);
  auto exec = [&](const std::string& sql) {
    ASSERT_EQ(sqlite3_exec(writer, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
        << sqlite3_errmsg(writer);
  };
  exec(
      "CREATE TABLE indexed (id INTEGER PRIMARY KEY, code TEXT); CREATE INDEX by_code ON "
      "indexed(code); CREATE TABLE plain (x INTEGER);"
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40) "
      "INSERT INTO indexed SELECT i, 'c' || i FROM n;"
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 7) "
      "INSERT INTO plain SELECT i FROM n; ANALYZE;");
  std::unique_ptr<Source> source = OpenOrDie("stats", path);
  ASSERT_NE(source, nullptr);
  Result<std::vector<TableInfo>> tables = source->Tables();
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();
  std::map<std::string, int64_t> listed;
  for (const TableInfo& t : *tables) listed[t.name] = t.row_estimate;
  EXPECT_EQ(listed, (std::map<std::string, int64_t>{{"indexed", 40}, {"plain", 7}}));
  auto estimate = [&](const std::string& name) {
    Result<std::optional<TableInfo>> t = source->CurrentTable(name);
    EXPECT_TRUE(t.ok() && t->has_value()) << name;
    return t.ok() && t->has_value() ? (*t)->row_estimate : -2;
  };
  EXPECT_EQ(estimate("indexed"), 40);
  EXPECT_EQ(estimate("plain"), 7);

  exec(
      "WITH RECURSIVE n(i) AS (SELECT 41 UNION ALL SELECT i + 1 FROM n WHERE i < 100) "
      "INSERT INTO indexed SELECT i, 'c' || i FROM n; CREATE TABLE later (y INTEGER);"
      "INSERT INTO later VALUES (1), (2);");
  EXPECT_EQ(estimate("indexed"), 40);  // sqlite_stat1 says so until the next ANALYZE
  EXPECT_EQ(estimate("later"), -1);
  exec("ANALYZE");
  EXPECT_EQ(estimate("indexed"), 100);
  EXPECT_EQ(estimate("later"), 2);
  source.reset();
  sqlite3_close(writer);
  std::filesystem::remove_all(dir);
}

TEST_F(SqliteSourceTest, CountsMatchDirectQueries) {
  for (const auto* source : {chinook_.get(), northwind_.get()}) {
    std::string schema = source == chinook_.get() ? "{m}" : "{t}";
    Result<std::vector<TableInfo>> tables = const_cast<Source*>(source)->Tables();
    ASSERT_TRUE(tables.ok());
    for (const auto& t : *tables) {
      ExpectSame("SELECT count(*) FROM " + schema + "." + QuoteIdentifier(t.name));
    }
  }
}

TEST_F(SqliteSourceTest, TableNamesWithSpaces) {
  EXPECT_EQ(Query(db_, "SELECT count(*) FROM trade.\"Order Details\""), "1:2155\n");
  ExpectSame(
      "SELECT OrderID, ProductID, UnitPrice, Quantity, Discount FROM {t}.\"Order Details\""
      " WHERE OrderID = 10248 ORDER BY ProductID");
  ExpectSame(
      "SELECT sum(Quantity), round(sum(UnitPrice * Quantity), 2) FROM {t}.\"Order Details\"");
  ExpectSame(
      "SELECT * FROM {t}.\"Order Details Extended\" WHERE OrderID BETWEEN 10250 AND 10252"
      " ORDER BY OrderID, ProductID");
}

TEST_F(SqliteSourceTest, JoinAcrossTwoSources) {
  ExpectSame(
      "SELECT c.Country, count(*) FROM {m}.Customer c JOIN {t}.Customers k ON k.Country = "
      "c.Country GROUP BY c.Country ORDER BY c.Country");
  ExpectSame(
      "SELECT e.LastName, f.LastName FROM {m}.Employee e JOIN {t}.Employees f ON e.FirstName = "
      "f.FirstName ORDER BY 1, 2");
}

TEST_F(SqliteSourceTest, EveryPushedOperatorGivesTheDirectRows) {
  const std::vector<std::string> queries = {
      "SELECT * FROM {m}.Track WHERE TrackId = 17",
      "SELECT * FROM {m}.Track WHERE TrackId = '17'",  // affinity applies as on a table
      "SELECT TrackId FROM {m}.Track WHERE TrackId < 20 ORDER BY 1",
      "SELECT TrackId FROM {m}.Track WHERE TrackId <= 20 ORDER BY 1",
      "SELECT TrackId FROM {m}.Track WHERE TrackId > 3490 ORDER BY 1",
      "SELECT TrackId FROM {m}.Track WHERE TrackId >= 3490 AND TrackId < 3495 ORDER BY 1",
      "SELECT TrackId, Composer FROM {m}.Track WHERE Composer IS NULL ORDER BY 1",
      "SELECT count(*) FROM {m}.Track WHERE Composer IS NOT NULL",
      "SELECT TrackId FROM {m}.Track WHERE AlbumId IN (1, 5, 7, NULL) ORDER BY 1",
      "SELECT TrackId FROM {m}.Track WHERE Name IN ('Snowballed', 'Evil Walks', 'x') ORDER BY 1",
      "SELECT Name FROM {m}.Track WHERE Name LIKE 'the%' ORDER BY 1",
      "SELECT Name FROM {m}.Track WHERE Name LIKE '%a_b%' ORDER BY 1",
      "SELECT Name FROM {m}.Artist WHERE Name >= 'a' ORDER BY 1",  // BINARY: 'a' > 'Z'
      "SELECT Name FROM {m}.Artist WHERE Name < 'B' ORDER BY 1",
      "SELECT Name FROM {m}.Artist WHERE Name = 'ac/dc'",
      "SELECT Name FROM {m}.Artist WHERE Name = 'ac/dc' COLLATE NOCASE",
      "SELECT Name FROM {m}.Artist WHERE Name COLLATE NOCASE IN ('ac/dc', 'U2') ORDER BY 1",
      "SELECT Name FROM {m}.Artist WHERE Name < 'b' COLLATE NOCASE ORDER BY 1",
      "SELECT * FROM {m}.Invoice WHERE Total > 20 ORDER BY InvoiceId",
      "SELECT * FROM {m}.Invoice WHERE Total = 1.98 ORDER BY InvoiceId",
      "SELECT * FROM {m}.Track LIMIT 5",
      "SELECT * FROM {m}.Track LIMIT 5 OFFSET 3000",
      "SELECT * FROM {m}.Track WHERE AlbumId = 3 LIMIT 2 OFFSET 1",
      "SELECT * FROM {m}.Track WHERE AlbumId = 3 OR GenreId = 2 LIMIT 3",
      "SELECT * FROM {m}.Track WHERE Composer LIKE '%AC%' LIMIT 3",
      "SELECT TrackId FROM {m}.Track ORDER BY Name DESC LIMIT 4",
      "SELECT TrackId, Name FROM {m}.Track ORDER BY Name DESC, TrackId LIMIT 4",
      "SELECT TrackId, Composer FROM {m}.Track ORDER BY Composer, TrackId LIMIT 10",
      "SELECT TrackId, Composer FROM {m}.Track ORDER BY Composer DESC, TrackId DESC LIMIT 5 "
      "OFFSET 2520",
      "SELECT TrackId, UnitPrice FROM {m}.Track ORDER BY UnitPrice DESC, TrackId LIMIT 5",
      "SELECT InvoiceId FROM {m}.Invoice ORDER BY InvoiceDate DESC, InvoiceId LIMIT 3",
      "SELECT TrackId FROM {m}.Track WHERE AlbumId IN (3, 1, 2) ORDER BY TrackId DESC LIMIT 4",
      "SELECT TrackId FROM {m}.Track ORDER BY TrackId DESC LIMIT 3",
      "SELECT AlbumId, TrackId FROM {m}.Track WHERE GenreId = 1 ORDER BY AlbumId, TrackId",
      "SELECT DISTINCT AlbumId FROM {m}.Track ORDER BY 1 LIMIT 4",
  };
  for (const auto& sql : queries) ExpectSame(sql);
}

// Random filters mixing storage classes, checked against the file attached directly.
TEST_F(SqliteSourceTest, RandomFiltersMatchDirectQueries) {
  const std::vector<std::string> columns = {"TrackId",  "Name",         "AlbumId",
                                            "Composer", "Milliseconds", "UnitPrice"};
  const std::vector<std::string> values = {
      "-1",    "0",       "1",       "17",          "3503", "9223372036854775807",
      "0.99",  "1.5",     "17.0",    "1e300",       "'17'", "'0.99'",
      "'abc'", "'AC/DC'", "''",      "'Z'",         "'a'",  "' 17'",
      "NULL",  "x'00'",   "x'3137'", "'Snowballed'"};
  const std::vector<std::string> patterns = {"'%a%'", "'A%'", "'_%'", "'17%'", "'%e_'", "17"};
  const std::vector<std::string> comparisons = {"=", "<", "<=", ">", ">="};
  std::mt19937 random(20261129);
  auto pick = [&](const std::vector<std::string>& from) {
    return from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(random)];
  };
  auto predicate = [&]() -> std::string {
    std::string column = pick(columns);
    switch (std::uniform_int_distribution<int>(0, 5)(random)) {
      case 0:
        return column + " IN (" + pick(values) + ", " + pick(values) + ")";
      case 1:
        return column + " LIKE " + pick(patterns);
      case 2:
        return column + (random() % 2 ? " IS NULL" : " IS NOT NULL");
      default:
        return column + " " + pick(comparisons) + " " + pick(values);
    }
  };
  for (int i = 0; i < 150; ++i) {
    std::string sql = "SELECT TrackId FROM {m}.Track WHERE " + predicate();
    if (random() % 2) sql += " AND " + predicate();
    sql += random() % 2 ? " ORDER BY TrackId" : " ORDER BY Name DESC, TrackId";
    if (random() % 3 == 0) sql += " LIMIT 7";
    ExpectSame(sql);
  }
}

TEST_F(SqliteSourceTest, JoinsOfOneSource) {
  // Nested loops open two cursors on the same source connection at once.
  ExpectSame(
      "SELECT e.LastName, m.LastName FROM {m}.Employee e LEFT JOIN {m}.Employee m ON m.EmployeeId"
      " = e.ReportsTo ORDER BY 1");
  ExpectSame(
      "SELECT ar.Name, count(*), sum(t.Milliseconds) FROM {m}.Artist ar JOIN {m}.Album al ON "
      "al.ArtistId = ar.ArtistId JOIN {m}.Track t ON t.AlbumId = al.AlbumId GROUP BY ar.Name "
      "ORDER BY 3 DESC LIMIT 10");
}

// Scans keep their statements and plans between cursors (per virtual table): more distinct
// plans than are kept, the same plan on two cursors at once, and IN lists of changing sizes
// under one plan still give the direct rows.
TEST_F(SqliteSourceTest, ReusedStatementsAndPlansGiveTheDirectRows) {
  const std::vector<std::string> columns = {"Name",  "AlbumId",   "Composer", "Milliseconds",
                                            "Bytes", "UnitPrice", "GenreId"};
  for (int round = 0; round < 2; ++round) {
    // 2^7 column subsets x 2 filters: far more plans than a table keeps.
    for (int mask = 1; mask < (1 << 7); ++mask) {
      std::string select;
      for (size_t c = 0; c < columns.size(); ++c) {
        if (mask & (1 << c)) select += (select.empty() ? "" : ", ") + columns[c];
      }
      ExpectSame("SELECT " + select +
                 " FROM {m}.Track WHERE TrackId = " + std::to_string(mask * 7 + round));
      ExpectSame("SELECT " + select + " FROM {m}.Track WHERE AlbumId >= " + std::to_string(mask) +
                 " ORDER BY TrackId LIMIT 3");
    }
  }
  // One plan on two cursors at once, nested: each needs its own statement.
  ExpectSame(
      "SELECT a.TrackId, b.TrackId FROM {m}.Track a JOIN {m}.Track b ON b.TrackId = a.TrackId + "
      "1 WHERE a.TrackId <= 40 ORDER BY 1");
  ExpectSame(
      "SELECT a.TrackId, (SELECT b.Name FROM {m}.Track b WHERE b.TrackId = a.TrackId) FROM "
      "{m}.Track a WHERE a.AlbumId = 3 ORDER BY 1");
  for (int n = 0; n <= 6; ++n) {
    std::string list;
    for (int k = 0; k < n; ++k) list += (k ? ", " : "") + std::to_string(k * 11 + 1);
    ExpectSame("SELECT TrackId, Name FROM {m}.Track WHERE TrackId IN (" + list +
               ") ORDER BY TrackId");
  }
}

TEST_F(SqliteSourceTest, PlanShowsPushedTerms) {
  std::string plan = Query(db_, "EXPLAIN QUERY PLAN SELECT * FROM music.Track WHERE TrackId = 5");
  EXPECT_NE(plan.find("VIRTUAL TABLE INDEX 1:"), std::string::npos) << plan;
}

TEST(SqliteSourceOpenTest, MissingFileIsNotFoundAndNotCreated) {
  std::string path = "/tmp/cairn-no-such-dir-" + std::to_string(getpid()) + ".sqlite";
  Result<std::unique_ptr<Source>> source = Kind().open(MakeConfig("tos", path));
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().code(), StatusCode::kNotFound);
  EXPECT_NE(source.status().message().find(path), std::string::npos) << source.status().message();
  EXPECT_NE(source.status().message().find("cairn.yaml:3:20: sources.tos.path"), std::string::npos)
      << source.status().message();
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(SqliteSourceOpenTest, NotADatabaseIsInvalidArgument) {
  std::string path =
      (std::filesystem::path(::testing::TempDir()) / "not-a-db.sqlite").lexically_normal().string();
  {
    std::ofstream out(path);
    out << "this is not an SQLite database, just some text that is long enough to be a header.\n";
  }
  Result<std::unique_ptr<Source>> source = Kind().open(MakeConfig("tos", path));
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().code(), StatusCode::kInvalidArgument) << source.status().ToString();
  EXPECT_NE(source.status().message().find(path), std::string::npos);
}

TEST(SqliteSourceOpenTest, SourceIsReadOnly) {
  std::string path = ::testing::TempDir() + "/cairn-readonly.sqlite";
  std::filesystem::remove(path);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT); INSERT INTO t "
                         "VALUES (1, 'x')",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  std::unique_ptr<Source> source = OpenOrDie("w", path);
  ASSERT_TRUE(source);
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  ASSERT_TRUE(AttachSource(db, source.get(), "w", "cairn_src_1").ok());
  EXPECT_NE(sqlite3_exec(db, "INSERT INTO w.t VALUES (2, 'y')", nullptr, nullptr, nullptr),
            SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM w.t", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_EQ(Query(db, "SELECT * FROM w.t"), "1:1|3:x\n");
  sqlite3_close(db);
}

// A table looked up before Tables() was read is described alone (a file of 10,000 tables takes
// seconds to describe whole), exactly as Tables() describes it.
TEST(SqliteSourceLookupTest, OneTableIsDescribedAsTheListDescribesIt) {
  for (const std::string& path : {kChinook, kNorthwind}) {
    std::unique_ptr<Source> listed = OpenOrDie("db", path);
    Result<std::vector<TableInfo>> tables = listed->Tables();
    ASSERT_TRUE(tables.ok()) << tables.status().ToString();
    for (const TableInfo& want : *tables) {
      for (bool exact : {true, false}) {
        std::unique_ptr<Source> alone = OpenOrDie("db", path);
        std::string name = want.name;
        if (!exact) {
          for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        Result<const TableInfo*> found = alone->FindTableInfo(name, exact);
        ASSERT_TRUE(found.ok()) << found.status().ToString();
        ASSERT_NE(*found, nullptr) << path << ": " << name;
        const TableInfo& got = **found;
        EXPECT_EQ(got.name, want.name);
        EXPECT_EQ(got.kind, want.kind);
        EXPECT_EQ(got.row_estimate, want.row_estimate) << want.name;
        EXPECT_EQ(got.stable_rowid, want.stable_rowid) << want.name;
        EXPECT_EQ(got.foreign_keys, want.foreign_keys) << want.name;
        ASSERT_EQ(got.columns.size(), want.columns.size()) << want.name;
        for (size_t i = 0; i < want.columns.size(); ++i) {
          EXPECT_EQ(got.columns[i].name, want.columns[i].name);
          EXPECT_EQ(got.columns[i].type, want.columns[i].type);
          EXPECT_EQ(got.columns[i].source_type, want.columns[i].source_type);
          EXPECT_EQ(got.columns[i].not_null, want.columns[i].not_null);
          EXPECT_EQ(got.columns[i].primary_key, want.columns[i].primary_key);
        }
      }
    }
    std::unique_ptr<Source> alone = OpenOrDie("db", path);
    Result<const TableInfo*> missing = alone->FindTableInfo("no such table", false);
    ASSERT_TRUE(missing.ok());
    EXPECT_EQ(*missing, nullptr);
    missing = alone->FindTableInfo("sqlite_master", false);
    ASSERT_TRUE(missing.ok());
    EXPECT_EQ(*missing, nullptr);
  }
}

}  // namespace
}  // namespace cairn::connectors::sqlite
