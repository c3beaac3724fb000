#include "context/join_graph.h"

#include <gtest/gtest.h>

namespace cairn::context {
namespace {

Join MakeJoin(JoinSide from, JoinSide to, JoinKind kind, double score) {
  Join join;
  join.from = std::move(from);
  join.to = std::move(to);
  join.kind = kind;
  join.score = score;
  return join;
}

// A small graph over two sources with one join of each kind.
std::vector<Join> SmallGraph() {
  return {
      MakeJoin({"shop", "orders", {"customer_id"}}, {"crm", "customers", {"id"}},
               JoinKind::kDeclared, 1),
      MakeJoin({"shop", "order_lines", {"order_no", "year"}}, {"shop", "orders", {"no", "year"}},
               JoinKind::kConfirmed, 1),
      MakeJoin({"shop", "shipments", {"order_no"}}, {"shop", "orders", {"no"}}, JoinKind::kInferred,
               0.8),
      MakeJoin({"shop", "returns", {"customer_id"}}, {"crm", "customers", {"id"}},
               JoinKind::kRejected, 0),
      MakeJoin({"crm", "customers", {"referred_by"}}, {"crm", "customers", {"id"}},
               JoinKind::kInferred, 0.6),
  };
}

TEST(JoinGraphTest, EdgeCosts) {
  EdgeWeights weights;
  Join join = SmallGraph()[0];
  EXPECT_EQ(JoinGraph::EdgeCost(join, weights), 0.5);
  join.kind = JoinKind::kConfirmed;
  EXPECT_EQ(JoinGraph::EdgeCost(join, weights), 0.5);
  join.kind = JoinKind::kInferred;
  join.score = 1;
  EXPECT_DOUBLE_EQ(*JoinGraph::EdgeCost(join, weights), 1.0);
  join.score = 0.5;
  EXPECT_DOUBLE_EQ(*JoinGraph::EdgeCost(join, weights), 2.0);
  join.score = 0;
  EXPECT_DOUBLE_EQ(*JoinGraph::EdgeCost(join, weights), 3.0);
  weights.min_inferred_score = 0.2;
  EXPECT_FALSE(JoinGraph::EdgeCost(join, weights).has_value());
  join.kind = JoinKind::kRejected;
  EXPECT_FALSE(JoinGraph::EdgeCost(join, EdgeWeights{}).has_value());
}

TEST(JoinGraphTest, NodesAndEdgesLeaveOutRejectedAndSelfJoins) {
  JoinGraph graph = JoinGraph::Build(SmallGraph());
  ASSERT_EQ(graph.tables().size(), 4u);  // returns appears only in the rejected join
  EXPECT_EQ(graph.tables()[0], (TableRef{"crm", "customers"}));
  EXPECT_EQ(graph.IndexOf({"shop", "returns"}), -1);
  EXPECT_EQ(graph.edges().size(), 3u);  // the self-join is drawn but not an edge
  EXPECT_EQ(graph.all_joins().size(), 4u);
  int orders = graph.IndexOf({"shop", "orders"});
  EXPECT_EQ(graph.incident(orders).size(), 3u);
}

TEST(JoinGraphTest, ResolvesNames) {
  JoinGraph graph = JoinGraph::Build(
      {MakeJoin({"a", "t.x", {"c"}}, {"b", "t.x", {"c"}}, JoinKind::kDeclared, 1),
       MakeJoin({"a", "Orders", {"c"}}, {"b", "items", {"c"}}, JoinKind::kDeclared, 1)});
  EXPECT_EQ(*graph.Resolve("a.t.x"), (TableRef{"a", "t.x"}));
  EXPECT_EQ(*graph.Resolve("orders"), (TableRef{"a", "Orders"}));
  EXPECT_EQ(*graph.Resolve("B.ITEMS"), (TableRef{"b", "items"}));
  auto ambiguous = graph.Resolve("t.x");
  EXPECT_EQ(ambiguous.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ambiguous.status().message(),
            "table name 't.x' is ambiguous: a.t.x, b.t.x (give source.table)");
  auto unknown = graph.Resolve("a.nope");
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(unknown.status().message(), "unknown table 'a.nope'");
  EXPECT_EQ(graph.Resolve("").status().code(), StatusCode::kInvalidArgument);
}

TEST(JoinGraphTest, MermaidGolden) {
  JoinGraph graph = JoinGraph::Build(SmallGraph());
  EXPECT_EQ(RenderGraph(graph, GraphFormat::kMermaid),
            "flowchart LR\n"
            "  subgraph s0[\"crm\"]\n"
            "    n0[\"customers\"]\n"
            "  end\n"
            "  subgraph s1[\"shop\"]\n"
            "    n1[\"order_lines\"]\n"
            "    n2[\"orders\"]\n"
            "    n3[\"shipments\"]\n"
            "  end\n"
            "  n0 -.->|\"referred_by → id<br/>inferred 0.60\"| n0\n"
            "  n1 ==>|\"order_no, year → no, year<br/>confirmed\"| n2\n"
            "  n2 -->|\"customer_id → id<br/>declared\"| n0\n"
            "  n3 -.->|\"order_no → no<br/>inferred 0.80\"| n2\n");
}

TEST(JoinGraphTest, DotGolden) {
  JoinGraph graph = JoinGraph::Build(SmallGraph());
  EXPECT_EQ(RenderGraph(graph, GraphFormat::kDot, {"crm"}),
            "digraph joins {\n"
            "  rankdir=LR;\n"
            "  node [shape=box];\n"
            "  subgraph cluster_0 {\n"
            "    label=\"crm\";\n"
            "    n0 [label=\"customers\"];\n"
            "  }\n"
            "  subgraph cluster_1 {\n"
            "    label=\"shop\";\n"
            "    n1 [label=\"orders\"];\n"
            "  }\n"
            "  n0 -> n0 [label=\"referred_by → id\\ninferred 0.60\", style=dashed, "
            "color=gray40];\n"
            "  n1 -> n0 [label=\"customer_id → id\\ndeclared\", style=solid];\n"
            "}\n");
  // Quotes in names are escaped.
  JoinGraph quoted = JoinGraph::Build(
      {MakeJoin({"s", "a\"b", {"c"}}, {"s", "d", {"c"}}, JoinKind::kConfirmed, 1)});
  std::string dot = RenderGraph(quoted, GraphFormat::kDot);
  EXPECT_NE(dot.find("label=\"a\\\"b\""), std::string::npos) << dot;
  EXPECT_NE(dot.find("style=bold, color=darkgreen"), std::string::npos);
  std::string mermaid = RenderGraph(quoted, GraphFormat::kMermaid);
  EXPECT_NE(mermaid.find("n0[\"a#quot;b\"]"), std::string::npos) << mermaid;
}

}  // namespace
}  // namespace cairn::context
