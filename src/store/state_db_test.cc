#include "store/state_db.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <random>

#include "store/sqlite_errors.h"

namespace cairn::store {
namespace {

std::filesystem::path TempPath(const std::string& name) {
  std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() / ("cairn-store-" + std::to_string(rd()));
  return dir / name;
}

const std::vector<Migration> kMigrations = {
    {1, "create t", "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"},
    {2, "add note", "ALTER TABLE t ADD COLUMN note TEXT"},
};

TEST(StateDbTest, AppliesMigrationsOncePerComponent) {
  auto path = TempPath("state.sqlite");
  {
    auto db = StateDb::Open(path);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    EXPECT_EQ(*(*db)->Migrate("catalog", kMigrations), 2);
    EXPECT_EQ(*(*db)->Version("catalog"), 2);
    EXPECT_EQ(*(*db)->Version("other"), 0);
    ASSERT_TRUE((*db)->Exec("INSERT INTO t (name, note) VALUES (?, ?)", {"a", nullptr}).ok());
  }
  auto db = StateDb::Open(path);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(*(*db)->Migrate("catalog", kMigrations), 0);
  std::vector<Migration> more = kMigrations;
  more.push_back({3, "index", "CREATE INDEX t_note ON t (note)"});
  EXPECT_EQ(*(*db)->Migrate("catalog", more), 1);
  int64_t count = 0;
  ASSERT_TRUE((*db)
                  ->Query("SELECT count(*) FROM t", {},
                          [&](const Row& r) {
                            count = r.Int(0);
                            return OkStatus();
                          })
                  .ok());
  EXPECT_EQ(count, 1);
  std::filesystem::remove_all(path.parent_path());
}

TEST(StateDbTest, FailedMigrationRollsBackAndNamesIt) {
  auto db = StateDb::Open(":memory:");
  ASSERT_TRUE(db.ok());
  std::vector<Migration> bad = {{1, "good", "CREATE TABLE a (x)"},
                                {2, "broken", "CREATE TABLE b (x); CREATE TABLE a (y)"}};
  Result<int> applied = (*db)->Migrate("c", bad);
  ASSERT_FALSE(applied.ok());
  EXPECT_NE(applied.status().message().find("migration c 2 ('broken') failed"), std::string::npos)
      << applied.status().message();
  EXPECT_EQ(*(*db)->Version("c"), 1);
  // b was rolled back with the failed migration.
  EXPECT_FALSE((*db)->Exec("SELECT * FROM b").ok());
  std::vector<Migration> unordered = {{2, "x", "SELECT 1"}, {1, "y", "SELECT 1"}};
  EXPECT_EQ((*db)->Migrate("d", unordered).status().code(), StatusCode::kInternal);
}

TEST(StateDbTest, ErrorsMapToCodes) {
  auto db = StateDb::Open(":memory:");
  ASSERT_TRUE((*db)->Migrate("c", kMigrations).ok());
  ASSERT_TRUE((*db)->Exec("INSERT INTO t (name) VALUES (?)", {"a"}).ok());
  EXPECT_EQ((*db)->Exec("INSERT INTO t (name) VALUES (?)", {"a"}).status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ((*db)->Exec("SELEC").status().code(), StatusCode::kInternal);
}

// The one mapping every SQLite file of Cairn uses (state, ledger, outbox).
TEST(StateDbTest, SqliteResultCodesMapToStatusCodes) {
  EXPECT_EQ(SqliteStatusCode(SQLITE_CONSTRAINT_UNIQUE), StatusCode::kAlreadyExists);
  EXPECT_EQ(SqliteStatusCode(SQLITE_CONSTRAINT_PRIMARYKEY), StatusCode::kAlreadyExists);
  EXPECT_EQ(SqliteStatusCode(SQLITE_CONSTRAINT_NOTNULL), StatusCode::kInvalidArgument);
  EXPECT_EQ(SqliteStatusCode(SQLITE_CONSTRAINT_CHECK), StatusCode::kInvalidArgument);
  for (int rc : {SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, SQLITE_LOCKED, SQLITE_CANTOPEN,
                 SQLITE_IOERR_FSYNC, SQLITE_FULL, SQLITE_READONLY, SQLITE_PERM}) {
    EXPECT_EQ(SqliteStatusCode(rc), StatusCode::kUnavailable) << sqlite3_errstr(rc);
  }
  EXPECT_EQ(SqliteStatusCode(SQLITE_CORRUPT), StatusCode::kDataLoss);
  EXPECT_EQ(SqliteStatusCode(SQLITE_NOTADB), StatusCode::kDataLoss);
  EXPECT_EQ(SqliteStatusCode(SQLITE_ERROR), StatusCode::kInternal);
  EXPECT_EQ(SqliteStatusCode(SQLITE_MISUSE), StatusCode::kInternal);
}

TEST(StateDbTest, TransactionRollsBackOnError) {
  auto db = StateDb::Open(":memory:");
  ASSERT_TRUE((*db)->Migrate("c", kMigrations).ok());
  Status status = (*db)->Transaction([&]() -> Status {
    RETURN_IF_ERROR((*db)->Exec("INSERT INTO t (name) VALUES ('x')").status());
    return InvalidArgumentError("changed my mind");
  });
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  int64_t count = -1;
  ASSERT_TRUE((*db)
                  ->Query("SELECT count(*) FROM t", {},
                          [&](const Row& r) {
                            count = r.Int(0);
                            return OkStatus();
                          })
                  .ok());
  EXPECT_EQ(count, 0);
}

TEST(StateDbTest, NotADatabaseIsDataLoss) {
  auto path = TempPath("garbage.sqlite");
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << std::string(4096, 'x');
  auto db = StateDb::Open(path);
  EXPECT_EQ(db.status().code(), StatusCode::kDataLoss) << db.status().ToString();
  std::filesystem::remove_all(path.parent_path());
}

}  // namespace
}  // namespace cairn::store
