// Repeated lookups answered from a table read once per scan (probe_cache.h, "Repeated lookups"
// in postgres_source.h), against a real PostgreSQL: the same rows as one lookup per outer row,
// fewer statements, the memory cap, errors, and no rows kept across statements.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "connectors/postgres/pg_test_util.h"
#include "connectors/postgres/postgres_source.h"
#include "connectors/source.h"

namespace cairn::connectors::postgres {
namespace {

constexpr int kFixtureVersion = 3;

// Schema cairn_probetest, (re)created when its version differs, under an advisory lock (test
// processes run in parallel):
//   items(id int8 key, name text, price float8, note varchar, qty int4): 1,000 rows, some NULLs
//   tags(tag text, item_id int8, label text): no key, duplicate, NULL and case-distinct tags
//   counted_items, counted_tags: copies of items and tags that only the statement-counting test
//     reads, so that tests running in parallel do not add to its counts
//   wide(id int4 key, pad text): 20,000 rows of 200 bytes, over a 1 MiB cap
//   fragile(id int8 key, v text): reading row 150 raises an error for the reader role (RLS)
//   typed(id int2 key, flag bool, o oid, f float8, b bytea): more types, special floats
//   mutable(id int8 key, price float8): 1,000 rows, changed by one test only
//   outer_ids(id int8): 1..300 without 150, read by the reader role
void EnsureFixtures() {
  static bool done = false;
  if (done) return;
  Admin admin;
  ASSERT_TRUE(admin.ok());
  AdvisoryLock lock(&admin, 7406202);
  ASSERT_TRUE(lock.locked());
  if (admin.Exec("SELECT version FROM cairn_probetest.fixture") ==
      std::to_string(kFixtureVersion)) {
    done = true;
    return;
  }
  const std::string setup =
      "SET client_min_messages = warning;"
      "DROP SCHEMA IF EXISTS cairn_probetest CASCADE; CREATE SCHEMA cairn_probetest;"
      "CREATE TABLE cairn_probetest.items (id int8 PRIMARY KEY, name text, price float8,"
      "  note varchar(20), qty int4);"
      "INSERT INTO cairn_probetest.items SELECT g, CASE WHEN g % 7 = 0 THEN NULL ELSE 'item ' || g"
      "  END, CASE WHEN g % 11 = 0 THEN NULL ELSE g / 4.0 END, 'n' || (g % 5), g % 13"
      "  FROM generate_series(1, 1000) g;"
      "CREATE TABLE cairn_probetest.tags (tag text, item_id int8, label text);"
      "INSERT INTO cairn_probetest.tags SELECT (ARRAY['apple', 'Apple', 'a b', 'a b ', '',"
      "  'éclair', 'x''y', NULL])[1 + g % 8], g, 'label ' || g FROM generate_series(1, 400) g;"
      "CREATE TABLE cairn_probetest.counted_items (LIKE cairn_probetest.items INCLUDING ALL);"
      "INSERT INTO cairn_probetest.counted_items SELECT * FROM cairn_probetest.items;"
      "CREATE TABLE cairn_probetest.counted_tags AS SELECT * FROM cairn_probetest.tags;"
      "CREATE TABLE cairn_probetest.wide (id int4 PRIMARY KEY, pad text);"
      "INSERT INTO cairn_probetest.wide SELECT g, repeat(md5(g::text), 6) || g"
      "  FROM generate_series(1, 20000) g;"
      "CREATE TABLE cairn_probetest.fragile (id int8 PRIMARY KEY, v text);"
      "INSERT INTO cairn_probetest.fragile SELECT g, 'v' || g FROM generate_series(1, 300) g;"
      "CREATE TABLE cairn_probetest.typed (id int2 PRIMARY KEY, flag bool, o oid, f float8,"
      "  b bytea);"
      "INSERT INTO cairn_probetest.typed SELECT g, CASE WHEN g % 3 = 0 THEN NULL ELSE g % 2 = 0"
      "  END, (4294966000 + g)::oid, (ARRAY['NaN', 'Infinity', '-Infinity', '-0', '1e300',"
      "  '0.1', '-2.5e-300', '123456789.125', NULL])[1 + g % 9]::float8, int4send(g)"
      "  FROM generate_series(-300, 300) g;"
      "CREATE TABLE cairn_probetest.mutable (id int8 PRIMARY KEY, price float8);"
      "INSERT INTO cairn_probetest.mutable SELECT g, g / 4.0 FROM generate_series(1, 1000) g;"
      "CREATE TABLE cairn_probetest.outer_ids (id int8);"
      "INSERT INTO cairn_probetest.outer_ids SELECT g FROM generate_series(1, 300) g WHERE g <> "
      "  150;"
      "CREATE FUNCTION cairn_probetest.readable(id int8) RETURNS bool LANGUAGE plpgsql AS $$"
      "  BEGIN IF id = 150 THEN RAISE EXCEPTION 'fragile row %', id; END IF; RETURN true; END $$;"
      "ALTER TABLE cairn_probetest.fragile ENABLE ROW LEVEL SECURITY;"
      "CREATE POLICY readable ON cairn_probetest.fragile USING (cairn_probetest.readable(id));"
      "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cairn_probe_reader') THEN"
      "  CREATE ROLE cairn_probe_reader LOGIN PASSWORD 'probe-reader-pw'; END IF; END $$;"
      "GRANT USAGE ON SCHEMA cairn_probetest TO cairn_probe_reader;"
      "GRANT SELECT ON ALL TABLES IN SCHEMA cairn_probetest TO cairn_probe_reader;"
      "ANALYZE cairn_probetest.items, cairn_probetest.tags, cairn_probetest.wide,"
      "  cairn_probetest.fragile, cairn_probetest.mutable, cairn_probetest.outer_ids,"
      "  cairn_probetest.typed, cairn_probetest.counted_items, cairn_probetest.counted_tags;"
      "CREATE TABLE cairn_probetest.fixture (version int);"
      "INSERT INTO cairn_probetest.fixture VALUES (" +
      std::to_string(kFixtureVersion) + ");";
  ASSERT_EQ(admin.Exec(setup), "");
  done = true;
}

class ProbeCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_PG();
    log_lock_ = std::make_unique<StatementLogLock>();
    ASSERT_TRUE(log_lock_->locked());
    EnsureFixtures();
    if (HasFatalFailure()) return;
    ASSERT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    // c: reads a table after 4 lookups; r: one statement per lookup, as before the cache.
    Attach("c", {{"probe_cache_after", "4"}, {"probe_cache_mb", "64"}});
    Attach("r", {{"probe_cache_mb", "0"}});
    if (HasFatalFailure()) return;
    // The outer side, local: keys with NULLs, duplicates, keys that match nothing, a text and a
    // real that SQLite's affinity makes integers, a real that is no integer.
    ASSERT_EQ(sqlite3_exec(db_,
                           "CREATE TABLE main.orders(order_id INTEGER PRIMARY KEY, item_id, tag);"
                           "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                           "WHERE i < 600) INSERT INTO main.orders SELECT i, CASE WHEN i % 9 = 0 "
                           "THEN NULL WHEN i % 10 = 0 THEN 5000 + i ELSE (i * 37) % 1000 + 1 END, "
                           "CASE i % 6 WHEN 0 THEN 'apple' WHEN 1 THEN 'APPLE' WHEN 2 THEN 'a b' "
                           "WHEN 3 THEN '' WHEN 4 THEN NULL ELSE 'éclair' END FROM n;"
                           "INSERT INTO main.orders VALUES (601, '7', 'a b '), (602, 7.0, 'x''y'),"
                           " (603, 7.5, 'Apple'), (604, 7, 7), (605, 'abc', 'apple');",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    // An independent reference: the remote tables copied into SQLite.
    ASSERT_EQ(sqlite3_exec(db_,
                           "CREATE TABLE main.items AS SELECT * FROM r.items;"
                           "CREATE TABLE main.tags AS SELECT * FROM r.tags;"
                           "CREATE TABLE main.typed AS SELECT * FROM r.typed;",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
  }
  void TearDown() override {
    if (db_) sqlite3_close(db_);
  }

  // Attaches the test schema as source (and schema) `name` with extra options.
  void Attach(const std::string& name, const std::map<std::string, std::string>& options,
              const std::string& user = "", const std::string& password_env = "") {
    SourceConfig config = PgConfig(name, {"cairn_probetest"});
    for (const auto& [key, value] : options) config.options[key] = Scalar(value);
    if (!user.empty()) {
      config.options["user"] = Scalar(user);
      config.options["password"] = Scalar("${" + password_env + "}");
    }
    Result<std::unique_ptr<Source>> source = Kind().open(config);
    ASSERT_TRUE(source.ok()) << source.status().ToString();
    Status status = AttachSource(db_, source->get(), name, "cairn_src_" + name);
    ASSERT_TRUE(status.ok()) << status.ToString();
    sources_.push_back(std::move(*source));
  }

  // Runs `sql` with {s} as c, r and main; expects the same rows from each, without error.
  void ExpectSame(const std::string& sql) {
    const std::string cached = Query(db_, WithSchema(sql, "c"));
    EXPECT_EQ(cached, Query(db_, WithSchema(sql, "r"))) << sql;
    EXPECT_EQ(cached, Query(db_, WithSchema(sql, "main"))) << sql;
    EXPECT_EQ(cached.find("error"), std::string::npos) << cached;
    EXPECT_GT(std::count(cached.begin(), cached.end(), '\n'), 2) << sql;
  }

  std::unique_ptr<StatementLogLock> log_lock_;  // freed last
  sqlite3* db_ = nullptr;
  std::vector<std::unique_ptr<Source>> sources_;
};

TEST_F(ProbeCacheTest, JoinsReturnTheSameRowsAsOneLookupPerRow) {
  // Integer key: NULL keys, duplicate outer keys, missing keys, '7' and 7.0 (both 7), 7.5
  // (nothing), 'abc' (nothing); NULL columns and every type read back alike.
  ExpectSame(
      "SELECT o.order_id, o.item_id, i.id, i.name, i.price, i.note, i.qty FROM main.orders o "
      "JOIN {s}.items i ON i.id = o.item_id ORDER BY o.order_id");
  ExpectSame(
      "SELECT o.order_id, i.id, i.name FROM main.orders o LEFT JOIN {s}.items i ON i.id = "
      "o.item_id ORDER BY o.order_id");
  // A filter SQLite applies above the join, and aggregates over duplicates.
  ExpectSame(
      "SELECT i.qty, count(*), sum(i.price), count(i.name) FROM main.orders o JOIN {s}.items i "
      "ON i.id = o.item_id WHERE i.price + 0 > 50 AND i.name LIKE '%1%' GROUP BY i.qty "
      "ORDER BY 1");
  // Text key on a table without a key (CROSS JOIN keeps the remote table inner): duplicate and NULL
  // tags, case and trailing spaces distinct, the empty string, non-ASCII, a quote, and an integer
  // outer value (no match).
  ExpectSame(
      "SELECT o.order_id, o.tag, t.tag, t.item_id, t.label FROM main.orders o CROSS JOIN "
      "{s}.tags t ON t.tag = o.tag ORDER BY o.order_id, t.item_id");
  ExpectSame(
      "SELECT t.tag, count(*), count(DISTINCT o.order_id) FROM main.orders o CROSS JOIN "
      "{s}.tags t ON t.tag = o.tag GROUP BY t.tag ORDER BY t.tag");
  ExpectSame(
      "SELECT o.order_id, t.item_id FROM main.orders o LEFT JOIN {s}.tags t ON t.tag = o.tag "
      "ORDER BY 1, 2");
  // More types through the cache: an int2 key, bool, oid beyond 2^31, float8 with NaN,
  // infinities, -0 and extremes, bytea.
  ExpectSame(
      "SELECT o.order_id, t.id, t.flag, t.o, t.f, typeof(t.f) FROM main.orders o JOIN {s}.typed t "
      "ON t.id = o.item_id - 500 ORDER BY o.order_id");
  ExpectSame(
      "SELECT o.order_id, t.id, t.f, hex(t.b) FROM main.orders o JOIN {s}.typed t ON t.id = "
      "o.item_id - 500 ORDER BY o.order_id");
  // The cache answers a column set it holds, and not the equality on another column.
  ExpectSame(
      "SELECT o.order_id, i.qty FROM main.orders o CROSS JOIN {s}.items i ON i.qty = o.item_id "
      "ORDER BY o.order_id, i.id");
}

TEST_F(ProbeCacheTest, ReadingTheTableOnceReplacesTheLookups) {
  if (Env("CAIRN_TEST_PG_LOG").empty()) GTEST_SKIP() << "CAIRN_TEST_PG_LOG unset";
  const std::string sql =
      "SELECT count(*), sum(i.price) FROM main.orders o JOIN {s}.counted_items i ON i.id = "
      "o.item_id";
  auto count = [&](const std::string& schema) {
    const std::streamoff start = LogSize();
    std::string result = Query(db_, WithSchema(sql, schema));
    EXPECT_EQ(result.find("error"), std::string::npos) << result;
    return std::make_pair(result, CountStatements(start, "\"cairn_probetest\".\"counted_items\""));
  };
  auto [per_row, per_row_statements] = count("r");
  auto [cached, cached_statements] = count("c");
  EXPECT_EQ(per_row, cached);
  // 534 of orders 1..600 have an integer key (66 are NULL), and so do '7', 7.0 and 7: one
  // lookup each, against 4 lookups and the one cursor that reads the table (its FETCHes do not
  // name the table).
  EXPECT_EQ(per_row_statements, 537);
  EXPECT_EQ(cached_statements, 5);
  std::cerr << "statements naming the table: " << per_row_statements << " one by one, "
            << cached_statements << " with the cache\n";
  // A text key on a table without a key (CROSS JOIN keeps SQLite from scanning tags once and
  // indexing orders instead): 500 of orders 1..600 have a tag (100 are NULL), and so do orders
  // 601..605 (the integer 7 is looked up as the text '7').
  const std::streamoff start = LogSize();
  const std::string text_sql =
      "SELECT count(*), min(t.label) FROM main.orders o CROSS JOIN {s}.counted_tags t ON t.tag = "
      "o.tag";
  EXPECT_EQ(Query(db_, WithSchema(text_sql, "r")), Query(db_, WithSchema(text_sql, "c")));
  EXPECT_EQ(CountStatements(start, "\"cairn_probetest\".\"counted_tags\""), 505 + 5);
}

TEST_F(ProbeCacheTest, OverTheCapTheLookupsGoOnOneByOne) {
  Attach("capped", {{"probe_cache_after", "4"}, {"probe_cache_mb", "1"}});
  ASSERT_EQ(sqlite3_exec(db_,
                         "CREATE TABLE main.wide_keys AS WITH RECURSIVE n(i) AS (SELECT 1 UNION "
                         "ALL SELECT i + 1 FROM n WHERE i < 300) SELECT (i * 97) % 20000 + 1 AS k "
                         "FROM n",
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db_);
  const std::string sql =
      "SELECT count(*), sum(length(w.pad)), max(w.pad) FROM main.wide_keys k JOIN {s}.wide w ON "
      "w.id = k.k";
  auto run = [&](const std::string& schema) { return Query(db_, WithSchema(sql, schema)); };
  const std::streamoff start = LogSize();
  const std::string capped = run("capped");
  EXPECT_EQ(capped, run("r"));
  EXPECT_EQ(capped.find("error"), std::string::npos) << capped;
  if (Env("CAIRN_TEST_PG_LOG").empty()) return;
  // The 20,000 rows of 200 bytes pass the estimate check, overflow 1 MiB while being read, and
  // are dropped: every lookup then goes to the server (300 for capped and 300 for r, plus the
  // one cursor that started reading).
  EXPECT_EQ(CountStatements(start, "\"cairn_probetest\".\"wide\""), 601);
}

TEST_F(ProbeCacheTest, AnErrorWhileReadingNamesTheSource) {
  // As a role that row-level security applies to: a lookup of any id but 150 succeeds, reading
  // the whole table raises at row 150.
  setenv("CAIRN_PROBE_READER_PW", "probe-reader-pw", 1);
  Attach("reader", {{"probe_cache_after", "4"}, {"probe_cache_mb", "64"}}, "cairn_probe_reader",
         "CAIRN_PROBE_READER_PW");
  Attach("reader_rows", {{"probe_cache_mb", "0"}}, "cairn_probe_reader", "CAIRN_PROBE_READER_PW");
  if (HasFatalFailure()) return;
  // The outer side streams from the same source, so reading fails inside the transaction the
  // two scans share: the statement fails, naming the source.
  std::string shared =
      Query(db_,
            "SELECT count(*), max(f.v) FROM reader.outer_ids o JOIN reader.fragile f "
            "ON f.id = o.id");
  EXPECT_NE(shared.find("step error: "), std::string::npos) << shared;
  EXPECT_NE(shared.find("reader: ERROR: fragile row 150"), std::string::npos) << shared;
  // One lookup at a time, the same statement never reads row 150.
  EXPECT_EQ(Query(db_,
                  "SELECT count(*), max(f.v) FROM reader_rows.outer_ids o JOIN reader_rows.fragile "
                  "f ON f.id = o.id"),
            "1:299|3:v99\n");
  // With a local outer side the read fails alone: the scan goes on one lookup at a time.
  EXPECT_EQ(Query(db_,
                  "SELECT count(*), max(f.v) FROM main.orders o JOIN reader.fragile f ON f.id = "
                  "o.item_id AND o.item_id <> 150"),
            Query(db_,
                  "SELECT count(*), max(f.v) FROM main.orders o JOIN reader_rows.fragile f ON "
                  "f.id = o.item_id AND o.item_id <> 150"));
  // The source stays usable.
  EXPECT_EQ(Query(db_, "SELECT v FROM reader.fragile WHERE id = 3"), "3:v3\n");
}

TEST_F(ProbeCacheTest, NoRowsAreKeptAcrossStatements) {
  Admin admin;
  ASSERT_EQ(admin.Exec("UPDATE cairn_probetest.mutable SET price = 1000 WHERE id = 38"), "");
  const std::string sql =
      "SELECT sum(i.price) FROM main.orders o JOIN c.mutable i ON i.id = o.item_id WHERE "
      "o.order_id <= 100";
  const std::string before = Query(db_, sql);
  ASSERT_EQ(admin.Exec("UPDATE cairn_probetest.mutable SET price = 2000 WHERE id = 38"), "");
  const std::string after = Query(db_, sql);
  EXPECT_NE(before, after);
  // The same prepared statement, run again after a change: its scans start afresh.
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  const double first = sqlite3_column_double(stmt, 0);
  sqlite3_reset(stmt);
  ASSERT_EQ(admin.Exec("UPDATE cairn_probetest.mutable SET price = 38 / 4.0 WHERE id = 38"), "");
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_DOUBLE_EQ(first - sqlite3_column_double(stmt, 0), 2000 - 9.5);
  sqlite3_finalize(stmt);
}

TEST(ProbeCacheOptionsTest, BadValuesAreInvalidArgument) {
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"probe_cache_mb", "-1"},
           {"probe_cache_mb", "5000"},
           {"probe_cache_after", "-2"},
           {"probe_cache_after", "4"}}) {  // without probe_cache_mb: the cache is off
    SourceConfig config = PgConfig("pg", {"public"});
    config.options["host"] = Scalar("127.0.0.1");
    config.options["port"] = Scalar("1");
    // No server is reached: no $CAIRN_TEST_PG_PASSWORD needed.
    config.options["password"] = Scalar("unused");
    config.options[key] = Scalar(value);
    Result<std::unique_ptr<Source>> source = Kind().open(config);
    ASSERT_FALSE(source.ok()) << key;
    EXPECT_EQ(source.status().code(), StatusCode::kInvalidArgument) << key;
    EXPECT_NE(source.status().message().find(key), std::string::npos) << source.status().ToString();
  }
}

}  // namespace
}  // namespace cairn::connectors::postgres
