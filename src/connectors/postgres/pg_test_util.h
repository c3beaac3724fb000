#pragma once

// Helpers the PostgreSQL connector tests share: the test server from the environment that
// scripts/test.sh (or scripts/pg.sh env) sets, a direct libpq connection for fixtures, a source
// configuration, query results as text, and the server's statement log.

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "connectors/source.h"

namespace cairn::connectors::postgres {

inline std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// Skips the test when no test server is configured, unless CAIRN_REQUIRE_PG=1 (then it fails).
#define REQUIRE_PG()                                                         \
  do {                                                                       \
    if (Env("CAIRN_TEST_PG_HOST").empty()) {                                 \
      if (Env("CAIRN_REQUIRE_PG") == "1") {                                  \
        FAIL() << "CAIRN_REQUIRE_PG=1 but CAIRN_TEST_PG_HOST is unset; run " \
                  "scripts/pg.sh start && eval \"$(scripts/pg.sh env)\"";    \
      }                                                                      \
      GTEST_SKIP() << "no test PostgreSQL (CAIRN_TEST_PG_HOST unset)";       \
    }                                                                        \
  } while (0)

inline OptionValue Scalar(const std::string& value) {
  OptionValue option;
  option.scalar = value;
  option.mark = {"cairn.yaml", 4, 9};
  return option;
}

inline SourceConfig PgConfig(const std::string& name, const std::vector<std::string>& schemas) {
  SourceConfig config;
  config.name = name;
  config.kind = "postgres";
  config.mark = {"cairn.yaml", 3, 3};
  config.options["host"] = Scalar(Env("CAIRN_TEST_PG_HOST"));
  config.options["port"] = Scalar(Env("CAIRN_TEST_PG_PORT"));
  config.options["user"] = Scalar(Env("CAIRN_TEST_PG_USER"));
  config.options["dbname"] = Scalar(Env("CAIRN_TEST_PG_DB"));
  config.options["password"] = Scalar("${CAIRN_TEST_PG_PASSWORD}");
  OptionValue list;
  list.is_list = true;
  list.list = schemas;
  config.options["schemas"] = list;
  return config;
}

// A direct libpq connection for fixtures.
class Admin {
 public:
  Admin() {
    std::string conninfo =
        "host=" + Env("CAIRN_TEST_PG_HOST") + " port=" + Env("CAIRN_TEST_PG_PORT") +
        " user=" + Env("CAIRN_TEST_PG_USER") + " dbname=" + Env("CAIRN_TEST_PG_DB");
    setenv("PGPASSWORD", Env("CAIRN_TEST_PG_PASSWORD").c_str(), 1);
    conn_ = PQconnectdb(conninfo.c_str());
  }
  ~Admin() { PQfinish(conn_); }
  bool ok() const { return PQstatus(conn_) == CONNECTION_OK; }
  std::string Exec(const std::string& sql) {
    PGresult* result = PQexec(conn_, sql.c_str());
    std::string out;
    ExecStatusType status = PQresultStatus(result);
    if (status == PGRES_TUPLES_OK && PQntuples(result) > 0) out = PQgetvalue(result, 0, 0);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      out = "error: " + std::string(PQresultErrorMessage(result));
    }
    PQclear(result);
    return out;
  }

 private:
  PGconn* conn_;
};

// `sql` with every {s} replaced by `schema`.
inline std::string WithSchema(std::string sql, const std::string& schema) {
  for (size_t pos; (pos = sql.find("{s}")) != std::string::npos;) sql.replace(pos, 3, schema);
  return sql;
}

// Holds a PostgreSQL advisory lock while it lives, so that test processes running in parallel
// set up a shared fixture one at a time.
class AdvisoryLock {
 public:
  AdvisoryLock(Admin* admin, int64_t key) : admin_(admin), key_(std::to_string(key)) {
    locked_ = admin_->Exec("SELECT pg_advisory_lock(" + key_ + ")").empty();
  }
  ~AdvisoryLock() { admin_->Exec("SELECT pg_advisory_unlock(" + key_ + ")"); }
  AdvisoryLock(const AdvisoryLock&) = delete;
  AdvisoryLock& operator=(const AdvisoryLock&) = delete;
  bool locked() const { return locked_; }

 private:
  Admin* admin_;
  std::string key_;
  bool locked_ = false;
};

// Held for a whole test by every test that counts the statements its queries sent in the
// server's log (CountStatements): ctest runs tests in parallel processes, and another test's
// statements on the same tables would land in the count.
class StatementLogLock {
 public:
  StatementLogLock() : lock_(&admin_, 7406299) {}
  bool locked() const { return admin_.ok() && lock_.locked(); }

 private:
  Admin admin_;  // declared first: connected before the lock is taken, closed after it is freed
  AdvisoryLock lock_;
};

// Runs `sql` and renders its rows, one line each: "type:value" cells joined by '|', ∅ for NULL,
// "4:xN" for a blob of N bytes; an error is appended as "step error: ..." or returned as
// "prepare error: ...".
inline std::string Query(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    return "prepare error: " + std::string(sqlite3_errmsg(db));
  }
  std::string out;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      if (i > 0) out += "|";
      int type = sqlite3_column_type(stmt, i);
      if (type == SQLITE_NULL) {
        out += "∅";
      } else if (type == SQLITE_BLOB) {
        out += "4:x" + std::to_string(sqlite3_column_bytes(stmt, i));
      } else {
        out += std::to_string(type) + ":" +
               reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
      }
    }
    out += "\n";
  }
  if (rc != SQLITE_DONE) out += "step error: " + std::string(sqlite3_errmsg(db));
  sqlite3_finalize(stmt);
  return out;
}

// Returns the server log written since `offset`.
inline std::string ReadLogFrom(std::streamoff offset) {
  std::ifstream in(Env("CAIRN_TEST_PG_LOG"));
  in.seekg(offset);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

inline std::streamoff LogSize() {
  std::error_code ec;
  auto size = std::filesystem::file_size(Env("CAIRN_TEST_PG_LOG"), ec);
  return ec ? 0 : static_cast<std::streamoff>(size);
}

// Statements the server logged since `offset` whose text contains `needle` (and `also`):
// log_statement=all logs each statement and each execution of a prepared one on a "LOG:" line.
inline int CountStatements(std::streamoff offset, const std::string& needle,
                           const std::string& also = "") {
  usleep(200000);  // the server writes its log asynchronously
  std::istringstream lines(ReadLogFrom(offset));
  int count = 0;
  for (std::string line; std::getline(lines, line);) {
    if ((line.find("LOG:  statement: ") != std::string::npos ||
         line.find("LOG:  execute ") != std::string::npos) &&
        line.find(needle) != std::string::npos && line.find(also) != std::string::npos) {
      ++count;
    }
  }
  return count;
}

}  // namespace cairn::connectors::postgres
