// Declared foreign keys from pragma foreign_key_list.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>

#include "connectors/source.h"
#include "connectors/sqlite/sqlite_source.h"

namespace cairn::connectors::sqlite {
namespace {

SourceConfig MakeConfig(const std::string& path) {
  SourceConfig config;
  config.name = "db";
  config.kind = "sqlite";
  config.base_dir = "/";
  OptionValue value;
  value.scalar = path;
  config.options["path"] = value;
  return config;
}

const TableInfo* Find(const std::vector<TableInfo>& tables, const std::string& name) {
  for (const auto& t : tables) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

TEST(SqliteForeignKeysTest, ChinookDeclaresElevenKeys) {
  auto source = Kind().open(MakeConfig(std::string(CAIRN_TEST_DATA) + "/chinook.sqlite"));
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  auto tables = (*source)->Tables();
  ASSERT_TRUE(tables.ok());
  size_t total = 0;
  for (const auto& t : *tables) total += t.foreign_keys.size();
  EXPECT_EQ(total, 11u);
  const TableInfo* track = Find(*tables, "Track");
  ASSERT_NE(track, nullptr);
  bool album = false;
  for (const auto& key : track->foreign_keys) {
    if (key.ref_table == "Album") {
      album = true;
      EXPECT_EQ(key.columns, std::vector<std::string>{"AlbumId"});
      EXPECT_EQ(key.ref_columns, std::vector<std::string>{"AlbumId"});
    }
  }
  EXPECT_TRUE(album);
  const TableInfo* employee = Find(*tables, "Employee");
  ASSERT_NE(employee, nullptr);
  ASSERT_EQ(employee->foreign_keys.size(), 1u);  // ReportsTo -> Employee.EmployeeId
  EXPECT_EQ(employee->foreign_keys[0].ref_table, "Employee");
  EXPECT_EQ(employee->foreign_keys[0].columns, std::vector<std::string>{"ReportsTo"});
}

class SqliteForeignKeysFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cairn_fk_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "t.sqlite").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Exec(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    std::string message = error ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << message;
  }
  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(SqliteForeignKeysFileTest,
       ImplicitReferenceMeansThePrimaryKeyAndCompositeKeysKeepTheirOrder) {
  Exec(
      "CREATE TABLE Parent (a INTEGER, b TEXT, PRIMARY KEY (b, a));"
      "CREATE TABLE child (x INTEGER, y TEXT, FOREIGN KEY (y, x) REFERENCES PARENT);"
      "CREATE TABLE other (p INTEGER REFERENCES parent(a), q TEXT);"
      "CREATE TABLE nokey (z INTEGER REFERENCES keyless);"
      "CREATE TABLE keyless (w INTEGER);");
  auto source = Kind().open(MakeConfig(path_));
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  auto tables = (*source)->Tables();
  ASSERT_TRUE(tables.ok());
  const TableInfo* child = Find(*tables, "child");
  ASSERT_NE(child, nullptr);
  ASSERT_EQ(child->foreign_keys.size(), 1u);
  EXPECT_EQ(child->foreign_keys[0].ref_table, "Parent");  // as listed, not as written
  EXPECT_EQ(child->foreign_keys[0].columns, (std::vector<std::string>{"y", "x"}));
  EXPECT_EQ(child->foreign_keys[0].ref_columns, (std::vector<std::string>{"b", "a"}));
  const TableInfo* other = Find(*tables, "other");
  ASSERT_NE(other, nullptr);
  ASSERT_EQ(other->foreign_keys.size(), 1u);
  EXPECT_EQ(other->foreign_keys[0].ref_columns, std::vector<std::string>{"a"});
  const TableInfo* nokey = Find(*tables, "nokey");
  ASSERT_NE(nokey, nullptr);
  EXPECT_TRUE(nokey->foreign_keys.empty());  // the referenced table has no primary key
}

}  // namespace
}  // namespace cairn::connectors::sqlite
