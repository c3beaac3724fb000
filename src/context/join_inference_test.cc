#include "context/join_inference.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/session.h"

namespace cairn::context {
namespace {

TEST(NameTokensTest, SplitsSnakeCamelAndAcronyms) {
  EXPECT_EQ(NameTokens("CustomerID"), (std::vector<std::string>{"customer", "id"}));
  EXPECT_EQ(NameTokens("customer_id"), (std::vector<std::string>{"customer", "id"}));
  EXPECT_EQ(NameTokens("MediaTypeId"), (std::vector<std::string>{"media", "type", "id"}));
  EXPECT_EQ(NameTokens("HTTPServer"), (std::vector<std::string>{"http", "server"}));
  EXPECT_EQ(NameTokens("sänger_id"), (std::vector<std::string>{"sänger", "id"}));
  EXPECT_EQ(NameTokens("Order Details"), (std::vector<std::string>{"order", "details"}));
}

TEST(SingularTest, EnglishPlurals) {
  EXPECT_EQ(Singular("categories"), "category");
  EXPECT_EQ(Singular("customers"), "customer");
  EXPECT_EQ(Singular("addresses"), "address");
  EXPECT_EQ(Singular("status"), "status");
  EXPECT_EQ(Singular("class"), "class");
}

TEST(NameScoreTest, RelatedNamesScoreHighUnrelatedZero) {
  EXPECT_GE(NameScore("customer_id", "customers", "id"), 0.95);
  EXPECT_GE(NameScore("CustomerId", "Customer", "CustomerId"), 0.95);
  EXPECT_GE(NameScore("CategoryID", "Categories", "CategoryID"), 0.95);
  EXPECT_GE(NameScore("kunden_adresse_id", "adressen", "adresse_id"), 0.7);
  EXPECT_GE(NameScore("sänger_id", "sänger", "sänger_id"), 0.95);
  EXPECT_GT(NameScore("SupportRepId", "Employee", "EmployeeId"), 0.4);  // role word
  EXPECT_GT(NameScore("ReportsTo", "Employees", "EmployeeID"), 0.4);
  EXPECT_GT(NameScore("ShipVia", "Shippers", "ShipperID"), 0.3);  // shared stem
  EXPECT_EQ(NameScore("Milliseconds", "Album", "AlbumId"), 0);
  EXPECT_EQ(NameScore("id", "Album", "AlbumId"), 0);
  EXPECT_LT(NameScore("GenreId", "MediaType", "MediaTypeId"), 0.3);
}

// A profiled column with the given integer values.
ColumnProfile IntColumn(const std::string& name, const std::vector<int64_t>& values, bool pk) {
  ColumnProfiler profiler;
  for (int64_t v : values) profiler.Add(engine::Value::Integer(v));
  ColumnProfile p;
  p.name = name;
  p.declared_type = "INTEGER";
  p.primary_key = pk;
  profiler.Finish(&p);
  return p;
}

TableProfile Table(const std::string& name, std::vector<ColumnProfile> columns) {
  TableProfile t;
  t.source = "s";
  t.table = name;
  std::vector<std::string> pk;
  for (auto& c : columns) {
    if (c.primary_key) pk.push_back(c.name);
  }
  if (!pk.empty()) t.keys.push_back({DeclaredKey::Type::kPrimary, pk, "", {}});
  t.columns = std::move(columns);
  return t;
}

std::vector<int64_t> Range(int64_t from, int64_t to) {
  std::vector<int64_t> out;
  for (int64_t i = from; i < to; ++i) out.push_back(i);
  return out;
}

TEST(InferJoinsTest, FindsKeyForeignKeyPairAndKeepsEvidence) {
  std::vector<int64_t> refs;
  for (int i = 0; i < 500; ++i) refs.push_back(1 + i % 40);
  std::vector<TableProfile> tables = {
      Table("customers", {IntColumn("id", Range(1, 51), true)}),
      Table("orders",
            {IntColumn("order_id", Range(1, 501), true), IntColumn("customer_id", refs, false),
             IntColumn("quantity", std::vector<int64_t>(500, 3), false)}),
  };
  std::vector<Join> joins = InferJoins(tables);
  ASSERT_EQ(joins.size(), 1u);
  EXPECT_EQ(joins[0].from, (JoinSide{"s", "orders", {"customer_id"}}));
  EXPECT_EQ(joins[0].to, (JoinSide{"s", "customers", {"id"}}));
  EXPECT_EQ(joins[0].kind, JoinKind::kInferred);
  EXPECT_GE(joins[0].score, 0.9);
  EXPECT_EQ(joins[0].evidence["containment_method"], "exact");
  EXPECT_DOUBLE_EQ(joins[0].evidence["containment"].get<double>(), 1.0);
  EXPECT_EQ(joins[0].evidence["cardinality"], "many_to_one");
}

TEST(InferJoinsTest, ValuesOutsideTheKeyAreNoJoin) {
  std::vector<TableProfile> tables = {
      Table("customers", {IntColumn("id", Range(1, 51), true)}),
      Table("orders", {IntColumn("customer_id", Range(100, 200), false)}),
  };
  EXPECT_TRUE(InferJoins(tables).empty());
}

TEST(InferJoinsTest, CompositeKeyOfTwoColumns) {
  std::vector<int64_t> a, b;
  for (int i = 0; i < 100; ++i) {
    a.push_back(1 + i / 10);
    b.push_back(1 + i % 10);
  }
  std::vector<TableProfile> tables = {
      Table("playlist_track", {IntColumn("playlist_id", a, true), IntColumn("track_id", b, true)}),
      Table("plays", {IntColumn("play_id", Range(1, 31), true),
                      IntColumn("playlist_id", std::vector<int64_t>(30, 2), false),
                      IntColumn("track_id", std::vector<int64_t>(30, 5), false)}),
  };
  std::vector<Join> joins = InferJoins(tables);
  bool composite = false;
  for (const auto& j : joins) {
    if (j.from.columns.size() == 2) {
      composite = true;
      EXPECT_EQ(j.from, (JoinSide{"s", "plays", {"playlist_id", "track_id"}}));
      EXPECT_EQ(j.to, (JoinSide{"s", "playlist_track", {"playlist_id", "track_id"}}));
    }
  }
  EXPECT_TRUE(composite);
}

TEST(InferJoinsTest, DeclaredKeysBecomeDeclaredJoinsAndAreNotInferredAgain) {
  std::vector<int64_t> refs;
  for (int i = 0; i < 100; ++i) refs.push_back(1 + i % 20);
  std::vector<TableProfile> tables = {
      Table("customers", {IntColumn("id", Range(1, 51), true)}),
      Table("orders", {IntColumn("customer_id", refs, false)}),
  };
  tables[1].keys.push_back({DeclaredKey::Type::kForeign, {"customer_id"}, "customers", {"id"}});
  std::vector<Join> declared = DeclaredJoins(tables);
  ASSERT_EQ(declared.size(), 1u);
  EXPECT_EQ(declared[0].kind, JoinKind::kDeclared);
  EXPECT_EQ(declared[0].score, 1);
  EXPECT_TRUE(InferJoins(tables, {}, declared).empty());
}

TEST(InferJoinsTest, EmptyAndAllNullColumnsDoNotCrashOrMatchByValue) {
  ColumnProfile empty = IntColumn("customer_id", {}, false);
  ColumnProfiler nulls;
  for (int i = 0; i < 10; ++i) nulls.Add(engine::Value::Null());
  ColumnProfile all_null;
  all_null.name = "note";
  nulls.Finish(&all_null);
  std::vector<TableProfile> tables = {
      Table("customers", {IntColumn("id", Range(1, 51), true)}),
      Table("orders", {empty, all_null}),
  };
  std::vector<Join> joins = InferJoins(tables);
  // The empty customer_id is matched by name alone (containment "none"), all-NULL note never.
  for (const auto& j : joins) EXPECT_NE(j.from.columns[0], "note");
}

}  // namespace
}  // namespace cairn::context
