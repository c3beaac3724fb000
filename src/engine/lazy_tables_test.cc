// Tables are created on first reference: a source of hundreds of tables costs a session one
// virtual table (a guarded pair for a restricted principal) per table a statement names, and
// everything else reads exactly as when every table was created at attach time.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "engine/session.h"

namespace cairn::engine {
namespace {

namespace fs = std::filesystem;

// Writes `file` with tables t0..t<n-1> (id, name, v), one row each: (i, 'row i', i / 2).
void WriteSource(const fs::path& file, int tables) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  std::string sql = "BEGIN;";
  for (int i = 0; i < tables; ++i) {
    const std::string t = "t" + std::to_string(i);
    sql += "CREATE TABLE " + t + "(id INTEGER PRIMARY KEY, name TEXT, v REAL);";
    sql += "INSERT INTO " + t + " VALUES (" + std::to_string(i) + ", 'row " + std::to_string(i) +
           "', " + std::to_string(i) + " / 2.0);";
  }
  sql += "COMMIT;";
  char* error = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << error;
  sqlite3_close(db);
}

// Grants t0..t9 of every source (t3 without `v`, t4 filtered to no row); hides the rest.
class TenTables : public AccessPolicy {
 public:
  bool Unrestricted(const Principal& p) const override { return p.HasRole("admin"); }
  std::optional<TableAccess> Table(const Principal&, const std::string&,
                                   const connectors::TableInfo& table) const override {
    ++table_calls;
    if (table.name.size() != 2 || table.name[0] != 't') return std::nullopt;
    TableAccess access;
    for (const auto& column : table.columns) {
      if (table.name == "t3" && column.name == "v") continue;
      ColumnAccess c;
      c.name = column.name;
      access.columns.push_back(c);
    }
    if (table.name == "t4") access.row_filter = "id < 0";
    if (table.name == "t5") access.row_filter = broken_filter;
    access.rules = {"grant " + table.name};
    return access;
  }
  Label ColumnLabel(const std::string&, const std::string&, const std::string&) const override {
    return Label::kPublic;
  }
  Status CheckFlow(const Principal&, Label, const std::string& sink,
                   const std::string&) const override {
    return NotFoundError("no sink '{}'", sink);
  }
  bool MayGrant(const Principal&, const std::string&, const std::string& table) const override {
    return !by_name || (table.size() == 2 && (table[0] == 't' || table[0] == 'T'));
  }
  std::string broken_filter;
  bool by_name = true;          // MayGrant answers by name (else "unsure", as by default)
  mutable int table_calls = 0;  // calls of Table(), each after the table was described
};

class LazyTablesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() /
                        ("cairn-lazy-tables-" + std::to_string(::getpid())));
    fs::create_directories(*dir_);
    WriteSource(*dir_ / "big.sqlite", 400);
    for (int s = 0; s < 12; ++s) WriteSource(*dir_ / ("s" + std::to_string(s) + ".sqlite"), 12);
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }

  void SetUp() override {
    std::string yaml =
        "sources:\n  big:\n    kind: sqlite\n    path: " + (*dir_ / "big.sqlite").string() + "\n";
    for (int s = 0; s < 12; ++s) {
      const std::string name = "s" + std::to_string(s);
      yaml += "  " + name +
              ":\n    kind: sqlite\n    path: " + (*dir_ / (name + ".sqlite")).string() + "\n";
    }
    Result<Config> config = ParseConfig(yaml, "/tmp/cairn.yaml");
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    catalog_ = std::move(Catalog::Create(*config)).value();
    admin_ = Open(Principal::Admin());
    analyst_ = Open(Principal{"ana", {"analyst"}, {}});
  }

  std::unique_ptr<Session> Open(Principal principal) {
    auto session = std::move(Session::Open(catalog_.get(), std::move(principal))).value();
    session->set_policy(&policy_);
    return session;
  }

  static std::vector<std::vector<Value>> Rows(Session* session, const std::string& sql) {
    Result<QueryResult> result = session->QueryAll(sql);
    EXPECT_TRUE(result.ok()) << sql << ": " << result.status().ToString();
    return result.ok() ? result->rows : std::vector<std::vector<Value>>{};
  }

  static fs::path* dir_;
  TenTables policy_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<Session> admin_;
  std::unique_ptr<Session> analyst_;
};

fs::path* LazyTablesTest::dir_ = nullptr;

TEST_F(LazyTablesTest, OnlyTheReferencedTableIsCreated) {
  auto rows = Rows(admin_.get(), "SELECT name FROM big.t123");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0].bytes, "row 123");
  EXPECT_EQ(admin_->tables_created(), 1);
  Rows(admin_.get(), "SELECT count(*) FROM big.t123");
  EXPECT_EQ(admin_->tables_created(), 1);
  // Names are case-insensitive, as SQL's are; the schema too.
  rows = Rows(admin_.get(), "SELECT a.id, b.id FROM BIG.T7 a JOIN big.t123 b ON b.id > a.id");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(admin_->tables_created(), 2);

  // A restricted principal: a guarded pair for the granted table only.
  rows = Rows(analyst_.get(), "SELECT id, name FROM big.t1");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(analyst_->tables_created(), 1);
  EXPECT_EQ(Rows(analyst_.get(), "SELECT count(*) FROM big.t4")[0][0].integer, 0);  // filtered
  EXPECT_EQ(analyst_->tables_created(), 2);
}

// A search hit or a name is checked against the grants by name first: tables no grant names
// are not described (on 10,000 tables, describing each hit cost seconds a search).
TEST_F(LazyTablesTest, VisibilityIsDecidedByNameBeforeDescribing) {
  policy_.table_calls = 0;
  for (int t = 100; t < 400; ++t) EXPECT_FALSE(analyst_->CanSee("big", "t" + std::to_string(t)));
  EXPECT_FALSE(analyst_->CanSee("big", "t150", "name"));
  EXPECT_EQ(policy_.table_calls, 0);
  EXPECT_TRUE(analyst_->CanSee("big", "t1"));
  EXPECT_TRUE(analyst_->CanSee("big", "T2", "name"));
  EXPECT_FALSE(analyst_->CanSee("big", "t3", "v"));  // granted without v
  EXPECT_EQ(policy_.table_calls, 3);
  // Without an answer by name, the table is described and the policy asked: same verdicts.
  policy_.by_name = false;
  EXPECT_FALSE(analyst_->CanSee("big", "t150"));
  EXPECT_TRUE(analyst_->CanSee("big", "t1"));
  EXPECT_EQ(policy_.table_calls, 5);
  // A hidden table reads as unknown either way.
  EXPECT_EQ(analyst_->QueryAll("SELECT * FROM big.t150").status().code(), StatusCode::kNotFound);
  policy_.by_name = true;
  EXPECT_EQ(analyst_->QueryAll("SELECT * FROM big.t151").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(analyst_->tables_created(), 0);
}

TEST_F(LazyTablesTest, HiddenAndUnknownTablesReadTheSame) {
  Rows(analyst_.get(), "SELECT * FROM big.t1");  // the source is attached
  Result<QueryResult> hidden = analyst_->QueryAll("SELECT * FROM big.t200");
  Result<QueryResult> unknown = analyst_->QueryAll("SELECT * FROM big.t9999");
  EXPECT_EQ(hidden.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(hidden.status().message(), "no such table: big.t200");
  EXPECT_EQ(unknown.status().message(), "no such table: big.t9999");
  EXPECT_EQ(analyst_->tables_created(), 1);  // nothing was created for either

  // The same before the source is attached, and in a source with nothing granted.
  auto fresh = Open(Principal{"ana2", {"analyst"}, {}});
  EXPECT_EQ(fresh->QueryAll("SELECT * FROM big.t200").status().message(),
            "no such table: big.t200");
  EXPECT_EQ(fresh->QueryAll("SELECT * FROM big.t9999").status().message(),
            "no such table: big.t9999");
  EXPECT_EQ(fresh->tables_created(), 0);

  // A hidden column of a granted table is unknown too.
  Result<QueryResult> column = analyst_->QueryAll("SELECT v FROM big.t3");
  EXPECT_EQ(column.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(column.status().message().find("no such column"), std::string::npos);
  // An administrator is told which part is unknown.
  EXPECT_EQ(admin_->QueryAll("SELECT * FROM big.t9999").status().message(),
            "no such table: big.t9999");
  EXPECT_EQ(admin_->QueryAll("SELECT * FROM nosuch.t1").status().message(),
            "no such source 'nosuch' (in 'nosuch.t1')");
  EXPECT_EQ(admin_->QueryAll("SELECT * FROM big.").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(LazyTablesTest, AnUnqualifiedNameResolvesToTheOneSourceHavingIt) {
  // t200 exists only in big (the s* sources have t0..t11).
  auto rows = Rows(admin_.get(), "SELECT id FROM t200");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0].integer, 200);
  // big is attached now; another of its tables, unqualified, is created in it.
  EXPECT_EQ(Rows(admin_.get(), "SELECT id FROM T201")[0][0].integer, 201);
  EXPECT_EQ(admin_->tables_created(), 2);
  // A name in several sources must be qualified (none of them attached yet).
  auto fresh = Open(Principal::Admin());
  Result<QueryResult> ambiguous = fresh->QueryAll("SELECT * FROM t1");
  EXPECT_EQ(ambiguous.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(ambiguous.status().message().find("several sources"), std::string::npos);
  // A restricted principal sees unqualified only what it is granted.
  EXPECT_EQ(analyst_->QueryAll("SELECT * FROM t200").status().message(), "no such table: t200");
  Rows(analyst_.get(), "SELECT * FROM big.t2");
  EXPECT_EQ(analyst_->QueryAll("SELECT * FROM t201").status().message(), "no such table: t201");
}

TEST_F(LazyTablesTest, IntrospectionFindsTablesNotCreatedYet) {
  Rows(admin_.get(), "SELECT 1 FROM big.t0");
  EXPECT_EQ(Rows(admin_.get(), "PRAGMA big.table_info(t300)").size(), 3u);
  EXPECT_EQ(Rows(admin_.get(), "SELECT name FROM pragma_table_info('t301', 'big')").size(), 3u);
  EXPECT_EQ(Rows(admin_.get(), "PRAGMA table_info(t302)").size(), 3u);
  EXPECT_EQ(admin_->tables_created(), 4);
  // Listing a source's schema lists all of it, as before.
  EXPECT_EQ(Rows(admin_.get(), "SELECT count(*) FROM big.sqlite_master")[0][0].integer, 400);

  // A restricted principal: granted columns of a granted table; nothing of a hidden one.
  Rows(analyst_.get(), "SELECT 1 FROM big.t0");
  auto info = Rows(analyst_.get(), "SELECT name FROM pragma_table_info('t3', 'big')");
  ASSERT_EQ(info.size(), 2u);  // id, name; not v
  EXPECT_EQ(Rows(analyst_.get(), "PRAGMA big.table_info(t1)").size(), 3u);
  EXPECT_TRUE(Rows(analyst_.get(), "PRAGMA big.table_info(t300)").empty());
  EXPECT_TRUE(Rows(analyst_.get(), "SELECT * FROM pragma_table_info('t300', 'big')").empty());
  EXPECT_EQ(analyst_->tables_created(), 3);
  EXPECT_FALSE(analyst_->QueryAll("SELECT name FROM big.sqlite_master").ok());
  // A pragma function naming a source not attached yet attaches it and creates the table.
  auto fresh = Open(Principal{"ana3", {"analyst"}, {}});
  EXPECT_EQ(Rows(fresh.get(), "SELECT name FROM pragma_table_info('t1', 's4')").size(), 3u);
  EXPECT_EQ(fresh->tables_created(), 1);
}

TEST_F(LazyTablesTest, MoreSourcesThanTheAttachLimitAndRequeryAfterDetach) {
  for (int round = 0; round < 2; ++round) {
    for (int s = 0; s < 12; ++s) {
      const int t = s % 10 == 4 ? 6 : s % 10;  // t4's rows are all filtered out
      const std::string sql =
          "SELECT count(*) FROM s" + std::to_string(s) + ".t" + std::to_string(t) + " JOIN big.t1";
      EXPECT_EQ(Rows(admin_.get(), sql)[0][0].integer, 1) << sql;
      EXPECT_EQ(Rows(analyst_.get(), sql)[0][0].integer, 1) << sql;
    }
  }
  // Every source was evicted and attached again in the second round: its tables were
  // created again (the raw ones of the restricted session dropped with it, or this fails).
  EXPECT_GT(analyst_->tables_created(), 24);
  EXPECT_EQ(Rows(analyst_.get(), "SELECT name FROM s0.t0")[0][0].bytes, "row 0");
}

// A session keeps a bounded number of tables created (each creation walks every table of its
// schema): beyond the bound, the oldest are dropped before the next statement and created again
// when named, and they read the same, guards and all.
TEST_F(LazyTablesTest, TablesBeyondTheBoundAreDroppedAndCreatedAgainWhenNamed) {
  admin_->set_max_live_tables(8);
  for (int t = 0; t < 40; ++t) {
    const std::string table = "big.t" + std::to_string(t);
    auto rows = Rows(admin_.get(), "SELECT name FROM " + table);
    ASSERT_EQ(rows.size(), 1u) << table;
    EXPECT_EQ(rows[0][0].bytes, "row " + std::to_string(t));
    EXPECT_LE(admin_->live_tables(), 9u) << table;
  }
  EXPECT_EQ(admin_->tables_created(), 40);
  EXPECT_EQ(Rows(admin_.get(), "SELECT name FROM big.t0")[0][0].bytes, "row 0");
  EXPECT_EQ(admin_->tables_created(), 41);
  // One statement may name more tables than the bound: they are all created for it.
  std::string sql = "SELECT count(*) FROM big.t100";
  for (int t = 101; t < 120; ++t) sql += " CROSS JOIN big.t" + std::to_string(t);
  EXPECT_EQ(Rows(admin_.get(), sql)[0][0].integer, 1);
  EXPECT_GE(admin_->live_tables(), 20u);
  EXPECT_EQ(Rows(admin_.get(), "SELECT count(*) FROM big.t1")[0][0].integer, 1);
  EXPECT_LE(admin_->live_tables(), 5u);

  // A restricted principal: the guarded pair goes and comes back with its grant.
  analyst_->set_max_live_tables(2);
  for (int round = 0; round < 2; ++round) {
    for (int t = 0; t < 10; ++t) {
      if (t == 5) continue;  // no filter is broken here
      const std::string table = "big.t" + std::to_string(t);
      EXPECT_EQ(Rows(analyst_.get(), "SELECT count(*) FROM " + table)[0][0].integer, t == 4 ? 0 : 1)
          << table << ": t4's row filter keeps no row";
      EXPECT_LE(analyst_->live_tables(), 3u);
    }
  }
  EXPECT_EQ(analyst_->tables_created(), 18);
  EXPECT_EQ(Rows(analyst_.get(), "SELECT id FROM big.t3")[0][0].integer, 3);
  EXPECT_EQ(analyst_->QueryAll("SELECT v FROM big.t3").status().code(),
            StatusCode::kInvalidArgument);  // not granted: no such column
  EXPECT_EQ(analyst_->QueryAll("SELECT * FROM big.t150").status().code(), StatusCode::kNotFound);
}

TEST_F(LazyTablesTest, ABrokenPolicyFailsClosedWhenItsTableIsNamed) {
  policy_.broken_filter = "no_such_function(id)";
  auto analyst = Open(Principal{"ana4", {"analyst"}, {}});
  Result<QueryResult> broken = analyst->QueryAll("SELECT * FROM big.t5");
  EXPECT_EQ(broken.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(broken.status().message().find("big.t5"), std::string::npos);
  // Nothing of it stays behind: naming it again fails the same way.
  EXPECT_EQ(analyst->QueryAll("SELECT * FROM big.t5").status().code(),
            StatusCode::kFailedPrecondition);
  policy_.broken_filter = "id IN (SELECT id FROM big.t6)";
  auto other = Open(Principal{"ana5", {"analyst"}, {}});
  Result<QueryResult> reads_another = other->QueryAll("SELECT * FROM big.t5");
  EXPECT_EQ(reads_another.status().code(), StatusCode::kFailedPrecondition)
      << reads_another.status().ToString();
  EXPECT_NE(reads_another.status().message().find("only that table"), std::string::npos);
  // The other granted tables still serve.
  EXPECT_EQ(Rows(other.get(), "SELECT id FROM big.t6")[0][0].integer, 6);
}

}  // namespace
}  // namespace cairn::engine
