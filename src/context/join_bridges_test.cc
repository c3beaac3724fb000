#include "context/join_bridges.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "context/join_graph.h"
#include "context/join_path.h"
#include "context/profile_testing.h"

namespace cairn::context {
namespace {

// A class list and its teachers: 60 pupils in 12 classrooms, one teacher per classroom, no key
// that names the other (Spider's student_1).
std::vector<TableProfile> ClassesAndTeachers() {
  std::vector<int64_t> pupils_rooms;
  for (int i = 0; i < 60; ++i) pupils_rooms.push_back(101 + i % 12);
  return {Table("liste", {IntColumn("schueler_nr", Range(1, 61), true),
                          IntColumn("klassenzimmer", pupils_rooms, false)}),
          Table("lehrer", {IntColumn("lehrer_nr", Range(1, 13), true),
                           IntColumn("klassenzimmer", Range(101, 113), false)})};
}

Join KeyJoin(const std::string& from, const std::string& to, JoinKind kind) {
  Join j;
  j.from = {"s", from, {"x"}};
  j.to = {"s", to, {"y"}};
  j.kind = kind;
  j.score = 0.9;
  return j;
}

TEST(BridgeJoinsTest, BridgesTablesThatShareOnlyAnAttribute) {
  std::vector<Join> bridges = BridgeJoins(ClassesAndTeachers(), {});
  ASSERT_EQ(bridges.size(), 1u);
  const Join& b = bridges[0];
  EXPECT_EQ(b.kind, JoinKind::kInferred);
  // From the side with more rows per value to the unique one.
  EXPECT_EQ(b.from.table, "liste");
  EXPECT_EQ(b.to.table, "lehrer");
  EXPECT_EQ(b.from.columns, std::vector<std::string>{"klassenzimmer"});
  EXPECT_DOUBLE_EQ(b.score, 0.5);
  EXPECT_EQ(b.evidence["bridge"], true);
  EXPECT_EQ(b.evidence["shared_attribute"], "klassenzimmer");
  EXPECT_EQ(b.evidence["containment_method"], "exact");
  EXPECT_EQ(b.evidence["cardinality"], "many_to_one");
  EXPECT_EQ(b.evidence["to_uniqueness"], 1.0);
}

TEST(BridgeJoinsTest, NoBridgeWhereAJoinConnectsAlready) {
  auto tables = ClassesAndTeachers();
  EXPECT_TRUE(BridgeJoins(tables, {KeyJoin("liste", "lehrer", JoinKind::kInferred)}).empty());
  EXPECT_TRUE(BridgeJoins(tables, {KeyJoin("lehrer", "liste", JoinKind::kDeclared)}).empty());
  // A rejected join connects nothing.
  EXPECT_EQ(BridgeJoins(tables, {KeyJoin("liste", "lehrer", JoinKind::kRejected)}).size(), 1u);
}

TEST(BridgeJoinsTest, ARejectedBridgeGivesWayToTheNextBest) {
  auto tables = ClassesAndTeachers();
  // Both tables also have a floor, 1..4, all of the pupils' among the teachers'.
  std::vector<int64_t> floors;
  for (int i = 0; i < 60; ++i) floors.push_back(1 + i % 4);
  tables[0].columns.push_back(IntColumn("etage", floors, false));
  tables[1].columns.push_back(IntColumn("etage", {1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4}, false));
  std::vector<Join> first = BridgeJoins(tables, {});
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].from.columns[0], "klassenzimmer");  // the unique side ranks first
  Join rejected = first[0];
  std::swap(rejected.from, rejected.to);  // either direction
  rejected.kind = JoinKind::kRejected;
  std::vector<Join> next = BridgeJoins(tables, {rejected});
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].from.columns[0], "etage");
  // A confirmed join connects the tables: no bridge.
  Join confirmed = first[0];
  confirmed.kind = JoinKind::kConfirmed;
  EXPECT_TRUE(BridgeJoins(tables, {confirmed}).empty());
}

TEST(BridgeJoinsTest, OneBridgePerPairOfComponents) {
  // Three tables share `region`; two bridges connect them, not three.
  std::vector<TableProfile> tables = {Table("a", {IntColumn("region", Range(1, 9), false)}),
                                      Table("b", {IntColumn("region", Range(1, 11), false)}),
                                      Table("c", {IntColumn("region", Range(1, 11), false)})};
  std::vector<Join> bridges = BridgeJoins(tables, {});
  ASSERT_EQ(bridges.size(), 2u);
  // a's 8 values are in b's and c's 10 (containment 1 either way); b and c hold each other.
  for (const Join& b : bridges) EXPECT_EQ(b.evidence["containment"], 1.0);
  // With a and b joined already, only c is bridged.
  std::vector<Join> rest = BridgeJoins(tables, {KeyJoin("a", "b", JoinKind::kInferred)});
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_TRUE(rest[0].from.table == "c" || rest[0].to.table == "c");
}

TEST(BridgeJoinsTest, RefusesWhatIsNoSharedAttribute) {
  auto with = [](ColumnProfile left, ColumnProfile right) {
    return BridgeJoins({Table("l", {std::move(left)}), Table("r", {std::move(right)})}, {});
  };
  // Values not contained: 6 of 12 rooms.
  EXPECT_TRUE(
      with(IntColumn("raum", Range(1, 13), false), IntColumn("raum", Range(7, 19), false)).empty());
  // Other names.
  EXPECT_TRUE(with(IntColumn("raum", Range(1, 13), false), IntColumn("zimmer", Range(1, 13), false))
                  .empty());
  // Fewer than three distinct values.
  EXPECT_TRUE(
      with(IntColumn("flag", {1, 2, 1, 2}, false), IntColumn("flag", {1, 2}, false)).empty());
  // Empty.
  EXPECT_TRUE(with(IntColumn("raum", {}, false), IntColumn("raum", Range(1, 13), false)).empty());
  // A category: a status shared by two tables is a property.
  std::vector<std::string> status;
  for (int i = 0; i < 200; ++i)
    status.push_back(i % 3 == 0 ? "open" : i % 3 == 1 ? "closed" : "void");
  EXPECT_TRUE(
      with(TextColumn("status", status, false), TextColumn("status", status, false)).empty());
  // Free text.
  std::vector<std::string> notes;
  for (int i = 0; i < 20; ++i) {
    notes.push_back("Delivered on time, no damage found at the gate check, number " +
                    std::to_string(i) + ", signed off by the duty officer on the morning shift.");
  }
  EXPECT_TRUE(with(TextColumn("notes", notes, false), TextColumn("notes", notes, false)).empty());
  // The same name in two sources.
  std::vector<TableProfile> tables = ClassesAndTeachers();
  tables[1].source = "other";
  EXPECT_TRUE(BridgeJoins(tables, {}).empty());
}

TEST(BridgeJoinsTest, ANameOnManyTablesSaysNothing) {
  std::vector<TableProfile> tables;
  for (int i = 0; i <= kMaxBridgeNameTables; ++i) {
    tables.push_back(Table("t" + std::to_string(i), {IntColumn("code", Range(1, 20), false)}));
  }
  EXPECT_TRUE(BridgeJoins(tables, {}).empty());
  tables.pop_back();
  EXPECT_EQ(BridgeJoins(tables, {}).size(), static_cast<size_t>(kMaxBridgeNameTables - 1));
}

TEST(BridgeJoinsTest, ViewsOnlyWhenAsked) {
  auto tables = ClassesAndTeachers();
  tables[1].kind = "view";
  EXPECT_TRUE(BridgeJoins(tables, {}).empty());
  InferenceOptions options;
  options.include_views = true;
  EXPECT_EQ(BridgeJoins(tables, {}, options).size(), 1u);
}

TEST(BridgeJoinsTest, APathTakesABridgeOnlyWhereNoKeyJoinsConnect) {
  std::vector<Join> bridges = BridgeJoins(ClassesAndTeachers(), {});
  ASSERT_EQ(bridges.size(), 1u);
  // The bridge scores 0.5, below an inferred join's usual threshold, and still is an edge.
  EdgeWeights weights;
  weights.min_inferred_score = 0.6;
  EXPECT_EQ(JoinGraph::EdgeCost(bridges[0], weights), weights.bridge);
  JoinGraph alone = JoinGraph::Build(bridges, weights);
  auto plan = FindJoinPlan(alone, {{"s", "liste"}, {"s", "lehrer"}});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->best.joins.size(), 1u);
  EXPECT_EQ(plan->best.joins[0].evidence["bridge"], true);
  EXPECT_NE(
      plan->best.sql.find(R"(JOIN "s"."lehrer" AS l2 ON l2."klassenzimmer" = l."klassenzimmer")"),
      std::string::npos)
      << plan->best.sql;
  // A chain of three key joins through other tables costs less than the bridge.
  std::vector<Join> joins = bridges;
  for (auto [from, to] : {std::pair{"liste", "a"}, {"a", "b"}, {"lehrer", "b"}}) {
    Join j = KeyJoin(from, to, JoinKind::kInferred);
    j.score = 0.7;
    joins.push_back(j);
  }
  JoinGraph both = JoinGraph::Build(joins, weights);
  PathOptions options;
  options.drop_pass_through = false;
  auto chain = FindJoinPlan(both, {{"s", "liste"}, {"s", "lehrer"}}, options);
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  EXPECT_EQ(chain->best.joins.size(), 3u);
  for (const Join& j : chain->best.joins) EXPECT_FALSE(j.evidence.value("bridge", false));
}

}  // namespace
}  // namespace cairn::context
