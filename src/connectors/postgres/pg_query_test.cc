// The remote query of a batched lookup (pg_query.h): LookupKeyText gives, for every value an
// equality lookup can receive, the parameter BuildQuery sends for that lookup, and false exactly
// where BuildQuery's query matches nothing; BuildKeysQuery selects the same columns with one
// array parameter. No server needed.

#include "connectors/postgres/pg_query.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "connectors/common/pushdown.h"

namespace cairn::connectors::postgres {
namespace {

namespace pd = ::cairn::connectors::pushdown;

PgTable TestTable() {
  PgTable table;
  table.info.name = "t";
  table.info.columns = {{"id", "INTEGER", "int8", true, true},
                        {"name", "TEXT", "text", false, false},
                        {"o", "INTEGER", "oid", false, false}};
  table.relation = "\"s\".\"t\"";
  table.kinds = {ColumnKind::kInt, ColumnKind::kText, ColumnKind::kInt};
  table.exprs = {"\"id\"", "\"name\"", "\"o\"::int8"};
  return table;
}

// Values of every storage class and the edge cases of SQLite's affinity, as an xFilter argument
// would receive them.
class Values {
 public:
  Values() {
    sqlite3_open(":memory:", &db_);
    sqlite3_prepare_v2(db_,
                       "SELECT NULL, 7, -3, 0, 7.0, 7.5, -0.0, 1e300, -1e300, "
                       "-9223372036854775808, 9223372036854775807, 9.3e18, -9.3e18, '7', ' 7', "
                       "'7 ', '7.0', '7.5', '0x10', '1e3', '7abc', 'abc', '', x'', x'41', "
                       "'a' || char(0) || 'b', 'éclair', 'x''y', 2.5e-300, 4503599627370497.0",
                       -1, &stmt_, nullptr);
    sqlite3_step(stmt_);
  }
  ~Values() {
    sqlite3_finalize(stmt_);
    sqlite3_close(db_);
  }
  int size() const { return sqlite3_column_count(stmt_); }
  sqlite3_value* at(int i) const { return sqlite3_column_value(stmt_, i); }
  std::string describe(int i) const {
    const unsigned char* text = sqlite3_column_text(stmt_, i);
    return std::to_string(sqlite3_column_type(stmt_, i)) + ":" +
           (text ? reinterpret_cast<const char*>(text) : "NULL");
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

TEST(LookupKeyTextTest, AgreesWithTheLookupsOwnQuery) {
  const PgTable table = TestTable();
  Values values;
  ASSERT_GT(values.size(), 20);
  int found = 0, nothing = 0;
  for (int column : {0, 1, 2}) {
    pd::ScanPlan plan;
    plan.columns_used = 0b111;
    plan.terms.push_back(pd::Term{column, pd::Op::kEq});
    for (int i = 0; i < values.size(); ++i) {
      sqlite3_value* argv[] = {values.at(i)};
      RemoteQuery query;
      std::vector<int> result_column;
      ASSERT_TRUE(BuildQuery(table, plan, argv, nullptr, &query, &result_column).ok());
      std::string text;
      const bool key = LookupKeyText(table.kinds[column], values.at(i), &text);
      SCOPED_TRACE("column " + std::to_string(column) + ", value " + values.describe(i));
      if (query.matches_nothing) {
        EXPECT_FALSE(key);
        ++nothing;
      } else {
        ASSERT_TRUE(key);
        ASSERT_EQ(query.params.size(), 1u);
        EXPECT_EQ(text, query.params[0]);
        ++found;
      }
    }
  }
  // Both outcomes occur for both kinds of column.
  EXPECT_GT(found, 20);
  EXPECT_GT(nothing, 10);
}

TEST(LookupKeyTextTest, OnlyIntegerAndTextColumns) {
  Values values;
  std::string text;
  EXPECT_FALSE(LookupKeyText(ColumnKind::kFloat8, values.at(1), &text));
  EXPECT_FALSE(LookupKeyText(ColumnKind::kTextCast, values.at(13), &text));
}

TEST(BuildKeysQueryTest, SelectsTheUsedColumnsAndTheKeyWithOneArray) {
  const PgTable table = TestTable();
  RemoteQuery query;
  std::vector<int> result_column;
  ASSERT_TRUE(BuildKeysQuery(table, 0b010, 0, {"7", "-3"}, &query, &result_column).ok());
  EXPECT_EQ(query.sql, "SELECT \"id\", \"name\" FROM \"s\".\"t\" WHERE \"id\" = ANY($1::int8[])");
  EXPECT_EQ(query.params, std::vector<std::string>{"{\"7\",\"-3\"}"});
  EXPECT_EQ(result_column, (std::vector<int>{0, 1, -1}));

  RemoteQuery text;
  ASSERT_TRUE(BuildKeysQuery(table, 0, 1, {"a\"b", ""}, &text, &result_column).ok());
  EXPECT_EQ(text.sql, "SELECT \"name\" FROM \"s\".\"t\" WHERE \"name\" = ANY($1::text[])");
  RemoteQuery oid;
  ASSERT_TRUE(BuildKeysQuery(table, 0, 2, {"4294967295"}, &oid, &result_column).ok());
  EXPECT_EQ(oid.sql, "SELECT \"o\" FROM \"s\".\"t\" WHERE \"o\"::int8 = ANY($1::int8[])");

  PgTable floats = table;
  floats.kinds[0] = ColumnKind::kFloat8;
  EXPECT_FALSE(BuildKeysQuery(floats, 0, 0, {"1"}, &query, &result_column).ok());
}

}  // namespace
}  // namespace cairn::connectors::postgres
