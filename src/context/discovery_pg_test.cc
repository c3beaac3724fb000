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
#include "core/config.h"
#include "engine/catalog.h"
#include "engine/session.h"
#include "store/state_db.h"

namespace cairn::context {
namespace {

namespace fs = std::filesystem;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
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
  std::string yaml =
      "version: 1\nsources:\n  pg: {kind: postgres, host: " + Env("CAIRN_TEST_PG_HOST") +
      ", port: " + Env("CAIRN_TEST_PG_PORT") + ", user: " + Env("CAIRN_TEST_PG_USER") +
      ", dbname: " + Env("CAIRN_TEST_PG_DB") +
      ", password: \"${CAIRN_TEST_PG_PASSWORD}\", schemas: [chinook]}\n";
  auto config = ParseConfig(yaml, dir / "cairn.yaml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  auto catalog = engine::Catalog::Create(std::move(*config));
  ASSERT_TRUE(catalog.ok());
  auto session = engine::Session::Open(catalog->get(), engine::Principal::Admin());
  ASSERT_TRUE(session.ok());
  auto db = store::StateDb::Open(":memory:");
  ASSERT_TRUE(db.ok());

  const std::string log_path = Env("CAIRN_TEST_PG_LOG");
  std::error_code ec;
  std::streamoff start =
      log_path.empty() ? 0 : static_cast<std::streamoff>(fs::file_size(log_path, ec));
  DiscoveryOptions options;
  options.sample_rows = 1000;
  auto report = Discover(session->get(), db->get(), options);
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

}  // namespace
}  // namespace cairn::context
