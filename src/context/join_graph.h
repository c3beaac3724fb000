#pragma once

// The join graph: tables as nodes, the usable joins of the context store as weighted,
// undirected edges. The input to join paths (join_path.h) and to `cairn graph`.
//
// Which joins become edges: every declared, confirmed and inferred join; rejected joins never do,
// nor inferred joins scoring below EdgeWeights::min_inferred_score (bridges excepted), nor
// self-joins (a join of a
// table with itself cannot appear in a tree of distinct tables; they are still drawn by
// RenderMermaid/RenderDot). Two joins between the same two tables are two parallel edges.
//
// Edge costs (lower is preferred; see EdgeWeights):
//   declared   0.5   a key the source itself declares
//   confirmed  0.5   stated true by a principal
//   inferred   1 + (1 - score) * 2   so 1.0 at score 1, 2.0 at score 0.5, 3.0 at score 0
//   bridge     10    an inferred join over a shared attribute (join_bridges.h: evidence
//                    "bridge": true), whatever its score
// A path of two declared or confirmed joins (1.0) is thus preferred to one inferred join
// of any score, and among inferred joins the better scored wins; a bridge is taken only where
// no chain of key joins connects the tables.
//
// Ties: edges are ordered by cost, then joins over equally named columns (a.customer_id =
// b.customer_id) before joins through differently named ones (role columns such as
// origin -> airports.id), then in input order (JoinStore::List() sorts). Searches over the graph
// prefer earlier edges among equal-cost choices.
//
// Determinism: nodes are sorted by (source, table); every search breaks ties by node and edge
// index, so equal inputs give equal outputs.
//
// Thread-safety: immutable after Build(); const methods may be called from any thread.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "context/model.h"
#include "core/status.h"

namespace cairn::context {

struct EdgeWeights {
  double declared = 0.5;
  double confirmed = 0.5;
  double inferred_base = 1.0;   // cost of an inferred join with score 1
  double inferred_slope = 2.0;  // added per unit of score below 1
  double bridge = 10.0;         // an inferred bridge (join_bridges.h), whatever its score
  // Inferred joins below this score are left out of the graph.
  double min_inferred_score = 0.0;
};

// An undirected edge: `a` is the node of join.from, `b` the node of join.to.
struct JoinEdge {
  int a = 0;
  int b = 0;
  double cost = 0;
  Join join;

  // The endpoint other than `node`.
  int Other(int node) const { return node == a ? b : a; }
};

// One direction of an edge, as searches walk it: compact, so that a search over a large graph
// touches little memory.
struct JoinArc {
  int to = 0;    // the node at the other end
  int edge = 0;  // index into JoinGraph::edges()
  double cost = 0;
};

class JoinGraph {
 public:
  // The cost of `join` under `weights`; nullopt when the join is not usable (rejected, or
  // inferred below the minimum score).
  static std::optional<double> EdgeCost(const Join& join, const EdgeWeights& weights);

  // Builds the graph from `joins` (as JoinStore::List() returns them). `extra_tables` become
  // nodes even without a usable join (so that a known but unconnected table is reported as
  // disconnected rather than unknown).
  static JoinGraph Build(const std::vector<Join>& joins, const EdgeWeights& weights = {},
                         const std::vector<TableRef>& extra_tables = {});

  // Nodes, sorted by (source, table).
  const std::vector<TableRef>& tables() const { return tables_; }
  const std::vector<JoinEdge>& edges() const { return edges_; }
  // Indexes into edges() of the edges touching `node`, in edge order.
  const std::vector<int>& incident(int node) const { return incident_[node]; }
  // The same edges as arcs leaving `node`, in the same order (all nodes' arcs lie in one array,
  // so that a search walks contiguous memory).
  std::span<const JoinArc> arcs(int node) const {
    return {arcs_.data() + arc_begin_[node], arcs_.data() + arc_begin_[node + 1]};
  }
  // The joins given to Build() except rejected ones, in input order (for drawing: includes
  // self-joins and joins below the minimum score).
  const std::vector<Join>& all_joins() const { return all_joins_; }

  // The node of `table`, or -1.
  int IndexOf(const TableRef& table) const;

  // Resolves a name given on a command line against the graph's nodes: "source.table" (the
  // table part may contain dots), else a bare table name that exactly one source has. An exact
  // match wins over a case-insensitive one. NotFound naming `name` when nothing matches;
  // InvalidArgument listing the candidates when a bare or case-insensitive name is ambiguous.
  Result<TableRef> Resolve(std::string_view name) const;

 private:
  std::vector<TableRef> tables_;
  std::vector<JoinEdge> edges_;
  std::vector<std::vector<int>> incident_;
  std::vector<JoinArc> arcs_;   // by node, then in edge order
  std::vector<int> arc_begin_;  // node i's arcs are [arc_begin_[i], arc_begin_[i + 1])
  std::vector<Join> all_joins_;
};

// Resolve() over an arbitrary list of tables (used when a name is not in the graph and the
// caller looks it up in the sources). Same contract as JoinGraph::Resolve.
Result<TableRef> ResolveTableName(std::string_view name, const std::vector<TableRef>& tables);

enum class GraphFormat { kMermaid, kDot };

// Draws the joins (rejected ones left out) of `graph.all_joins()` whose either side is in one
// of `sources` (all when empty). Nodes are grouped by source; edges are labelled
// "from_cols → to_cols" plus kind and, for inferred joins, "bridge" for a bridge
// (join_bridges.h) and the score; declared joins are solid,
// confirmed joins thick (Mermaid `==>`, DOT bold green), inferred joins dashed. Output is sorted
// and deterministic and ends with a newline.
//   Mermaid: a `flowchart LR` with one subgraph per source.
//   DOT:     a `digraph joins` with one cluster per source.
std::string RenderGraph(const JoinGraph& graph, GraphFormat format,
                        const std::vector<std::string>& sources = {});

}  // namespace cairn::context
