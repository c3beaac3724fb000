// Discovery over the real PostgreSQL (Chinook in schema chinook): declared keys from the
// catalogs and sampling pushed down as TABLESAMPLE. Skipped without CAIRN_TEST_PG_HOST unless
// CAIRN_REQUIRE_PG=1.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "context/catalog_store.h"
#include "context/discovery.h"
#include "context/join_store.h"
#include "context/state_testing.h"
#include "core/config.h"
#include "engine/catalog.h"
#include "engine/session.h"
#include "store/pg_testing.h"
#include "store/state_db.h"

namespace cairn::context {
namespace {

namespace fs = std::filesystem;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// A configuration with the test server's `schema` as the postgres source "pg".
std::string PgSourceYaml(const std::string& schema) {
  return "version: 1\nsources:\n  pg: {kind: postgres, host: " + Env("CAIRN_TEST_PG_HOST") +
         ", port: " + Env("CAIRN_TEST_PG_PORT") + ", user: " + Env("CAIRN_TEST_PG_USER") +
         ", dbname: " + Env("CAIRN_TEST_PG_DB") +
         ", password: \"${CAIRN_TEST_PG_PASSWORD}\", schemas: [" + schema + "]}\n";
}

TEST(DiscoveryPgTest, DeclaredKeysAndTablesamplePushdown) {
  if (Env("CAIRN_TEST_PG_HOST").empty()) {
    if (Env("CAIRN_REQUIRE_PG") == "1") FAIL() << "CAIRN_REQUIRE_PG=1 but no test server";
    GTEST_SKIP() << "no test PostgreSQL (CAIRN_TEST_PG_HOST unset)";
  }
  std::string check =
      "PGPASSWORD=\"$CAIRN_TEST_PG_PASSWORD\" psql -h \"$CAIRN_TEST_PG_HOST\" -p "
      "\"$CAIRN_TEST_PG_PORT\" -U \"$CAIRN_TEST_PG_USER\" -d \"$CAIRN_TEST_PG_DB\" -tAc "
      "'ANALYZE chinook.\"Track\"; SELECT count(*) FROM chinook.\"Track\"' 2>/dev/null | "
      "grep -qx 3503";
  if (std::system(check.c_str()) != 0) {
    std::string script = std::string(CAIRN_SOURCE_DIR) + "/tests/fixtures/load_chinook_pg.sh '" +
                         std::string(CAIRN_TEST_DATA) + "/chinook.sqlite' 2>/dev/null";
    ASSERT_EQ(std::system(script.c_str()), 0) << script;
  }
  fs::path dir = fs::temp_directory_path() / ("cairn_discovery_pg_" + std::to_string(getpid()));
  fs::create_directories(dir);
  TestSources sources(PgSourceYaml("chinook"), dir);
  ASSERT_NE(sources.session, nullptr);
  auto db = store::StateDb::Open(":memory:");
  ASSERT_TRUE(db.ok());

  const std::string log_path = Env("CAIRN_TEST_PG_LOG");
  std::error_code ec;
  std::streamoff start =
      log_path.empty() ? 0 : static_cast<std::streamoff>(fs::file_size(log_path, ec));
  DiscoveryOptions options;
  options.sample_rows = 1000;
  auto report = Discover(sources.session.get(), db->get(), options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->failed, 0) << report->status().ToString();
  EXPECT_EQ(report->declared_joins, 11);

  auto store = CatalogStore::Open(db->get());
  auto track = store->GetTable("pg", "Track");
  ASSERT_TRUE(track.ok());
  EXPECT_EQ(track->sampling, "tablesample");
  EXPECT_EQ(track->row_count, -1);
  EXPECT_EQ(track->row_estimate, 3503);
  EXPECT_GT(track->sample_size, 0);
  EXPECT_LE(track->sample_size, 1000);
  EXPECT_EQ(track->columns.size(), 9u);  // the hidden sample column is not profiled
  auto genre = store->GetTable("pg", "Genre");
  ASSERT_TRUE(genre.ok());
  EXPECT_EQ(genre->sampling, "full");
  EXPECT_EQ(genre->row_count, 25);

  if (!log_path.empty()) {
    std::string log;
    for (int attempt = 0; attempt < 50; ++attempt) {
      std::ifstream in(log_path);
      in.seekg(start);
      std::stringstream text;
      text << in.rdbuf();
      log = text.str();
      if (log.find("TABLESAMPLE") != std::string::npos) break;
      usleep(20000);
    }
    EXPECT_NE(log.find("FROM \"chinook\".\"Track\" TABLESAMPLE SYSTEM ($1::float8)"),
              std::string::npos)
        << log.substr(0, 2000);
  }
  fs::remove_all(dir);
}

// A composite key checked as tuples on PostgreSQL: the referencing table is larger than the
// sample, so its tuples come from TABLESAMPLE; the key's side is read whole.
TEST(DiscoveryPgTest, CompositeTuplesOfALargeTableAreSampled) {
  CAIRN_NEED_TEST_PG();
  const std::string psql =
      "PGOPTIONS=--client-min-messages=warning PGPASSWORD=\"$CAIRN_TEST_PG_PASSWORD\" psql -q "
      "-v ON_ERROR_STOP=1 -h "
      "\"$CAIRN_TEST_PG_HOST\" -p \"$CAIRN_TEST_PG_PORT\" -U \"$CAIRN_TEST_PG_USER\" -d "
      "\"$CAIRN_TEST_PG_DB\" -c ";
  const std::string setup =
      "'DROP SCHEMA IF EXISTS discovery_uni CASCADE; CREATE SCHEMA discovery_uni;"
      " CREATE TABLE discovery_uni.sections (course_id int, sec_id int, room text,"
      "   PRIMARY KEY (course_id, sec_id));"
      " INSERT INTO discovery_uni.sections SELECT c, s, NULL FROM generate_series(1, 20) c,"
      "   generate_series(1, 3) s;"
      " CREATE TABLE discovery_uni.takes (student_id int, course_id int, sec_id int);"
      " INSERT INTO discovery_uni.takes SELECT g, 1 + g % 20, 1 + g % 3 FROM generate_series(1, "
      "20000) g;"
      " ANALYZE discovery_uni.sections; ANALYZE discovery_uni.takes;' >/dev/null";
  ASSERT_EQ(std::system((psql + setup).c_str()), 0);
  fs::path dir =
      fs::temp_directory_path() / ("cairn_discovery_pg_tuples_" + std::to_string(getpid()));
  fs::create_directories(dir);
  TestSources sources(PgSourceYaml("discovery_uni"), dir);
  ASSERT_NE(sources.session, nullptr);
  auto db = store::StateDb::Open(":memory:");
  ASSERT_TRUE(db.ok());
  DiscoveryOptions options;
  options.sample_rows = 2000;
  auto report = Discover(sources.session.get(), db->get(), options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  auto store = CatalogStore::Open(db->get());
  auto takes_profile = store->GetTable("pg", "takes");
  ASSERT_TRUE(takes_profile.ok());
  EXPECT_EQ(takes_profile->sampling, "tablesample");
  auto joins = JoinStore::Open(db->get());
  auto list = joins->List();
  ASSERT_TRUE(list.ok());
  const Join* takes = nullptr;
  for (const auto& j : *list) {
    if (j.from.columns.size() == 2 && j.from.table == "takes") takes = &j;
  }
  ASSERT_NE(takes, nullptr);
  EXPECT_EQ(takes->to, (JoinSide{"pg", "sections", {"course_id", "sec_id"}}));
  EXPECT_DOUBLE_EQ(takes->evidence["tuple_containment"].get<double>(), 1.0);
  EXPECT_GT(takes->evidence["from_rows"].get<int64_t>(), 0);
  EXPECT_LT(takes->evidence["from_rows"].get<int64_t>(), 20000);  // a sample, not the table
  EXPECT_EQ(takes->evidence["from_tuples"], 60);
  std::system((psql + "'DROP SCHEMA discovery_uni CASCADE' >/dev/null").c_str());
  fs::remove_all(dir);
}

// The same discovery with the state on PostgreSQL as well: what is stored there reads back as
// from SQLite state (profiles of fully read tables, sketches, declared and inferred joins).
TEST(DiscoveryPgTest, StateOnPostgresMatchesStateOnSqlite) {
  CAIRN_NEED_TEST_PG();
  fs::path dir =
      fs::temp_directory_path() / ("cairn_discovery_pg_state_" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::string yaml =
      "version: 1\nsources:\n  music: {kind: sqlite, path: " + std::string(CAIRN_TEST_DATA) +
      "/chinook.sqlite}\n";
  TestSources sources(yaml, dir);
  ASSERT_NE(sources.session, nullptr);
  store::TestPgDatabase pg;
  auto on_pg = pg.Open();
  auto on_sqlite = store::StateDb::Open(":memory:");
  ASSERT_TRUE(on_pg.ok() && on_sqlite.ok());
  DiscoveryOptions options;
  options.import_declared_keys = false;  // inference over the sketches
  for (store::StateDb* db : {on_sqlite->get(), on_pg->get()}) {
    auto report = Discover(sources.session.get(), db, options);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_EQ(report->failed, 0);
  }
  auto sqlite_catalog = CatalogStore::Open(on_sqlite->get());
  auto pg_catalog = CatalogStore::Open(on_pg->get());
  ASSERT_TRUE(sqlite_catalog.ok() && pg_catalog.ok());
  auto a = sqlite_catalog->ListTables(std::nullopt, ColumnDetail::kWithSketches);
  auto b = pg_catalog->ListTables(std::nullopt, ColumnDetail::kWithSketches);
  ASSERT_TRUE(a.ok() && b.ok()) << b.status().ToString();
  ASSERT_EQ(a->size(), 11u);
  ASSERT_EQ(a->size(), b->size());
  for (size_t t = 0; t < a->size(); ++t) {
    const TableProfile& x = (*a)[t];
    const TableProfile& y = (*b)[t];
    EXPECT_EQ(x.table, y.table);
    EXPECT_EQ(x.row_count, y.row_count);
    EXPECT_EQ(x.fingerprint, y.fingerprint);
    ASSERT_EQ(x.columns.size(), y.columns.size());
    for (size_t c = 0; c < x.columns.size(); ++c) {
      EXPECT_EQ(x.columns[c].name, y.columns[c].name);
      EXPECT_EQ(x.columns[c].min, y.columns[c].min);
      EXPECT_EQ(x.columns[c].top_values, y.columns[c].top_values);
      EXPECT_EQ(x.columns[c].minhash, y.columns[c].minhash) << x.table << "." << x.columns[c].name;
      EXPECT_EQ(x.columns[c].value_hashes, y.columns[c].value_hashes);
      EXPECT_DOUBLE_EQ(x.columns[c].uniqueness, y.columns[c].uniqueness);
    }
  }
  auto sqlite_joins = JoinStore::Open(on_sqlite->get());
  auto pg_joins = JoinStore::Open(on_pg->get());
  auto ja = sqlite_joins->List();
  auto jb = pg_joins->List();
  ASSERT_TRUE(ja.ok() && jb.ok());
  EXPECT_GE(ja->size(), 8u);
  ASSERT_EQ(ja->size(), jb->size());
  for (size_t i = 0; i < ja->size(); ++i) {
    EXPECT_EQ((*ja)[i].from, (*jb)[i].from);
    EXPECT_EQ((*ja)[i].to, (*jb)[i].to);
    EXPECT_EQ((*ja)[i].kind, (*jb)[i].kind);
    EXPECT_DOUBLE_EQ((*ja)[i].score, (*jb)[i].score);
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace cairn::context
