#include "context/join_path.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <random>
#include <set>

#include "context/internal/shortest_paths.h"
#include "context/join_graph.h"
#include "context/join_store.h"
#include "core/config.h"
#include "engine/catalog.h"
#include "engine/session.h"
#include "store/pg_testing.h"
#include "store/state_db.h"

namespace cairn::context {
namespace {

namespace fs = std::filesystem;

Join MakeJoin(const std::string& from, const std::vector<std::string>& from_columns,
              const std::string& to, const std::vector<std::string>& to_columns, JoinKind kind,
              double score = 1.0) {
  Join join;
  join.from = {"s", from, from_columns};
  join.to = {"s", to, to_columns};
  join.kind = kind;
  join.score = kind == JoinKind::kInferred ? score : 1.0;
  return join;
}

Join Declared(const std::string& from, const std::string& to, const std::string& column = "") {
  std::string c = column.empty() ? to + "_id" : column;
  return MakeJoin(from, {c}, to, {c}, JoinKind::kDeclared);
}

Join Inferred(const std::string& from, const std::string& to, double score) {
  return MakeJoin(from, {to + "_id"}, to, {to + "_id"}, JoinKind::kInferred, score);
}

TableRef T(const std::string& table) { return {"s", table}; }

// Stores `joins` in a fresh in-memory JoinStore and builds the graph from its List(), the way
// `cairn path` does.
JoinGraph GraphThroughStore(const std::vector<Join>& joins,
                            const std::vector<std::pair<Join, JoinKind>>& verdicts = {}) {
  auto db = store::StateDb::Open(":memory:");
  EXPECT_TRUE(db.ok());
  auto store = JoinStore::Open(db->get());
  EXPECT_TRUE(store.ok());
  EXPECT_TRUE(store->ReplaceDiscovered(joins).ok());
  for (const auto& [join, verdict] : verdicts) {
    EXPECT_TRUE(store->SetVerdict(join.from, join.to, verdict, "ana", "").ok());
  }
  auto list = store->List();
  EXPECT_TRUE(list.ok());
  return JoinGraph::Build(*list);
}

// The search's own trees, pass-through tables kept.
PathOptions Literal() {
  PathOptions options;
  options.drop_pass_through = false;
  return options;
}

std::vector<std::string> Tables(const JoinTree& tree) {
  std::vector<std::string> out;
  for (const auto& t : tree.tables) out.push_back(t.table);
  return out;
}

TEST(JoinPathTest, PrefersDeclaredOverInferred) {
  // a -> b directly (inferred, 0.95: cost 1.1) or a -> c -> b (declared: 0.5 + 0.5).
  JoinGraph graph =
      GraphThroughStore({Inferred("a", "b", 0.95), Declared("a", "c"),
                         MakeJoin("c", {"b_id"}, "b", {"b_id"}, JoinKind::kDeclared)});
  auto plan = FindJoinPlan(graph, {T("a"), T("b")});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(Tables(plan->best), (std::vector<std::string>{"a", "c", "b"}));
  EXPECT_DOUBLE_EQ(plan->best.cost, 1.0);
  EXPECT_EQ(plan->best.sql,
            "SELECT *\nFROM \"s\".\"a\" AS a\nJOIN \"s\".\"c\" AS c ON c.\"c_id\" = a.\"c_id\"\n"
            "JOIN \"s\".\"b\" AS b ON b.\"b_id\" = c.\"b_id\"");
  // The direct inferred join (1.1) is within the margin: an alternative.
  ASSERT_EQ(plan->alternatives.size(), 1u);
  EXPECT_EQ(Tables(plan->alternatives[0]), (std::vector<std::string>{"a", "b"}));
  EXPECT_NEAR(plan->alternatives[0].cost, 1.1, 1e-9);

  // A better scored inferred join beats a worse one.
  JoinGraph inferred =
      GraphThroughStore({Inferred("a", "b", 0.5), Inferred("a", "c", 0.99),
                         MakeJoin("c", {"b_id"}, "b", {"b_id"}, JoinKind::kInferred, 0.99)});
  auto by_score = FindJoinPlan(inferred, {T("a"), T("b")});
  ASSERT_TRUE(by_score.ok());
  EXPECT_EQ(Tables(by_score->best), (std::vector<std::string>{"a", "b"}));
}

TEST(JoinPathTest, ConfirmedJoinCostsAsDeclared) {
  Join weak = Inferred("a", "b", 0.3);
  JoinGraph graph = GraphThroughStore({weak, Inferred("a", "c", 0.9), Inferred("c", "b", 0.9)},
                                      {{weak, JoinKind::kConfirmed}});
  auto plan = FindJoinPlan(graph, {T("a"), T("b")});
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->best.joins.size(), 1u);
  EXPECT_EQ(plan->best.joins[0].kind, JoinKind::kConfirmed);
  EXPECT_DOUBLE_EQ(plan->best.cost, 0.5);
  EXPECT_TRUE(plan->alternatives.empty());
}

// Two nodes on one PostgreSQL state: a join confirmed through A (and one rejected) shapes the
// paths B plans, after B's own rediscovery.
TEST(JoinPathTest, VerdictsThroughOneNodeShapeAnothersPaths) {
  CAIRN_NEED_TEST_PG();
  store::TestPgDatabase pg;
  auto a = pg.Open();
  auto b = pg.Open();
  ASSERT_TRUE(a.ok() && b.ok()) << a.status().ToString() << b.status().ToString();
  auto store_a = JoinStore::Open(a->get());
  auto store_b = JoinStore::Open(b->get());
  ASSERT_TRUE(store_a.ok() && store_b.ok());
  Join weak = Inferred("a", "b", 0.3);
  Join middle = Inferred("a", "c", 0.9);
  const std::vector<Join> discovered = {weak, middle, Inferred("c", "b", 0.9)};
  ASSERT_TRUE(store_a->ReplaceDiscovered(discovered).ok());
  ASSERT_TRUE(store_a->SetVerdict(weak.from, weak.to, JoinKind::kConfirmed, "ana", "").ok());
  ASSERT_TRUE(store_b->ReplaceDiscovered(discovered).ok());
  auto listed = store_b->List();
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  auto plan = FindJoinPlan(JoinGraph::Build(*listed), {T("a"), T("b")});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->best.joins.size(), 1u);
  EXPECT_EQ(plan->best.joins[0].kind, JoinKind::kConfirmed);
  EXPECT_DOUBLE_EQ(plan->best.cost, 0.5);

  ASSERT_TRUE(store_a->SetVerdict(weak.from, weak.to, JoinKind::kRejected, "ana", "wrong").ok());
  listed = store_b->List();
  ASSERT_TRUE(listed.ok());
  plan = FindJoinPlan(JoinGraph::Build(*listed), {T("a"), T("b")});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Tables(plan->best), (std::vector<std::string>{"a", "c", "b"}));
}

TEST(JoinPathTest, RejectedJoinsAreNeverUsed) {
  Join direct = Declared("a", "b");
  JoinGraph graph = GraphThroughStore({direct, Inferred("a", "c", 0.4), Inferred("c", "b", 0.4)},
                                      {{direct, JoinKind::kRejected}});
  auto plan = FindJoinPlan(graph, {T("a"), T("b")});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Tables(plan->best), (std::vector<std::string>{"a", "c", "b"}));
  for (const auto& tree : plan->alternatives) {
    for (const auto& join : tree.joins) EXPECT_NE(join.kind, JoinKind::kRejected);
  }

  JoinGraph only_rejected =
      GraphThroughStore({direct, Declared("c", "d")}, {{direct, JoinKind::kRejected}});
  // a and b are no longer nodes: nothing usable touches them.
  auto none = FindJoinPlan(only_rejected, {T("a"), T("b")});
  EXPECT_EQ(none.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(none.status().message(), "unknown table 's.a'");
}

TEST(JoinPathTest, CompositeJoinsAreAnded) {
  JoinGraph graph = GraphThroughStore({MakeJoin("order_lines", {"order_no", "year"}, "orders",
                                                {"number", "year"}, JoinKind::kDeclared)});
  auto plan = FindJoinPlan(graph, {T("orders"), T("order_lines")});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->best.sql,
            "SELECT *\nFROM \"s\".\"orders\" AS o\nJOIN \"s\".\"order_lines\" AS ol ON "
            "ol.\"order_no\" = o.\"number\" AND ol.\"year\" = o.\"year\"");
}

TEST(JoinPathTest, SteinerTreesForThreeAndFourTables) {
  // A star around a hub, plus a long way round between the leaves.
  std::vector<Join> joins = {Declared("a", "hub"),    Declared("b", "hub"),
                             Declared("c", "hub"),    Declared("d", "hub"),
                             Inferred("a", "x", 0.5), Inferred("b", "x", 0.5),
                             Inferred("c", "x", 0.5)};
  JoinGraph graph = GraphThroughStore(joins);
  auto three = FindJoinPlan(graph, {T("a"), T("b"), T("c")}, Literal());
  ASSERT_TRUE(three.ok()) << three.status().ToString();
  EXPECT_EQ(Tables(three->best), (std::vector<std::string>{"a", "hub", "b", "c"}));
  EXPECT_DOUBLE_EQ(three->best.cost, 1.5);
  EXPECT_TRUE(three->alternatives.empty());  // the detour over x costs 6

  auto four = FindJoinPlan(graph, {T("d"), T("a"), T("b"), T("c")}, Literal());
  ASSERT_TRUE(four.ok());
  EXPECT_EQ(four->best.joins.size(), 4u);
  EXPECT_DOUBLE_EQ(four->best.cost, 2.0);
  EXPECT_EQ(four->best.tables.front(), T("d"));

  // Joined in the order given where the tree allows it.
  auto ordered = FindJoinPlan(graph, {T("hub"), T("d"), T("a"), T("c")});
  ASSERT_TRUE(ordered.ok());
  EXPECT_EQ(Tables(ordered->best), (std::vector<std::string>{"hub", "d", "a", "c"}));
  auto through = FindJoinPlan(graph, {T("a"), T("d"), T("b")}, Literal());
  ASSERT_TRUE(through.ok());
  EXPECT_EQ(Tables(through->best), (std::vector<std::string>{"a", "hub", "d", "b"}));

  // A chain: the middle table is a given table, no Steiner node needed.
  JoinGraph chain = GraphThroughStore(
      {Declared("a", "b"), Declared("b", "c"), Declared("c", "d"), Declared("d", "e")});
  auto spread = FindJoinPlan(chain, {T("a"), T("e"), T("c")});
  ASSERT_TRUE(spread.ok());
  EXPECT_EQ(spread->best.joins.size(), 4u);
  EXPECT_EQ(spread->best.tables.size(), 5u);
}

TEST(JoinPathTest, EqualCostPathsAreAlternatives) {
  JoinGraph graph = GraphThroughStore(
      {Declared("a", "x"), MakeJoin("x", {"b_id"}, "b", {"b_id"}, JoinKind::kDeclared),
       Declared("a", "y"), MakeJoin("y", {"b_id"}, "b", {"b_id"}, JoinKind::kDeclared)});
  auto plan = FindJoinPlan(graph, {T("a"), T("b")});
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->alternatives.size(), 1u);
  EXPECT_DOUBLE_EQ(plan->alternatives[0].cost, plan->best.cost);
  EXPECT_NE(Tables(plan->best), Tables(plan->alternatives[0]));
  nlohmann::json json = plan->ToJson();
  EXPECT_EQ(json["alternatives"].size(), 1u);
  EXPECT_EQ(json["alternatives"][0]["joins"].size(), 2u);
  EXPECT_TRUE(json["alternatives"][0].contains("sql"));
  EXPECT_EQ(json["joins"][0]["from"]["table"], "a");
  EXPECT_EQ(json["joins"][0]["kind"], "declared");
  EXPECT_EQ(json["tables"].size(), 3u);

  // Two parallel joins between the same tables are two choices too.
  JoinGraph parallel = GraphThroughStore(
      {Declared("flights", "airports", "origin"), Declared("flights", "airports", "destination")});
  auto two = FindJoinPlan(parallel, {T("flights"), T("airports")});
  ASSERT_TRUE(two.ok());
  ASSERT_EQ(two->alternatives.size(), 1u);
  EXPECT_NE(two->best.sql, two->alternatives[0].sql);

  // Also for three tables: b and c are each reachable over two equal hubs.
  JoinGraph hubs =
      GraphThroughStore({Declared("a", "h1"), Declared("b", "h1"), Declared("c", "h1"),
                         Declared("a", "h2"), Declared("b", "h2"), Declared("c", "h2")});
  auto three = FindJoinPlan(hubs, {T("a"), T("b"), T("c")}, Literal());
  ASSERT_TRUE(three.ok());
  EXPECT_DOUBLE_EQ(three->best.cost, 1.5);
  ASSERT_FALSE(three->alternatives.empty());
  EXPECT_DOUBLE_EQ(three->alternatives[0].cost, 1.5);
  EXPECT_LE(three->alternatives.size(), 3u);
}

TEST(JoinPathTest, Errors) {
  JoinGraph graph = GraphThroughStore({Declared("a", "b"), Declared("c", "d")});
  auto apart = FindJoinPlan(graph, {T("a"), T("c")});
  EXPECT_EQ(apart.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(apart.status().message(),
            "no join path between s.a and s.c (they are in different components)");
  auto apart3 = FindJoinPlan(graph, {T("a"), T("b"), T("d")});
  EXPECT_EQ(apart3.status().code(), StatusCode::kNotFound);
  EXPECT_NE(apart3.status().message().find("different components"), std::string::npos);

  auto unknown = FindJoinPlan(graph, {T("a"), T("zz")});
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(unknown.status().message(), "unknown table 's.zz'");
  EXPECT_EQ(FindJoinPlan(graph, {T("a")}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(FindJoinPlan(graph, {T("a"), T("a")}).status().code(), StatusCode::kInvalidArgument);

  // An isolated table given as an extra node is disconnected, not unknown.
  JoinGraph with_extra = JoinGraph::Build({Declared("a", "b")}, {}, {T("lonely")});
  auto lonely = FindJoinPlan(with_extra, {T("a"), T("lonely")});
  EXPECT_EQ(lonely.status().code(), StatusCode::kNotFound);
  EXPECT_NE(lonely.status().message().find("no join path between s.a and s.lonely"),
            std::string::npos);
}

TEST(JoinPathTest, AliasesAreShortUniqueAndNeverKeywords) {
  JoinGraph graph = GraphThroughStore(
      {MakeJoin("InvoiceLine", {"InvoiceId"}, "Invoice", {"InvoiceId"}, JoinKind::kDeclared),
       MakeJoin("Invoice", {"x"}, "items", {"x"}, JoinKind::kDeclared),
       MakeJoin("orders", {"y"}, "items", {"y"}, JoinKind::kDeclared),
       MakeJoin("orders", {"z"}, "öl", {"z"}, JoinKind::kDeclared)});
  auto plan = FindJoinPlan(graph, {T("InvoiceLine"), T("items"), T("orders"), T("öl")});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->best.aliases, (std::vector<std::string>{"il", "i", "i2", "o", "l"}));
  EXPECT_EQ(QuoteIdentifier("a\"b"), "\"a\"\"b\"");
}

TEST(JoinPathTest, PassThroughTablesAreLeftOut) {
  // Two tables that reference one key: joined directly on their columns.
  Join orders = MakeJoin("orders", {"customer_id"}, "customers", {"id"}, JoinKind::kDeclared);
  Join invoices =
      MakeJoin("invoices", {"cust"}, "customers", {"id"}, JoinKind::kInferred, /*score=*/0.8);
  JoinGraph siblings = GraphThroughStore({orders, invoices});
  auto plan = FindJoinPlan(siblings, {T("orders"), T("invoices")});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->best.sql,
            "SELECT *\nFROM \"s\".\"orders\" AS o\n"
            "JOIN \"s\".\"invoices\" AS i ON i.\"cust\" = o.\"customer_id\"");
  ASSERT_EQ(plan->best.joins.size(), 1u);
  const Join& implied = plan->best.joins[0];
  EXPECT_EQ(implied.kind, JoinKind::kImplied);
  EXPECT_EQ(JoinKindName(implied.kind), "implied");
  EXPECT_DOUBLE_EQ(implied.score, 0.8);  // the lower inferred score
  EXPECT_EQ(implied.evidence["through"], "s.customers.id");
  EXPECT_EQ(implied.evidence["joins"].size(), 2u);
  // Its cost: the two joins' (0.5 + 1.4) less 0.01.
  EXPECT_NEAR(plan->best.cost, 1.89, 1e-9);
  auto literal = FindJoinPlan(siblings, {T("orders"), T("invoices")}, Literal());
  ASSERT_TRUE(literal.ok());
  EXPECT_EQ(Tables(literal->best), (std::vector<std::string>{"orders", "customers", "invoices"}));
  // A given table is never left out.
  auto given = FindJoinPlan(siblings, {T("orders"), T("customers"), T("invoices")});
  ASSERT_TRUE(given.ok());
  EXPECT_EQ(given->best.tables.size(), 3u);
  for (const Join& join : given->best.joins) EXPECT_NE(join.kind, JoinKind::kImplied);

  // A composite key passed on upwards: attendance -> registrations (student_id, course_id) ->
  // courses (course_id). The referenced key of the chain stays the referenced side.
  JoinGraph chain = GraphThroughStore(
      {MakeJoin("attendance", {"student_id", "course_id"}, "registrations",
                {"student_id", "course_id"}, JoinKind::kDeclared),
       MakeJoin("registrations", {"course_id"}, "courses", {"course_id"}, JoinKind::kDeclared),
       MakeJoin("registrations", {"student_id"}, "students", {"student_id"}, JoinKind::kDeclared)});
  auto up = FindJoinPlan(chain, {T("courses"), T("attendance")});
  ASSERT_TRUE(up.ok());
  EXPECT_EQ(up->best.sql,
            "SELECT *\nFROM \"s\".\"courses\" AS c\n"
            "JOIN \"s\".\"attendance\" AS a ON a.\"course_id\" = c.\"course_id\"");
  EXPECT_EQ(up->best.joins[0].from.table, "attendance");
  EXPECT_EQ(up->best.joins[0].to.table, "courses");
  // Three tables around the key: a star on the first neighbour; no table left over.
  JoinGraph star = GraphThroughStore(
      {Declared("a", "hub"), Declared("b", "hub"), Declared("c", "hub"), Declared("d", "hub")});
  auto three = FindJoinPlan(star, {T("a"), T("b"), T("c")});
  ASSERT_TRUE(three.ok());
  EXPECT_EQ(Tables(three->best), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_NEAR(three->best.cost, 2 * (1.0 - 0.01), 1e-9);

  // Not left out: a middle table joined on two of its columns (a -> x.x_id, x.b_id -> b), or
  // passing a value through two different columns of a chain (students -> registrations ->
  // courses takes student_id in and course_id out).
  JoinGraph middle = GraphThroughStore(
      {Declared("a", "x"), MakeJoin("x", {"b_id"}, "b", {"b_id"}, JoinKind::kDeclared)});
  auto kept = FindJoinPlan(middle, {T("a"), T("b")});
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(Tables(kept->best), (std::vector<std::string>{"a", "x", "b"}));
  auto across = FindJoinPlan(chain, {T("students"), T("courses")});
  ASSERT_TRUE(across.ok());
  EXPECT_EQ(Tables(across->best),
            (std::vector<std::string>{"students", "registrations", "courses"}));
}

TEST(JoinPathTest, NamedColumnsBreakTiesNeverCost) {
  // Two equally cheap joins between flights and airports: the one over the named column wins.
  JoinGraph graph = GraphThroughStore(
      {MakeJoin("flights", {"origin"}, "airports", {"id"}, JoinKind::kDeclared),
       MakeJoin("flights", {"destination"}, "airports", {"id"}, JoinKind::kDeclared)});
  auto unnamed = FindJoinPlan(graph, {T("airports"), T("flights")});
  ASSERT_TRUE(unnamed.ok());
  ASSERT_EQ(unnamed->best.joins.size(), 1u);
  for (const std::string column : {"destination", "ORIGIN"}) {
    PathOptions options;
    options.named_columns = {{T("flights"), column}};
    auto plan = FindJoinPlan(graph, {T("airports"), T("flights")}, options);
    ASSERT_TRUE(plan.ok());
    ASSERT_EQ(plan->best.joins.size(), 1u);
    std::string lower = column;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(plan->best.joins[0].from.columns[0], lower);
    ASSERT_EQ(plan->alternatives.size(), 1u);  // the other role stays an alternative
  }
  // A named column of another table, or one no join uses, changes nothing.
  PathOptions elsewhere;
  elsewhere.named_columns = {{T("airports"), "destination"}, {T("flights"), "carrier"}};
  auto same = FindJoinPlan(graph, {T("airports"), T("flights")}, elsewhere);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->best.sql, unnamed->best.sql);
  // Never a costlier tree: a cheap declared join beats a named inferred one.
  JoinGraph costly = GraphThroughStore(
      {MakeJoin("flights", {"origin"}, "airports", {"id"}, JoinKind::kDeclared),
       MakeJoin("flights", {"destination"}, "airports", {"id"}, JoinKind::kInferred, 0.9)});
  PathOptions named;
  named.named_columns = {{T("flights"), "destination"}};
  auto cheap = FindJoinPlan(costly, {T("airports"), T("flights")}, named);
  ASSERT_TRUE(cheap.ok());
  EXPECT_EQ(cheap->best.joins[0].from.columns[0], "origin");
}

TEST(JoinPathTest, RecipeReadsBreakTiesAfterNamedColumnsNeverCost) {
  JoinGraph graph = GraphThroughStore(
      {MakeJoin("flights", {"origin"}, "airports", {"id"}, JoinKind::kDeclared),
       MakeJoin("flights", {"destination"}, "airports", {"id"}, JoinKind::kDeclared)});
  auto plain = FindJoinPlan(graph, {T("airports"), T("flights")});
  ASSERT_TRUE(plain.ok());
  ASSERT_EQ(plain->best.joins.size(), 1u);
  // Whichever role the default picks, recipes that joined over the other one turn it.
  const std::string other =
      plain->best.joins[0].from.columns[0] == "origin" ? "destination" : "origin";
  const std::vector<PathOptions::NamedColumn> over_other = {
      {T("flights"), other}, {T("airports"), "ID"}, {T("airports"), "name"}};
  const std::vector<PathOptions::NamedColumn> over_default = {
      {T("flights"), plain->best.joins[0].from.columns[0]}, {T("airports"), "id"}};
  PathOptions used;
  const std::vector<std::vector<PathOptions::NamedColumn>> recipes = {over_other, over_other,
                                                                      over_default};
  used.recipe_reads = recipes;
  auto plan = FindJoinPlan(graph, {T("airports"), T("flights")}, used);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->best.joins[0].from.columns[0], other);
  ASSERT_EQ(plan->alternatives.size(), 1u);
  // A recipe must read both sides: the role column alone (a filter on it) does not count.
  PathOptions one_side;
  const std::vector<std::vector<PathOptions::NamedColumn>> filters = {{{T("flights"), other}},
                                                                      {{T("flights"), other}}};
  one_side.recipe_reads = filters;
  auto unchanged = FindJoinPlan(graph, {T("airports"), T("flights")}, one_side);
  ASSERT_TRUE(unchanged.ok());
  EXPECT_EQ(unchanged->best.sql, plain->best.sql);
  // The question's named columns come first.
  used.named_columns = {{T("flights"), plain->best.joins[0].from.columns[0]}};
  auto named = FindJoinPlan(graph, {T("airports"), T("flights")}, used);
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->best.sql, plain->best.sql);
  // Never a costlier tree: a declared join beats an inferred one every recipe used.
  JoinGraph costly = GraphThroughStore(
      {MakeJoin("flights", {"origin"}, "airports", {"id"}, JoinKind::kDeclared),
       MakeJoin("flights", {"destination"}, "airports", {"id"}, JoinKind::kInferred, 0.9)});
  PathOptions all_used;
  const std::vector<std::vector<PathOptions::NamedColumn>> inferred = {
      {{T("flights"), "destination"}, {T("airports"), "id"}}};
  all_used.recipe_reads = inferred;
  auto cheap = FindJoinPlan(costly, {T("airports"), T("flights")}, all_used);
  ASSERT_TRUE(cheap.ok());
  EXPECT_EQ(cheap->best.joins[0].from.columns[0], "origin");
}

// Alice's friends: person_freund(name, freund) both reference person.name. A question that
// compares person_freund.name with 'Alice' starts from that column, so it joins people on freund.
TEST(JoinPathTest, FixedColumnsBreakTiesAgainstJoiningOverThem) {
  JoinGraph graph = GraphThroughStore(
      {MakeJoin("person_freund", {"name"}, "person", {"name"}, JoinKind::kDeclared),
       MakeJoin("person_freund", {"freund"}, "person", {"name"}, JoinKind::kDeclared)});
  for (const std::string fixed : {"name", "FREUND"}) {
    PathOptions options;
    options.fixed_columns = {{T("person_freund"), fixed}};
    auto plan = FindJoinPlan(graph, {T("person"), T("person_freund")}, options);
    ASSERT_TRUE(plan.ok());
    ASSERT_EQ(plan->best.joins.size(), 1u);
    EXPECT_EQ(plan->best.joins[0].from.columns[0], fixed == "name" ? "freund" : "name");
    EXPECT_EQ(plan->tied, 1);
    EXPECT_EQ(plan->decided_by, "fixed columns");
  }
  // The fixed value of the other side (person.name = 'Alice') is in both trees: still a tie.
  PathOptions other_side;
  other_side.fixed_columns = {{T("person"), "name"}};
  auto tie = FindJoinPlan(graph, {T("person"), T("person_freund")}, other_side);
  ASSERT_TRUE(tie.ok());
  EXPECT_EQ(tie->decided_by, "order");
  // Named columns come first: a question that names freund and fixes it joins over it.
  PathOptions both;
  both.named_columns = {{T("person_freund"), "freund"}};
  both.fixed_columns = {{T("person_freund"), "freund"}};
  auto named = FindJoinPlan(graph, {T("person"), T("person_freund")}, both);
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->best.joins[0].from.columns[0], "freund");
  EXPECT_EQ(named->decided_by, "named columns");
  // Never a costlier tree: a declared join over the fixed column beats an inferred one.
  JoinGraph costly = GraphThroughStore(
      {MakeJoin("person_freund", {"name"}, "person", {"name"}, JoinKind::kDeclared),
       MakeJoin("person_freund", {"freund"}, "person", {"name"}, JoinKind::kInferred, 0.9)});
  PathOptions fixed_name;
  fixed_name.fixed_columns = {{T("person_freund"), "name"}};
  auto cheap = FindJoinPlan(costly, {T("person"), T("person_freund")}, fixed_name);
  ASSERT_TRUE(cheap.ok());
  EXPECT_EQ(cheap->best.joins[0].from.columns[0], "name");
}

// A plan says when its best tree only won a tie, and by which rule: an agent told "order" knows
// the question must decide (here, which airport it is about).
TEST(JoinPathTest, APlanSaysWhichRuleDecidedATie) {
  JoinGraph graph = GraphThroughStore(
      {MakeJoin("flights", {"origin"}, "airports", {"id"}, JoinKind::kDeclared),
       MakeJoin("flights", {"destination"}, "airports", {"id"}, JoinKind::kDeclared),
       MakeJoin("flights", {"carrier"}, "carriers", {"id"}, JoinKind::kInferred, 0.9),
       MakeJoin("flights", {"operator"}, "carriers", {"id"}, JoinKind::kInferred, 0.85),
       MakeJoin("flights", {"aircraft"}, "aircraft", {"id"}, JoinKind::kInferred, 0.8)});
  auto tie = FindJoinPlan(graph, {T("airports"), T("flights")});
  ASSERT_TRUE(tie.ok());
  EXPECT_EQ(tie->tied, 1);
  EXPECT_EQ(tie->decided_by, "order");
  nlohmann::json json = tie->ToJson();
  EXPECT_EQ(json["tied"], 1);
  EXPECT_EQ(json["decided_by"], "order");
  ASSERT_EQ(json["alternatives"].size(), 1u);
  EXPECT_EQ(json["alternatives"][0]["same_cost"], true);

  PathOptions named;
  named.named_columns = {{T("flights"), "destination"}};
  auto by_name = FindJoinPlan(graph, {T("airports"), T("flights")}, named);
  ASSERT_TRUE(by_name.ok());
  EXPECT_EQ(by_name->tied, 1);
  EXPECT_EQ(by_name->decided_by, "named columns");

  PathOptions remembered;
  const std::vector<std::vector<PathOptions::NamedColumn>> recipes = {
      {{T("flights"), "origin"}, {T("airports"), "id"}}};
  remembered.recipe_reads = recipes;
  auto by_recipes = FindJoinPlan(graph, {T("airports"), T("flights")}, remembered);
  ASSERT_TRUE(by_recipes.ok());
  EXPECT_EQ(by_recipes->decided_by, "recipes");
  EXPECT_EQ(by_recipes->best.joins[0].from.columns[0], "origin");

  // One way only: decided by cost, nothing tied.
  auto clear = FindJoinPlan(graph, {T("aircraft"), T("flights")});
  ASSERT_TRUE(clear.ok());
  EXPECT_TRUE(clear->alternatives.empty());
  EXPECT_EQ(clear->tied, 0);
  EXPECT_EQ(clear->decided_by, "cost");
  EXPECT_EQ(clear->ToJson()["tied"], 0);
  // A costlier alternative (the lower-scored join) is listed, but not as tied.
  auto costlier = FindJoinPlan(graph, {T("carriers"), T("flights")});
  ASSERT_TRUE(costlier.ok());
  ASSERT_EQ(costlier->alternatives.size(), 1u);
  EXPECT_EQ(costlier->best.joins[0].from.columns[0], "carrier");
  EXPECT_EQ(costlier->tied, 0);
  EXPECT_EQ(costlier->decided_by, "cost");
  EXPECT_EQ(costlier->ToJson()["alternatives"][0]["same_cost"], false);

  // No alternative searched: nothing is claimed.
  PathOptions alone;
  alone.max_alternatives = 0;
  auto single = FindJoinPlan(graph, {T("airports"), T("flights")}, alone);
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(single->tied, 0);
  EXPECT_EQ(single->decided_by, "");
  EXPECT_FALSE(single->ToJson().contains("decided_by"));
}

TEST(JoinPathTest, EvidenceBreaksTiesTheQuestionLeavesOpen) {
  // A declared and a confirmed join cost alike (0.5): the declared one wins, whichever comes
  // first.
  Join confirmed = MakeJoin("a", {"x"}, "b", {"x"}, JoinKind::kInferred, 0.7);
  JoinGraph kinds =
      GraphThroughStore({confirmed, MakeJoin("a", {"y"}, "b", {"y"}, JoinKind::kDeclared)},
                        {{confirmed, JoinKind::kConfirmed}});
  auto by_kind = FindJoinPlan(kinds, {T("a"), T("b")});
  ASSERT_TRUE(by_kind.ok()) << by_kind.status().ToString();
  ASSERT_EQ(by_kind->best.joins.size(), 1u);
  EXPECT_EQ(by_kind->best.joins[0].kind, JoinKind::kDeclared);
  EXPECT_EQ(by_kind->tied, 1);
  EXPECT_EQ(by_kind->decided_by, "evidence");

  // Two inferred joins of one score: the one whose values were seen to agree wins over one
  // that only the names make (an empty table: containment 0.5, "none").
  Join named_only = MakeJoin("a", {"p"}, "b", {"p"}, JoinKind::kInferred, 0.85);
  named_only.evidence = {{"name", 1.0}, {"containment", 0.5}, {"containment_method", "none"}};
  Join contained = MakeJoin("a", {"q"}, "b", {"q"}, JoinKind::kInferred, 0.85);
  contained.evidence = {{"name", 0.8}, {"containment", 1.0}, {"containment_method", "exact"}};
  JoinGraph inferred = GraphThroughStore({named_only, contained});
  auto by_values = FindJoinPlan(inferred, {T("a"), T("b")});
  ASSERT_TRUE(by_values.ok()) << by_values.status().ToString();
  EXPECT_EQ(by_values->best.joins[0].from.columns[0], "q");
  EXPECT_EQ(by_values->decided_by, "evidence");

  // The columns a question names come first.
  PathOptions named;
  named.named_columns = {{T("a"), "p"}};
  auto by_name = FindJoinPlan(inferred, {T("a"), T("b")}, named);
  ASSERT_TRUE(by_name.ok());
  EXPECT_EQ(by_name->best.joins[0].from.columns[0], "p");
  EXPECT_EQ(by_name->decided_by, "named columns");
}

TEST(JoinPathTest, TiesAreBrokenAlikeEveryTime) {
  // Two equal hubs: from every start the lower-numbered hub (h1) is reached first, so the best
  // tree is the star through h1 and the one through h2 is an alternative.
  std::vector<Join> joins = {Declared("a", "h2"), Declared("b", "h2"), Declared("c", "h2"),
                             Declared("a", "h1"), Declared("b", "h1"), Declared("c", "h1")};
  JoinGraph graph = GraphThroughStore(joins);
  auto plan = FindJoinPlan(graph, {T("c"), T("a"), T("b")}, Literal());
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Tables(plan->best), (std::vector<std::string>{"c", "h1", "a", "b"}));
  ASSERT_FALSE(plan->alternatives.empty());
  EXPECT_EQ(Tables(plan->alternatives[0]), (std::vector<std::string>{"c", "h2", "a", "b"}));
  // The same answer on every call, and whatever order the joins were stored in (only the
  // joins' store ids differ then).
  auto again = FindJoinPlan(graph, {T("c"), T("a"), T("b")}, Literal());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->ToJson(), plan->ToJson());
  std::reverse(joins.begin(), joins.end());
  auto reversed = FindJoinPlan(GraphThroughStore(joins), {T("c"), T("a"), T("b")}, Literal());
  ASSERT_TRUE(reversed.ok());
  EXPECT_EQ(reversed->best.sql, plan->best.sql);
  ASSERT_EQ(reversed->alternatives.size(), plan->alternatives.size());
  for (size_t i = 0; i < plan->alternatives.size(); ++i) {
    EXPECT_EQ(reversed->alternatives[i].sql, plan->alternatives[i].sql);
  }
}

// ---- The searches behind the heuristic (context/internal/shortest_paths.h). ----

std::string Name(int i) { return "t" + std::to_string(1000 + i); }

// A connected graph of `n` tables, each referencing one to three earlier ones; with `ties`,
// joins cost 0.5 or 1.0 (many equal-cost paths), else scores are drawn so that no two paths cost
// the same.
JoinGraph RandomGraph(int n, uint64_t seed, bool ties) {
  std::mt19937_64 random(seed);
  std::vector<Join> joins;
  for (int i = 1; i < n; ++i) {
    std::set<int> targets;
    for (int r = 0, count = 1 + static_cast<int>(random() % 3); r < count; ++r) {
      targets.insert(static_cast<int>(random() % static_cast<uint64_t>(i)));
    }
    for (int target : targets) {
      if (ties) {
        joins.push_back(random() % 2 == 0 ? Declared(Name(i), Name(target))
                                          : Inferred(Name(i), Name(target), 1.0));
      } else {
        double score = 0.5 + static_cast<double>(random() % 1000000) / 2000000.0;
        joins.push_back(Inferred(Name(i), Name(target), score));
      }
    }
  }
  return JoinGraph::Build(joins);
}

using internal::Bans;
using internal::GrowingSearch;
using internal::kEpsilon;
using internal::kInfinity;
using internal::ShortestPaths;
using internal::TowardsNearest;

TEST(ShortestPathsTest, GrowingSearchGrownInPiecesEqualsOneFullRun) {
  for (bool ties : {true, false}) {
    JoinGraph graph = RandomGraph(300, 7, ties);
    int n = static_cast<int>(graph.tables().size());
    std::mt19937_64 random(11);
    for (int source : {0, 17, 150, n - 1}) {
      ShortestPaths full(graph.tables().size());
      internal::Dijkstra(
          graph, {source}, Bans(), [](int) { return false; }, &full);
      GrowingSearch search(graph, source);
      double radius = 0;
      for (int piece = 0; piece < 20; ++piece) {
        int node = static_cast<int>(random() % static_cast<uint64_t>(n));
        double at_least = static_cast<double>(random() % 8);
        if (search.Reach(node, at_least)) {
          EXPECT_EQ(search.distance(node), full.distance[node]);
        } else {
          EXPECT_GE(search.radius(), at_least);  // the node is at least that far
          EXPECT_GE(full.distance[node], search.radius());
        }
        EXPECT_GE(search.radius(), radius);  // never shrinks
        radius = search.radius();
      }
      while (search.Step() >= 0) {
      }
      EXPECT_EQ(search.radius(), kInfinity);
      for (int node = 0; node < n; ++node) {
        ASSERT_TRUE(search.settled(node));
        EXPECT_EQ(search.distance(node), full.distance[node]) << node;
        EXPECT_EQ(search.parent_edge(node), full.parent_edge[node]) << node;
      }
    }
  }
}

TEST(ShortestPathsTest, TowardsNearestIsTheExactBoundWithinTheLimit) {
  JoinGraph graph = RandomGraph(200, 5, /*ties=*/true);
  int n = static_cast<int>(graph.tables().size());
  std::vector<int> targets = {3, 120, 199};
  std::vector<GrowingSearch> searches;
  std::vector<std::vector<double>> exact;
  for (int target : targets) {
    searches.emplace_back(graph, target);
    ShortestPaths full(graph.tables().size());
    internal::Dijkstra(
        graph, {target}, Bans(), [](int) { return false; }, &full);
    exact.push_back(full.distance);
  }
  const double limit = 3.0;
  TowardsNearest bound({&searches[0], &searches[1], &searches[2]}, limit);
  for (double walked : {0.0, 1.0, 2.5}) {
    for (int node = 0; node < n; ++node) {
      double nearest = std::min({exact[0][node], exact[1][node], exact[2][node]});
      double expected = walked + nearest > limit + kEpsilon ? kInfinity : nearest;
      EXPECT_EQ(bound(node, walked), expected) << node << " after " << walked;
    }
  }
  // A* guided by it finds the same distances as plain Dijkstra, with an edge banned.
  for (int source : {0, 50, 77}) {
    Bans bans;
    bans.edges.push_back(source);
    ShortestPaths plain(graph.tables().size()), guided(graph.tables().size());
    auto at_target = [&](int node) {
      return std::find(targets.begin(), targets.end(), node) != targets.end();
    };
    internal::Dijkstra(graph, {source}, bans, at_target, &plain);
    internal::Dijkstra(graph, {source}, bans, at_target, &guided, kInfinity,
                       TowardsNearest({&searches[0], &searches[1], &searches[2]}, kInfinity));
    double plain_best = kInfinity, guided_best = kInfinity;
    for (int target : targets) {
      if (plain.done[target]) plain_best = std::min(plain_best, plain.distance[target]);
      if (guided.done[target]) guided_best = std::min(guided_best, guided.distance[target]);
    }
    EXPECT_NEAR(guided_best, plain_best, 1e-9) << source;
  }
}

// The nodes of the shortest-path heuristic from one start, the plain way: Dijkstra from the tree
// built so far until a terminal not yet in it is settled.
std::set<int> SearchedGreedyNodes(const JoinGraph& graph, const std::vector<int>& terminals,
                                  size_t start) {
  std::set<int> nodes = {terminals[start]};
  std::set<int> left(terminals.begin(), terminals.end());
  left.erase(terminals[start]);
  ShortestPaths paths(graph.tables().size());
  while (!left.empty()) {
    int reached = -1;
    internal::Dijkstra(
        graph, std::vector<int>(nodes.begin(), nodes.end()), Bans(),
        [&](int node) { return left.count(node) > 0 ? (reached = node, true) : false; }, &paths);
    EXPECT_GE(reached, 0);
    if (reached < 0) break;
    left.erase(reached);
    for (int e : internal::WalkBack(graph, paths, reached)) {
      nodes.insert(graph.edges()[e].a);
      nodes.insert(graph.edges()[e].b);
    }
  }
  return nodes;
}

TEST(ShortestPathsTest, GreedyNodesReadOffTheSearchesEqualTheSearchedOnes) {
  // Without equal-cost paths the tree each start grows is unique, however it is found.
  for (uint64_t seed : {1, 2, 3}) {
    JoinGraph graph = RandomGraph(400, seed, /*ties=*/false);
    std::mt19937_64 random(seed);
    for (int query = 0; query < 10; ++query) {
      std::set<int> chosen;
      while (chosen.size() < static_cast<size_t>(3 + query % 2)) {
        chosen.insert(static_cast<int>(random() % graph.tables().size()));
      }
      std::vector<int> terminals(chosen.begin(), chosen.end());
      std::shuffle(terminals.begin(), terminals.end(), random);
      std::vector<GrowingSearch> searches;
      for (int terminal : terminals) searches.emplace_back(graph, terminal);
      std::vector<char> in_tree(graph.tables().size(), 0);
      for (size_t start = 0; start < terminals.size(); ++start) {
        int unreachable = -1;
        auto nodes =
            internal::GreedyNodes(graph, terminals, start, searches, &in_tree, &unreachable);
        ASSERT_TRUE(nodes.has_value());
        EXPECT_EQ(*nodes, SearchedGreedyNodes(graph, terminals, start))
            << "seed " << seed << " query " << query << " start " << start;
      }
      EXPECT_EQ(std::count(in_tree.begin(), in_tree.end(), 1), 0);
    }
  }
}

// ---- Real databases: declared foreign keys of Chinook and Northwind. ----

fs::path TestData() { return fs::path(CAIRN_TEST_DATA); }

// The declared foreign keys of an SQLite file as joins of `source`.
std::vector<Join> DeclaredForeignKeys(const fs::path& file, const std::string& source) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db,
                               "SELECT m.name, p.id, p.\"table\", p.\"from\", p.\"to\" FROM "
                               "sqlite_master m, pragma_foreign_key_list(m.name) p WHERE "
                               "m.type = 'table' ORDER BY m.name, p.id, p.seq",
                               -1, &stmt, nullptr),
            SQLITE_OK);
  std::map<std::pair<std::string, int>, Join> by_key;
  auto text = [&](int column) {
    const unsigned char* value = sqlite3_column_text(stmt, column);
    return value == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(value));
  };
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    Join& join = by_key[{text(0), sqlite3_column_int(stmt, 1)}];
    join.from.source = join.to.source = source;
    join.from.table = text(0);
    join.to.table = text(2);
    join.from.columns.push_back(text(3));
    join.to.columns.push_back(text(4));
    join.kind = JoinKind::kDeclared;
    join.score = 1;
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  std::vector<Join> joins;
  for (auto& [key, join] : by_key) joins.push_back(std::move(join));
  return joins;
}

class RealDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto config = ParseConfig("version: 1\nsources:\n  chinook:\n    kind: sqlite\n    path: " +
                                  (TestData() / "chinook.sqlite").string() +
                                  "\n  northwind:\n    kind: sqlite\n    path: " +
                                  (TestData() / "northwind.sqlite").string() + "\n",
                              "/tmp/cairn.yaml");
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    auto catalog = engine::Catalog::Create(*config);
    ASSERT_TRUE(catalog.ok());
    catalog_ = std::move(*catalog);
    auto session = engine::Session::Open(catalog_.get(), engine::Principal::Admin());
    ASSERT_TRUE(session.ok());
    session_ = std::move(*session);
    std::vector<Join> joins = DeclaredForeignKeys(TestData() / "chinook.sqlite", "chinook");
    ASSERT_EQ(joins.size(), 11u);
    std::vector<Join> northwind = DeclaredForeignKeys(TestData() / "northwind.sqlite", "northwind");
    ASSERT_EQ(northwind.size(), 13u);
    joins.insert(joins.end(), northwind.begin(), northwind.end());
    graph_ = GraphThroughStore(joins);
  }

  // Runs `sql` wrapped in a count.
  int64_t CountRows(const std::string& sql) {
    auto result = session_->QueryAll("SELECT count(*) FROM (" + sql + ")");
    EXPECT_TRUE(result.ok()) << result.status().ToString() << "\n" << sql;
    if (!result.ok()) return -1;
    return result->rows[0][0].integer;
  }

  JoinTree Best(const std::vector<std::string>& names) {
    std::vector<TableRef> tables;
    for (const auto& name : names) {
      auto table = graph_.Resolve(name);
      EXPECT_TRUE(table.ok()) << table.status().ToString();
      if (table.ok()) tables.push_back(*table);
    }
    auto plan = FindJoinPlan(graph_, tables);
    EXPECT_TRUE(plan.ok()) << plan.status().ToString();
    return plan.ok() ? plan->best : JoinTree{};
  }

  std::unique_ptr<engine::Catalog> catalog_;
  std::unique_ptr<engine::Session> session_;
  JoinGraph graph_;
};

TEST_F(RealDataTest, ChinookPathsRun) {
  JoinTree tree = Best({"chinook.Track", "chinook.Artist"});
  EXPECT_EQ(tree.sql,
            "SELECT *\nFROM \"chinook\".\"Track\" AS t\n"
            "JOIN \"chinook\".\"Album\" AS a ON a.\"AlbumId\" = t.\"AlbumId\"\n"
            "JOIN \"chinook\".\"Artist\" AS a2 ON a2.\"ArtistId\" = a.\"ArtistId\"");
  EXPECT_EQ(CountRows(tree.sql), 3503);
  EXPECT_EQ(CountRows(Best({"Track", "Genre", "MediaType"}).sql), 3503);
  EXPECT_EQ(CountRows(Best({"InvoiceLine", "Genre"}).sql), 2240);
  // Seven tables, four of them given.
  JoinTree wide = Best({"Artist", "Genre", "Customer", "InvoiceLine"});
  EXPECT_EQ(wide.tables.size(), 7u);
  EXPECT_EQ(CountRows(wide.sql), 2240);
}

TEST_F(RealDataTest, NorthwindOrderDetailsIsQuoted) {
  JoinTree tree = Best({"Order Details", "Customers"});
  EXPECT_EQ(tree.sql,
            "SELECT *\nFROM \"northwind\".\"Order Details\" AS od\n"
            "JOIN \"northwind\".\"Orders\" AS o ON o.\"OrderID\" = od.\"OrderID\"\n"
            "JOIN \"northwind\".\"Customers\" AS c ON c.\"CustomerID\" = o.\"CustomerID\"");
  EXPECT_EQ(CountRows(tree.sql), 2155);
  JoinTree steiner = Best({"northwind.Order Details", "Customers", "Categories"});
  EXPECT_EQ(steiner.joins.size(), 4u);
  EXPECT_EQ(CountRows(steiner.sql), 2155);
  EXPECT_EQ(CountRows(Best({"Orders", "Regions"}).sql), 3960);
  // The two databases share no join.
  auto apart = FindJoinPlan(graph_, {{"chinook", "Track"}, {"northwind", "Orders"}});
  EXPECT_EQ(apart.status().code(), StatusCode::kNotFound);
}

TEST_F(RealDataTest, PassThroughTablesKeepTheRows) {
  // PlaylistTrack and InvoiceLine both reference Track.TrackId: joined directly, with the rows
  // of the join through Track (TrackId is its key and every reference resolves).
  JoinTree direct = Best({"PlaylistTrack", "InvoiceLine"});
  EXPECT_EQ(direct.sql,
            "SELECT *\nFROM \"chinook\".\"PlaylistTrack\" AS pt\n"
            "JOIN \"chinook\".\"InvoiceLine\" AS il ON il.\"TrackId\" = pt.\"TrackId\"");
  auto literal =
      FindJoinPlan(graph_, {{"chinook", "PlaylistTrack"}, {"chinook", "InvoiceLine"}}, Literal());
  ASSERT_TRUE(literal.ok());
  EXPECT_EQ(literal->best.tables.size(), 3u);
  int64_t rows = CountRows(direct.sql);
  EXPECT_GT(rows, 0);
  EXPECT_EQ(rows, CountRows(literal->best.sql));
  // Northwind: Orders and Employees' territories pass EmployeeID through Employees.
  JoinTree northwind = Best({"Orders", "EmployeeTerritories"});
  ASSERT_EQ(northwind.joins.size(), 1u);
  EXPECT_EQ(northwind.joins[0].kind, JoinKind::kImplied);
  auto through = FindJoinPlan(
      graph_, {{"northwind", "Orders"}, {"northwind", "EmployeeTerritories"}}, Literal());
  ASSERT_TRUE(through.ok());
  EXPECT_EQ(CountRows(northwind.sql), CountRows(through->best.sql));
}

}  // namespace
}  // namespace cairn::context
