#pragma once

// For the context tests: one fixture base that runs a test on each state engine, and a session
// over test sources.
//
//   class FooTest : public StateEngineTest {};
//   TEST_P(FooTest, Bar) { auto db = OpenState(); ... }
//   CAIRN_STATE_ENGINES(FooTest);
//
// The PostgreSQL instance skips without a test server (fails with CAIRN_REQUIRE_PG=1); each test
// gets a fresh database, dropped at the end.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "core/config.h"
#include "engine/catalog.h"
#include "engine/session.h"
#include "store/pg_testing.h"
#include "store/state_db.h"

namespace cairn::store {
// Names the engine in test output ("GetParam() = postgres").
inline void PrintTo(Dialect dialect, std::ostream* out) {
  *out << (dialect == Dialect::kSqlite ? "sqlite" : "postgres");
}
}  // namespace cairn::store

namespace cairn::context {

class StateEngineTest : public ::testing::TestWithParam<store::Dialect> {
 protected:
  void SetUp() override {
    if (GetParam() == store::Dialect::kPostgres) {
      CAIRN_NEED_TEST_PG();
      pg_.emplace();
    }
  }

  bool postgres() const { return GetParam() == store::Dialect::kPostgres; }

  // A connection to this test's state: SQLite at `sqlite_path` (":memory:" by default), or the
  // test's PostgreSQL database (each call: another connection to it, as another node).
  std::unique_ptr<store::StateDb> OpenState(const std::filesystem::path& sqlite_path = ":memory:") {
    auto db = postgres() ? pg_->Open() : store::StateDb::Open(sqlite_path);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(db).value() : nullptr;
  }

  std::optional<store::TestPgDatabase> pg_;
};

// A catalog over the sources of `yaml` (relative paths from `dir`) and an administrator's
// session on it; session is null (and the test failed) when either cannot be opened.
struct TestSources {
  TestSources(const std::string& yaml, const std::filesystem::path& dir) {
    auto config = ParseConfig(yaml, dir / "cairn.yaml");
    EXPECT_TRUE(config.ok()) << config.status().ToString();
    if (!config.ok()) return;
    auto created = engine::Catalog::Create(std::move(*config));
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    if (!created.ok()) return;
    catalog = std::move(created).value();
    auto opened = engine::Session::Open(catalog.get(), engine::Principal::Admin());
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    if (opened.ok()) session = std::move(opened).value();
  }
  std::unique_ptr<engine::Catalog> catalog;
  std::unique_ptr<engine::Session> session;
};

inline std::string StateEngineName(const ::testing::TestParamInfo<store::Dialect>& info) {
  return info.param == store::Dialect::kSqlite ? "Sqlite" : "Postgres";
}

#define CAIRN_STATE_ENGINES(suite)                                                             \
  INSTANTIATE_TEST_SUITE_P(                                                                    \
      Engines, suite,                                                                          \
      ::testing::Values(::cairn::store::Dialect::kSqlite, ::cairn::store::Dialect::kPostgres), \
      ::cairn::context::StateEngineName)

}  // namespace cairn::context
