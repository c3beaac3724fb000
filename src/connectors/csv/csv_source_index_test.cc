// The csv virtual table's equality/IN index: results are checked against the same queries on a
// copy of the source with indexes disabled (index_max_mb: 0), and against native SQLite tables.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "connectors/csv/csv_source.h"
#include "connectors/csv/csv_test_util.h"

namespace cairn::connectors::csv {
namespace {

using testing::CsvConfigYaml;
using testing::Db;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::OpenCsv;
using testing::OpenMemoryDb;
using testing::Query;
using testing::QueryResult;
using testing::ScratchDir;

using Rows = std::vector<std::vector<std::string>>;

class CsvIndexTest : public ::testing::Test {
 protected:
  // Attaches the directory twice: as "customs" with `extra` options (indexes on by default) and
  // as "plain" with indexes disabled, the reference.
  void Attach(const std::string& extra = "") {
    db_ = OpenMemoryDb();
    Result<std::unique_ptr<Source>> source = OpenCsv(CsvConfigYaml(dir_.path(), extra));
    ASSERT_TRUE(source.ok()) << source.status().ToString();
    source_ = std::move(source).value();
    Status status = AttachSource(db_.get(), source_.get(), "customs", "cairn_src_0");
    ASSERT_TRUE(status.ok()) << status.ToString();
    source = OpenCsv(CsvConfigYaml(dir_.path(), extra + "    index_max_mb: 0\n"));
    ASSERT_TRUE(source.ok()) << source.status().ToString();
    plain_ = std::move(source).value();
    status = AttachSource(db_.get(), plain_.get(), "plain", "cairn_src_1");
    ASSERT_TRUE(status.ok()) << status.ToString();
  }

  Rows Select(const std::string& sql) {
    QueryResult result = Query(db_.get(), sql);
    EXPECT_EQ(result.rc, SQLITE_OK) << sql << ": " << result.error;
    return result.rows;
  }

  // The query plan's details, one line each.
  std::string Plan(const std::string& sql) {
    std::string out;
    for (const auto& row : Select("EXPLAIN QUERY PLAN " + sql)) out += row.back() + "\n";
    return out;
  }

  // Runs `sql` (which names the csv schema as {}) on the indexed and the plain source, expects
  // the same rows, and returns them.
  Rows Same(const std::string& sql) {
    std::string indexed = fmt::format(fmt::runtime(sql), "customs");
    Rows rows = Select(indexed);
    EXPECT_EQ(rows, Select(fmt::format(fmt::runtime(sql), "plain"))) << indexed;
    return rows;
  }

  ScratchDir dir_;
  std::unique_ptr<Source> source_;
  std::unique_ptr<Source> plain_;
  Db db_;
};

TEST_F(CsvIndexTest, EqualityAndInOnIntegerRealAndTextColumns) {
  dir_.Write("p.csv",
             "id,price,name\n"
             "1,1.5,apple\n"
             "2,2.25,pear\n"
             "3,1.5,fig\n"
             "4,3,\"kiwi, gold\"\n");
  Attach();
  EXPECT_EQ(Same("SELECT rowid, id, name FROM {}.p WHERE id = 2"),
            (Rows{{"i:3", "i:2", "t:pear"}}));
  EXPECT_EQ(Same("SELECT id FROM {}.p WHERE price = 1.5 ORDER BY id"), (Rows{{"i:1"}, {"i:3"}}));
  EXPECT_EQ(Same("SELECT id FROM {}.p WHERE price = 3"), (Rows{{"i:4"}}));
  EXPECT_EQ(Same("SELECT id FROM {}.p WHERE name = 'kiwi, gold'"), (Rows{{"i:4"}}));
  EXPECT_EQ(Same("SELECT id FROM {}.p WHERE name = 'Fig'"), Rows{});
  EXPECT_EQ(Same("SELECT id FROM {}.p WHERE id IN (4, 1, 9) ORDER BY id"),
            (Rows{{"i:1"}, {"i:4"}}));
  EXPECT_EQ(Same("SELECT id FROM {}.p WHERE name IN ('fig', 'pear', 'none') ORDER BY id"),
            (Rows{{"i:2"}, {"i:3"}}));
  EXPECT_EQ(Same("SELECT id FROM {}.p WHERE price IN (2.25, 3) ORDER BY id"),
            (Rows{{"i:2"}, {"i:4"}}));
  EXPECT_THAT(Plan("SELECT * FROM customs.p WHERE id = 2"), HasSubstr("eq(id)"));
  EXPECT_THAT(Plan("SELECT * FROM customs.p WHERE name IN ('a', 'b')"), HasSubstr("in(name)"));
  EXPECT_THAT(Plan("SELECT * FROM plain.p WHERE id = 2"), Not(HasSubstr("eq(")));
  // Other operators and a NOCASE comparison are not indexed, and still right.
  EXPECT_THAT(Plan("SELECT * FROM customs.p WHERE name = 'FIG' COLLATE NOCASE"),
              Not(HasSubstr("eq(")));
  EXPECT_EQ(Same("SELECT id FROM {}.p WHERE name = 'FIG' COLLATE NOCASE"), (Rows{{"i:3"}}));
  EXPECT_EQ(Same("SELECT id FROM {}.p WHERE id > 2 ORDER BY id"), (Rows{{"i:3"}, {"i:4"}}));
}

TEST_F(CsvIndexTest, ProbesOfAnotherTypeFindWhatSqliteFindsEqual) {
  dir_.Write("m.csv",
             "n,x,code\n"
             "42,1.5,42\n"
             "7,42,042\n"
             "8,2,42.0\n");
  Attach();
  EXPECT_EQ(Same("SELECT rowid FROM {}.m WHERE n = '42'"), (Rows{{"i:2"}}));
  EXPECT_EQ(Same("SELECT rowid FROM {}.m WHERE n = 42.0"), (Rows{{"i:2"}}));
  EXPECT_EQ(Same("SELECT rowid FROM {}.m WHERE n = ' 42'"), (Rows{{"i:2"}}));
  EXPECT_EQ(Same("SELECT rowid FROM {}.m WHERE n = 42.5"), Rows{});
  EXPECT_EQ(Same("SELECT rowid FROM {}.m WHERE x = 42"), (Rows{{"i:3"}}));
  EXPECT_EQ(Same("SELECT rowid FROM {}.m WHERE x = '1.5'"), (Rows{{"i:2"}}));
  // A TEXT column against numbers: compared as the number's text.
  EXPECT_EQ(Same("SELECT rowid FROM {}.m WHERE code = 42"), (Rows{{"i:2"}}));
  EXPECT_EQ(Same("SELECT rowid FROM {}.m WHERE code = 42.0"), (Rows{{"i:4"}}));
  EXPECT_EQ(Same("SELECT rowid FROM {}.m WHERE code IN (42, '042') ORDER BY 1"),
            (Rows{{"i:2"}, {"i:3"}}));
  // ... or as numbers when the other side has numeric affinity (a column of an INTEGER table).
  ASSERT_EQ(sqlite3_exec(db_.get(), "CREATE TABLE k(v INTEGER); INSERT INTO k VALUES (42);",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  EXPECT_EQ(Same("SELECT c.rowid FROM k JOIN {}.m c ON c.code = k.v ORDER BY 1"),
            (Rows{{"i:2"}, {"i:3"}, {"i:4"}}));
}

TEST_F(CsvIndexTest, ValuesThatDoNotFitTheirTypeAreFoundAsText) {
  dir_.Write("late.csv", "n,x\n1,1.5\n2,2.5\nn/a,oops\n042,4\n3.5,\n");
  Attach("    sample_rows: 2\n");
  EXPECT_EQ(Same("SELECT rowid, n FROM {}.late WHERE n = 'n/a'"), (Rows{{"i:4", "t:n/a"}}));
  EXPECT_EQ(Same("SELECT rowid, x FROM {}.late WHERE x = 'oops'"), (Rows{{"i:4", "t:oops"}}));
  EXPECT_EQ(Same("SELECT rowid FROM {}.late WHERE n = '042'"), (Rows{{"i:5"}}));
  EXPECT_EQ(Same("SELECT rowid FROM {}.late WHERE n = 42"), (Rows{{"i:5"}}));
  EXPECT_EQ(Same("SELECT rowid FROM {}.late WHERE n = 3.5"), (Rows{{"i:6"}}));
  EXPECT_EQ(Same("SELECT rowid FROM {}.late WHERE n IN ('n/a', 1) ORDER BY 1"),
            (Rows{{"i:2"}, {"i:4"}}));
}

TEST_F(CsvIndexTest, NullProbesMatchNothing) {
  dir_.Write("n.csv", "a,b\n1,x\n,y\n2,\n");
  Attach();
  EXPECT_EQ(Same("SELECT b FROM {}.n WHERE a = NULL"), Rows{});
  EXPECT_EQ(Same("SELECT b FROM {}.n WHERE a IN (NULL, 1)"), (Rows{{"t:x"}}));
  EXPECT_EQ(Same("SELECT a FROM {}.n WHERE b = NULL"), Rows{});
  EXPECT_EQ(Same("SELECT b FROM {}.n WHERE a IS NULL"), (Rows{{"t:y"}}));
  EXPECT_EQ(Same("SELECT b FROM {}.n WHERE a = x'31'"), Rows{});
}

TEST_F(CsvIndexTest, HeaderlessFilesOtherDelimitersAndNullText) {
  dir_.Write("h.csv", "1;NA;x\n2;b;\"NA\"\n3;;NA\n");
  Attach("    header: false\n    delimiter: ';'\n    null_value: NA\n");
  EXPECT_EQ(Same("SELECT rowid, c2 FROM {}.h WHERE c1 = 1"), (Rows{{"i:1", "NULL"}}));
  EXPECT_EQ(Same("SELECT c1 FROM {}.h WHERE c3 = 'NA'"), (Rows{{"i:2"}}));
  EXPECT_EQ(Same("SELECT c1 FROM {}.h WHERE c2 = ''"), (Rows{{"i:3"}}));
  EXPECT_EQ(Same("SELECT c1 FROM {}.h WHERE c2 = 'NA'"), Rows{});
}

TEST_F(CsvIndexTest, DuplicateKeysReturnEveryRecord) {
  std::string text = "k,v\n";
  for (int i = 0; i < 300; ++i) text += fmt::format("{},{}\n", i % 7, i);
  dir_.Write("d.csv", text);
  Attach();
  Rows rows = Same("SELECT rowid, v FROM {}.d WHERE k = 3 ORDER BY rowid");
  EXPECT_EQ(rows.size(), 43u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"i:5", "i:3"}));
  EXPECT_EQ(Same("SELECT count(*), sum(v) FROM {}.d WHERE k IN (1, 3, 3, 5)"),
            Select("SELECT count(*), sum(v) FROM plain.d WHERE k IN (1, 3, 5)"));
  // The second query on the table uses the built index's statistics: about 43 rows per key.
  EXPECT_THAT(Plan("SELECT * FROM customs.d WHERE k = 3"), HasSubstr("eq(k)"));
}

TEST_F(CsvIndexTest, JoinWithTheCsvAsInnerTableMatchesNativeSqlite) {
  std::string text = "customer_id,name,score\n";
  for (int i = 1; i <= 500; ++i) {
    text += fmt::format("{},\"cust {}\",{}\n", i, i, (i * 37) % 101 / 4.0);
  }
  dir_.Write("customers.csv", text);
  Attach();
  ASSERT_EQ(sqlite3_exec(db_.get(),
                         "CREATE TABLE orders(order_id INTEGER PRIMARY KEY, customer_id INTEGER);"
                         "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s "
                         "WHERE n < 2000) INSERT INTO orders SELECT n, (n * 7919) % 600 FROM s;"
                         "CREATE TABLE native_customers(customer_id INTEGER, name TEXT, "
                         "score REAL);"
                         "INSERT INTO native_customers SELECT * FROM plain.customers;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  const std::string join =
      "SELECT o.order_id, c.name, c.score FROM orders o JOIN {} c "
      "ON c.customer_id = o.customer_id ORDER BY o.order_id";
  Rows indexed = Select(fmt::format(fmt::runtime(join), "customs.customers"));
  EXPECT_GT(indexed.size(), 1000u);
  EXPECT_EQ(indexed, Select(fmt::format(fmt::runtime(join), "plain.customers")));
  EXPECT_EQ(indexed, Select(fmt::format(fmt::runtime(join), "native_customers")));
  std::string plan = Plan(fmt::format(fmt::runtime(join), "customs.customers"));
  EXPECT_THAT(plan, HasSubstr("SCAN o"));
  EXPECT_THAT(plan, HasSubstr("VIRTUAL TABLE INDEX")) << plan;
  EXPECT_THAT(plan, HasSubstr("eq(customer_id)")) << plan;
}

// Tricky values in every kind of column, probed by literals and by columns of every affinity:
// the index must never lose a row SQLite finds equal.
TEST_F(CsvIndexTest, RandomizedProbesAgreeWithTheUnindexedTable) {
  const std::vector<std::string> values = {"42",
                                           "042",
                                           " 42",
                                           "42.0",
                                           "4.2e1",
                                           "+42",
                                           "-0",
                                           "0",
                                           "0.3",
                                           "0.30",
                                           "abc",
                                           "ABC",
                                           "",
                                           "\"\"",
                                           "1e2",
                                           "100",
                                           "-1.5",
                                           ".5",
                                           "5.",
                                           "0x10",
                                           "16",
                                           "9007199254740993",
                                           "9223372036854775807",
                                           "9223372036854775808",
                                           "\"42\"",
                                           "é",
                                           "1.5"};
  const std::vector<std::string> probes = {"42",
                                           "42.0",
                                           "'42'",
                                           "'042'",
                                           "' 42'",
                                           "4.2e1",
                                           "0.1 + 0.2",
                                           "'0.3'",
                                           "0.3",
                                           "-0.0",
                                           "'abc'",
                                           "''",
                                           "NULL",
                                           "x'3432'",
                                           "9007199254740993",
                                           "9007199254740992.0",
                                           "100",
                                           "'1e2'",
                                           "16",
                                           "1.5",
                                           "'1.5'",
                                           "0.5",
                                           "9223372036854775807",
                                           "9.223372036854775807e18",
                                           "'é'"};
  std::mt19937 random(7);
  std::string text = "i,r,t\n";
  // Clean rows first so that inference picks INTEGER, REAL, TEXT; then the tricky ones.
  text += "1,1.25,a\n2,2.5,b\n";
  for (int row = 0; row < 200; ++row) {
    text += values[random() % values.size()] + "," + values[random() % values.size()] + "," +
            values[random() % values.size()] + "\n";
  }
  dir_.Write("t.csv", text);
  Attach("    sample_rows: 2\n");
  ASSERT_EQ(
      sqlite3_exec(db_.get(), "CREATE TABLE q(pi INTEGER, pr REAL, pt TEXT, pn NUMERIC, pb BLOB)",
                   nullptr, nullptr, nullptr),
      SQLITE_OK);
  for (const std::string& probe : probes) {
    std::string insert = fmt::format("INSERT INTO q VALUES ({0}, {0}, {0}, {0}, {0})", probe);
    ASSERT_EQ(sqlite3_exec(db_.get(), insert.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  }
  for (const char* column : {"i", "r", "t"}) {
    for (const std::string& probe : probes) {
      Same(fmt::format("SELECT rowid FROM {{}}.t WHERE {} = {} ORDER BY 1", column, probe));
    }
    for (int k = 0; k < 20; ++k) {
      std::string list = probes[random() % probes.size()] + ", " +
                         probes[random() % probes.size()] + ", " + probes[random() % probes.size()];
      Same(fmt::format("SELECT rowid FROM {{}}.t WHERE {} IN ({}) ORDER BY 1", column, list));
    }
    for (const char* probe_column : {"pi", "pr", "pt", "pn", "pb"}) {
      std::string join =
          fmt::format("SELECT q.rowid, c.rowid FROM q JOIN {{}}.t c ON c.{} = q.{} ORDER BY 1, 2",
                      column, probe_column);
      Same(join);
      EXPECT_THAT(Plan(fmt::format(fmt::runtime(join), "customs")),
                  HasSubstr(fmt::format("eq({})", column)));
    }
  }
}

TEST_F(CsvIndexTest, MalformedRecordReachedByTheBuildFailsTheQuery) {
  dir_.Write("bad.csv", "k,v\n1,a\n2,b\n3,c,extra\n4,d\n");
  Attach();
  QueryResult result = Query(db_.get(), "SELECT v FROM customs.bad WHERE k = 1");
  EXPECT_EQ(result.rc, SQLITE_ERROR);
  EXPECT_THAT(result.error, HasSubstr("[InvalidArgument] customs: bad.csv:4: column 3: expected "
                                      "2 fields, found 3"));
  dir_.Write("utf.csv", "k,v\n1,a\n2,\"b\xFF\"\n");
  Attach();
  result = Query(db_.get(), "SELECT v FROM customs.utf WHERE k = 1");
  EXPECT_EQ(result.rc, SQLITE_ERROR);
  EXPECT_THAT(result.error, HasSubstr("customs: utf.csv:3: column 2: invalid UTF-8"));
}

TEST_F(CsvIndexTest, ChangedFileIsReindexed) {
  dir_.Write("t.csv", "k,v\n1,a\n2,b\n");
  Attach();
  EXPECT_EQ(Same("SELECT v FROM {}.t WHERE k = 2"), (Rows{{"t:b"}}));
  // Same size: only the modification time tells.
  dir_.Write("t.csv", "k,v\n2,x\n1,y\n");
  std::filesystem::last_write_time(
      dir_.path() / "t.csv",
      std::filesystem::last_write_time(dir_.path() / "t.csv") + std::chrono::seconds(2));
  EXPECT_EQ(Same("SELECT rowid, v FROM {}.t WHERE k = 2"), (Rows{{"i:2", "t:x"}}));
  // Longer, and a new value.
  dir_.Write("t.csv", "k,v\n1,a\n\n\n2,b\n3,c\n2,d\n");
  EXPECT_EQ(Same("SELECT rowid, v FROM {}.t WHERE k IN (2, 3) ORDER BY rowid"),
            (Rows{{"i:5", "t:b"}, {"i:6", "t:c"}, {"i:7", "t:d"}}));
  // A malformed record written later is reported by the rebuild.
  dir_.Write("t.csv", "k,v\n1,a\n2\n");
  QueryResult result = Query(db_.get(), "SELECT v FROM customs.t WHERE k = 1");
  EXPECT_EQ(result.rc, SQLITE_ERROR);
  EXPECT_THAT(result.error, HasSubstr("customs: t.csv:3: column 2: expected 2 fields, found 1"));
  // A deleted file is reported as a scan reports it.
  std::filesystem::remove(dir_.path() / "t.csv");
  result = Query(db_.get(), "SELECT v FROM customs.t WHERE k = 1");
  EXPECT_EQ(result.rc, SQLITE_ERROR);
  EXPECT_THAT(result.error, HasSubstr("[NotFound] customs: "));
}

TEST_F(CsvIndexTest, TableOverTheBudgetIsScannedAsBefore) {
  std::string text = "k,v\n";
  for (int i = 0; i < 10000; ++i) text += fmt::format("{},{}\n", i, i % 13);
  dir_.Write("big.csv", text);
  Attach("    index_max_mb: 1\n");  // 10000 rows * 128 bytes > 1 MiB
  EXPECT_THAT(Plan("SELECT v FROM customs.big WHERE k = 77"), Not(HasSubstr("eq(")));
  EXPECT_EQ(Same("SELECT v FROM {}.big WHERE k = 77"), (Rows{{"i:12"}}));
}

TEST_F(CsvIndexTest, IndexThatOutgrowsTheBudgetWhileBuildingFallsBackToAScan) {
  // 3000 rows fit the estimate (3000 * 128 bytes < 1 MiB), but 400-byte keys do not.
  std::string text = "k,v\n";
  for (int i = 0; i < 3000; ++i) text += fmt::format("{}{},{}\n", std::string(400, 'x'), i, i);
  dir_.Write("wide.csv", text);
  Attach("    index_max_mb: 1\n");
  const std::string key = std::string(400, 'x') + "1234";
  EXPECT_THAT(Plan("SELECT v FROM customs.wide WHERE k = '" + key + "'"), HasSubstr("eq(k)"));
  EXPECT_EQ(Same("SELECT v FROM {}.wide WHERE k = '" + key + "'"), (Rows{{"i:1234"}}));
  EXPECT_EQ(Same("SELECT v FROM {}.wide WHERE k IN ('" + key + "', 'none', 5)"),
            (Rows{{"i:1234"}}));
  // Not offered again.
  EXPECT_THAT(Plan("SELECT v FROM customs.wide WHERE k = '" + key + "'"), Not(HasSubstr("eq(")));
  // Another column of the table still gets its index.
  EXPECT_THAT(Plan("SELECT k FROM customs.wide WHERE v = 5"), HasSubstr("eq(v)"));
  EXPECT_EQ(Same("SELECT length(k) FROM {}.wide WHERE v = 5"), (Rows{{"i:401"}}));
}

TEST_F(CsvIndexTest, BadIndexBudgetIsRejected) {
  Result<std::unique_ptr<Source>> source =
      OpenCsv(CsvConfigYaml(dir_.path(), "    index_max_mb: -1\n"));
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(source.status().message(),
              HasSubstr("sources.customs.index_max_mb: must be between 0 and 2^40, got -1"));
}

}  // namespace
}  // namespace cairn::connectors::csv
