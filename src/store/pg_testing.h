#pragma once

// For tests only: a fresh PostgreSQL database on the test server (scripts/pg.sh exports
// CAIRN_TEST_PG_HOST, _PORT, _USER, _PASSWORD, _DB), dropped again when the object goes away, so
// tests running in parallel never share state.
//
//   TEST(X, Y) {
//     CAIRN_NEED_TEST_PG();             // skips without a server; fails if CAIRN_REQUIRE_PG=1
//     store::TestPgDatabase pg;
//     auto db = pg.Open();              // a StateDb on the fresh database
//     ... pg.url(), pg.password() for a cairn.yaml `state:` section or CAIRN_STATE/PGPASSWORD
//   }

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "store/state_db.h"

namespace cairn::store {

inline std::string TestPgEnv(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

#define CAIRN_NEED_TEST_PG()                                                                 \
  do {                                                                                       \
    if (::cairn::store::TestPgEnv("CAIRN_TEST_PG_HOST").empty()) {                           \
      if (::cairn::store::TestPgEnv("CAIRN_REQUIRE_PG") == "1") {                            \
        FAIL() << "CAIRN_REQUIRE_PG=1 but CAIRN_TEST_PG_HOST is unset; run scripts/test.sh"; \
      }                                                                                      \
      GTEST_SKIP() << "no test PostgreSQL (CAIRN_TEST_PG_HOST unset)";                       \
    }                                                                                        \
  } while (0)

class TestPgDatabase {
 public:
  TestPgDatabase() {
    static std::atomic<int> counter{0};
    std::random_device random;
    name_ = "cairn_state_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
            std::to_string(random() % 1000000);
    Admin("CREATE DATABASE " + name_);
  }
  ~TestPgDatabase() { Admin("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)"); }
  TestPgDatabase(const TestPgDatabase&) = delete;
  TestPgDatabase& operator=(const TestPgDatabase&) = delete;

  const std::string& name() const { return name_; }
  // postgres://user@host:port/name (no password).
  std::string url() const {
    return "postgres://" + TestPgEnv("CAIRN_TEST_PG_USER") + "@" + TestPgEnv("CAIRN_TEST_PG_HOST") +
           ":" + TestPgEnv("CAIRN_TEST_PG_PORT") + "/" + name_;
  }
  std::string password() const { return TestPgEnv("CAIRN_TEST_PG_PASSWORD"); }
  Result<std::unique_ptr<StateDb>> Open() const { return StateDb::OpenPostgres(url(), password()); }

  // Runs `sql` on the server's maintenance database (cairn_test); failures fail the test.
  static void Admin(const std::string& sql) {
    const std::string conninfo =
        "host=" + TestPgEnv("CAIRN_TEST_PG_HOST") + " port=" + TestPgEnv("CAIRN_TEST_PG_PORT") +
        " user=" + TestPgEnv("CAIRN_TEST_PG_USER") + " dbname=" + TestPgEnv("CAIRN_TEST_PG_DB");
    const std::string password = TestPgEnv("CAIRN_TEST_PG_PASSWORD");
    const char* keys[] = {"dbname", "password", nullptr};
    const char* values[] = {conninfo.c_str(), password.c_str(), nullptr};
    PGconn* conn = PQconnectdbParams(keys, values, 1);
    if (PQstatus(conn) != CONNECTION_OK) {
      ADD_FAILURE() << "test PostgreSQL: " << PQerrorMessage(conn);
    } else {
      PGresult* result = PQexec(conn, sql.c_str());
      if (PQresultStatus(result) != PGRES_COMMAND_OK && PQresultStatus(result) != PGRES_TUPLES_OK) {
        ADD_FAILURE() << sql << ": " << PQresultErrorMessage(result);
      }
      PQclear(result);
    }
    PQfinish(conn);
  }

 private:
  std::string name_;
};

// For tests run over both engines (a value-parameterised fixture on Dialect): the state
// database of `dialect`, SQLite at `sqlite_path` or a fresh PostgreSQL database whose owner is
// left in `*pg` (call CAIRN_NEED_TEST_PG() first).
inline Result<std::unique_ptr<StateDb>> OpenTestState(
    Dialect dialect, std::unique_ptr<TestPgDatabase>* pg,
    const std::filesystem::path& sqlite_path = ":memory:") {
  if (dialect == Dialect::kSqlite) return StateDb::Open(sqlite_path);
  *pg = std::make_unique<TestPgDatabase>();
  return (*pg)->Open();
}

// The test name suffix of an engine: INSTANTIATE_TEST_SUITE_P(Engines, Fixture,
// ::testing::Values(Dialect::kSqlite, Dialect::kPostgres), EngineName).
inline std::string EngineName(const ::testing::TestParamInfo<Dialect>& info) {
  return info.param == Dialect::kSqlite ? "Sqlite" : "Postgres";
}

}  // namespace cairn::store
