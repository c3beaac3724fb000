// Batched lookups through the engine (connectors::LookupKeys, engine/lookup_keys.cc, and
// "Batched lookups" in connectors/postgres/postgres_source.h), against a real PostgreSQL: a join
// whose inner side is a PostgreSQL table returns the same rows with its lookups fetched in
// batches as one lookup per outer row, whatever the outer keys (NULL, duplicates, missing,
// affinity-converted, of another class), the join shape (LEFT, filtered, three sources, both
// sides on one PostgreSQL connection) or the fallback taken (a key the engine cannot read ahead,
// rows over the memory cap); and it sends a handful of statements instead of one per row.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "connectors/postgres/pg_test_util.h"
#include "core/config.h"
#include "engine/catalog.h"
#include "engine/session.h"

namespace cairn::engine {
namespace {

namespace fs = std::filesystem;
using connectors::postgres::Admin;
using connectors::postgres::AdvisoryLock;
using connectors::postgres::CountStatements;
using connectors::postgres::Env;
using connectors::postgres::LogSize;
using connectors::postgres::ReadLogFrom;
using connectors::postgres::StatementLogLock;
using connectors::postgres::WithSchema;

constexpr int kFixtureVersion = 1;

// Schema cairn_batchtest, (re)created when its version differs, under an advisory lock:
//   items(id int8 key, name text, price float8): 1,000 rows, some NULLs
//   counted_items: a copy only the statement-counting test reads
//   tags(tag text, item_id int8, label text): no key; duplicate, NULL and case-distinct tags
//   wide(id int8 key, pad text): 1,000 rows of 4,000 bytes (over a 1 MiB cap)
//   pg_orders(order_id int8, item_id int8): 300 rows, the outer side on the same connection
void EnsureFixtures() {
  static bool done = false;
  if (done) return;
  Admin admin;
  ASSERT_TRUE(admin.ok());
  AdvisoryLock lock(&admin, 7406203);
  ASSERT_TRUE(lock.locked());
  if (admin.Exec("SELECT version FROM cairn_batchtest.fixture") ==
      std::to_string(kFixtureVersion)) {
    done = true;
    return;
  }
  const std::string setup =
      "SET client_min_messages = warning;"
      "DROP SCHEMA IF EXISTS cairn_batchtest CASCADE; CREATE SCHEMA cairn_batchtest;"
      "CREATE TABLE cairn_batchtest.items (id int8 PRIMARY KEY, name text, price float8);"
      "INSERT INTO cairn_batchtest.items SELECT g, CASE WHEN g % 7 = 0 THEN NULL ELSE 'item ' ||"
      "  g END, CASE WHEN g % 11 = 0 THEN NULL ELSE g / 4.0 END FROM generate_series(1, 1000) g;"
      "CREATE TABLE cairn_batchtest.counted_items (LIKE cairn_batchtest.items INCLUDING ALL);"
      "INSERT INTO cairn_batchtest.counted_items SELECT * FROM cairn_batchtest.items;"
      "CREATE TABLE cairn_batchtest.tags (tag text, item_id int8, label text);"
      "INSERT INTO cairn_batchtest.tags SELECT (ARRAY['apple', 'Apple', 'a b', 'a b ', '',"
      "  'éclair', 'x''y', NULL])[1 + g % 8], g, 'label ' || g FROM generate_series(1, 400) g;"
      "CREATE TABLE cairn_batchtest.wide (id int8 PRIMARY KEY, pad text);"
      "INSERT INTO cairn_batchtest.wide SELECT g, repeat(md5(g::text), 124) || g"
      "  FROM generate_series(1, 1000) g;"
      "CREATE TABLE cairn_batchtest.pg_orders (order_id int8, item_id int8);"
      "INSERT INTO cairn_batchtest.pg_orders SELECT g, CASE WHEN g % 13 = 0 THEN NULL ELSE"
      "  (g * 7) % 1200 END FROM generate_series(1, 300) g;"
      "ANALYZE cairn_batchtest.items, cairn_batchtest.counted_items, cairn_batchtest.tags,"
      "  cairn_batchtest.wide, cairn_batchtest.pg_orders;"
      "CREATE TABLE cairn_batchtest.fixture (version int);"
      "INSERT INTO cairn_batchtest.fixture VALUES (" +
      std::to_string(kFixtureVersion) + ");";
  ASSERT_EQ(admin.Exec(setup), "");
  done = true;
}

class BatchedLookupsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_PG();
    log_lock_ = std::make_unique<StatementLogLock>();
    ASSERT_TRUE(log_lock_->locked());
    EnsureFixtures();
    if (HasFatalFailure()) return;
    dir_ = fs::temp_directory_path() /
           fmt::format("cairn_batched_{}_{}", ::getpid(),
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "csv");
    // The outer side, in a SQLite source: keys with NULLs, duplicates, keys that match nothing,
    // a text and a real that SQLite's affinity makes integers, a real that is no integer, text.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "shop.sqlite").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TABLE orders(order_id INTEGER PRIMARY KEY, item_id, tag);"
                           "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                           "WHERE i < 600) INSERT INTO orders SELECT i, CASE WHEN i % 9 = 0 "
                           "THEN NULL WHEN i % 10 = 0 THEN 5000 + i ELSE (i * 37) % 1000 + 1 END, "
                           "CASE i % 6 WHEN 0 THEN 'apple' WHEN 1 THEN 'APPLE' WHEN 2 THEN 'a b' "
                           "WHEN 3 THEN '' WHEN 4 THEN NULL ELSE 'éclair' END FROM n;"
                           "INSERT INTO orders VALUES (601, '7', 'a b '), (602, 7.0, 'x''y'),"
                           " (603, 7.5, 'Apple'), (604, 7, 7), (605, 'abc', 'apple');"
                           // 2,000 distinct keys of 100 bytes: over half of a 1 MiB cap.
                           "CREATE TABLE long_tags(id INTEGER PRIMARY KEY, tag);"
                           "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                           "WHERE i < 2000) INSERT INTO long_tags SELECT i, CASE WHEN i % 100 = 0 "
                           "THEN 'apple' ELSE printf('%0100d', i) END FROM n;",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
    // order -> item links in a CSV file: the middle of a three-source join.
    std::ofstream links(dir_ / "csv" / "links.csv");
    links << "order_id,item_id\n";
    for (int i = 1; i <= 600; i += 2) links << i << "," << (i * 13) % 1100 << "\n";
    links.close();
    auto pg = [](const std::string& name, const std::string& extra) {
      return "  " + name +
             ":\n    kind: postgres\n    host: \"${CAIRN_TEST_PG_HOST}\"\n"
             "    port: \"${CAIRN_TEST_PG_PORT}\"\n    dbname: \"${CAIRN_TEST_PG_DB}\"\n"
             "    user: \"${CAIRN_TEST_PG_USER}\"\n    password: \"${CAIRN_TEST_PG_PASSWORD}\"\n"
             "    schemas: [cairn_batchtest]\n" +
             extra;
    };
    // b: the defaults (batched); r: one lookup per row; small: batched under a 1 MiB cap.
    const std::string yaml = "sources:\n" + pg("b", "") + pg("r", "    batch_lookups_mb: 0\n") +
                             pg("small", "    batch_lookups_mb: 1\n") +
                             "  shop:\n    kind: sqlite\n    path: shop.sqlite\n"
                             "  files:\n    kind: csv\n    path: csv\n";
    Result<Config> config = ParseConfig(yaml, dir_ / "cairn.yaml");
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    Result<std::unique_ptr<Catalog>> catalog = Catalog::Create(*config);
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    catalog_ = std::move(catalog).value();
    Result<std::unique_ptr<Session>> session = Session::Open(catalog_.get(), Principal::Admin());
    ASSERT_TRUE(session.ok()) << session.status().ToString();
    session_ = std::move(session).value();
  }
  void TearDown() override {
    session_.reset();
    catalog_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // The rows of `sql` as text, one line each.
  std::string Rows(const std::string& sql) {
    Result<QueryResult> result = session_->QueryAll(sql);
    if (!result.ok()) return "error: " + result.status().ToString();
    std::string out;
    for (const auto& row : result->rows) {
      for (size_t i = 0; i < row.size(); ++i) out += (i ? "|" : "") + SqlLiteral(row[i]);
      out += "\n";
    }
    return out;
  }

  enum class Expect { kBatched, kOneByOne };

  // `sql` with {s} as the batched source `batched` and as r: the same rows, at least
  // `min_rows`; with the server's log, whether `batched` sent its lookups in a batch.
  void ExpectSame(const std::string& sql, Expect expect, const std::string& batched = "b",
                  int min_rows = 3) {
    const std::streamoff start = Env("CAIRN_TEST_PG_LOG").empty() ? -1 : LogSize();
    const std::string got = Rows(WithSchema(sql, batched));
    if (start >= 0) {
      const int batches = CountStatements(start, "cairn_batchtest", "= ANY($1::");
      if (expect == Expect::kBatched) {
        EXPECT_GT(batches, 0) << sql;
      } else {
        EXPECT_EQ(batches, 0) << sql;
      }
    }
    EXPECT_EQ(got, Rows(WithSchema(sql, "r"))) << sql;
    EXPECT_EQ(got.find("error"), std::string::npos) << got;
    EXPECT_GE(std::count(got.begin(), got.end(), '\n'), min_rows) << sql;
  }

  std::unique_ptr<StatementLogLock> log_lock_;  // freed last
  fs::path dir_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<Session> session_;
};

// CROSS JOIN keeps the PostgreSQL table inner (SQLite would otherwise scan the small test table
// and look the orders up instead).
TEST_F(BatchedLookupsTest, JoinsReturnTheSameRowsAsOneLookupPerRow) {
  // Integer key: NULL keys, duplicate outer keys, missing keys, '7' and 7.0 (both 7), 7.5
  // (nothing), 'abc' (nothing); NULL columns read back alike.
  ExpectSame(
      "SELECT o.order_id, o.item_id, i.id, i.name, i.price FROM shop.orders o CROSS JOIN "
      "{s}.items i ON i.id = o.item_id ORDER BY o.order_id",
      Expect::kBatched);
  ExpectSame(
      "SELECT o.order_id, i.id, i.name FROM shop.orders o LEFT JOIN {s}.items i ON i.id = "
      "o.item_id ORDER BY o.order_id",
      Expect::kBatched);
  // A filter on the outer side that SQLite applies (the keys read ahead are a superset), and
  // aggregates over duplicates.
  ExpectSame(
      "SELECT count(*), sum(i.price), count(i.name) FROM shop.orders o CROSS JOIN {s}.items i ON "
      "i.id = o.item_id WHERE o.order_id % 3 = 1 AND o.order_id > 100",
      Expect::kBatched, "b", 1);
  // Text key on a table without a key: duplicate and NULL tags, case and trailing spaces
  // distinct, the empty string, non-ASCII, a quote, and an integer outer value.
  ExpectSame(
      "SELECT o.order_id, o.tag, t.tag, t.item_id, t.label FROM shop.orders o CROSS JOIN {s}.tags "
      "t ON t.tag = o.tag ORDER BY o.order_id, t.item_id",
      Expect::kBatched);
  // An expression as the key: the engine cannot read it ahead; one lookup per row, same rows.
  ExpectSame(
      "SELECT o.order_id, i.name FROM shop.orders o CROSS JOIN {s}.items i ON i.id = o.item_id "
      "+ 1 ORDER BY o.order_id",
      Expect::kOneByOne);
  // Three sources: the PostgreSQL lookups keyed by a CSV column, the CSV side looked up by the
  // SQLite orders (a small table looked up itself: its whole column is read ahead).
  ExpectSame(
      "SELECT o.order_id, l.item_id, i.name FROM shop.orders o CROSS JOIN files.links l ON "
      "l.order_id = o.order_id CROSS JOIN {s}.items i ON i.id = l.item_id ORDER BY o.order_id",
      Expect::kBatched);
  // Both sides on one PostgreSQL connection: the outer scan stays open while the keys are read
  // ahead and fetched.
  ExpectSame(
      "SELECT p.order_id, i.id, i.price FROM {s}.pg_orders p CROSS JOIN {s}.items i ON i.id = "
      "p.item_id ORDER BY p.order_id",
      Expect::kBatched);
}

TEST_F(BatchedLookupsTest, OverTheCapTheLookupsGoOnOneByOne) {
  // The wide rows (4 KB each) do not fit the 1 MiB cap: the batch is dropped while it is read
  // and the lookups go on one at a time, with the same rows.
  ExpectSame(
      "SELECT o.order_id, length(w.pad), substr(w.pad, -4) FROM shop.orders o CROSS JOIN {s}.wide "
      "w ON w.id = o.item_id ORDER BY o.order_id",
      Expect::kBatched, "small");
  // The keys alone pass half the cap: the engine is told to stop, nothing is fetched in a batch
  // (under the default cap, the same join is batched).
  const std::string long_keys =
      "SELECT l.id, t.item_id FROM shop.long_tags l CROSS JOIN {s}.tags t ON t.tag = l.tag "
      "ORDER BY l.id, t.item_id";
  ExpectSame(long_keys, Expect::kBatched, "b");
  ExpectSame(long_keys, Expect::kOneByOne, "small");
}

TEST_F(BatchedLookupsTest, AHandfulOfStatementsInsteadOfOnePerRow) {
  if (Env("CAIRN_TEST_PG_LOG").empty()) GTEST_SKIP() << "CAIRN_TEST_PG_LOG unset";
  const std::string sql =
      "SELECT count(*), sum(i.price) FROM shop.orders o CROSS JOIN {s}.counted_items i ON i.id = "
      "o.item_id";
  auto count = [&](const std::string& schema) {
    const std::streamoff start = LogSize();
    std::string result = Rows(WithSchema(sql, schema));
    EXPECT_EQ(result.find("error"), std::string::npos) << result;
    return std::make_pair(result, CountStatements(start, "\"cairn_batchtest\".\"counted_items\""));
  };
  auto [one_by_one, one_by_one_statements] = count("r");
  auto [batched, batched_statements] = count("b");
  EXPECT_EQ(one_by_one, batched);
  // 534 of orders 1..600 have an integer key (66 are NULL), and so do '7', 7.0 and 7: one
  // lookup each, against 8 lookups and one statement with the other keys (< 10,000).
  EXPECT_EQ(one_by_one_statements, 537);
  EXPECT_EQ(batched_statements, 8 + 1);
  std::cerr << "statements naming the table: " << one_by_one_statements << " one by one, "
            << batched_statements << " batched\n";
}

}  // namespace
}  // namespace cairn::engine
