#include "context/join_path.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "context/internal/shortest_paths.h"
#include "core/strings.h"

namespace cairn::context {
namespace {

using internal::Bans;
using internal::Dijkstra;
using internal::GreedyNodes;
using internal::GrowingSearch;
using internal::kEpsilon;
using internal::kInfinity;
using internal::ShortestPaths;
using internal::TowardsNearest;
using internal::WalkBack;

double CostOf(const JoinGraph& graph, const std::vector<int>& edges) {
  double cost = 0;
  for (int e : edges) cost += graph.edges()[e].cost;
  return cost;
}

Status Disconnected(const JoinGraph& graph, int a, int b) {
  return NotFoundError("no join path between {} and {} (they are in different components)",
                       graph.tables()[a].ToString(), graph.tables()[b].ToString());
}

// A candidate tree: its edges and its cost.
struct Candidate {
  std::vector<int> edges;
  double cost = 0;
  size_t start = 0;      // the terminal the heuristic started from (3+ tables)
  int linked = 0;        // edges whose referencing table references another table of the tree too
  int named = 0;         // edges over a column of PathOptions::named_columns
  int fixed = 0;         // edges over a column of PathOptions::fixed_columns
  int used = 0;          // recipes reading both sides of an edge, summed over the edges
  int declared = 0;      // declared joins among the edges
  int confirmed = 0;     // confirmed joins among the edges
  double contained = 0;  // the inferred edges' containment evidence, summed
};

Candidate MakeCandidate(const JoinGraph& graph, std::vector<int> edges, size_t start = 0) {
  Candidate candidate{std::move(edges), 0, start, 0};
  candidate.cost = CostOf(graph, candidate.edges);
  for (int e : candidate.edges) {
    const Join& join = graph.edges()[e].join;
    if (join.kind == JoinKind::kDeclared) ++candidate.declared;
    if (join.kind == JoinKind::kConfirmed) ++candidate.confirmed;
    if (join.kind == JoinKind::kInferred && join.evidence.is_object()) {
      auto containment = join.evidence.find("containment");
      if (containment != join.evidence.end() && containment->is_number()) {
        candidate.contained += containment->get<double>();
      }
    }
  }
  for (int e : candidate.edges) {
    for (int f : candidate.edges) {
      if (e != f && graph.edges()[e].a == graph.edges()[f].a) {
        ++candidate.linked;
        break;
      }
    }
  }
  return candidate;
}

// Whether `columns` name one of `side`'s columns (any, or every one).
bool Names(const std::vector<PathOptions::NamedColumn>& columns, const JoinSide& side, bool every) {
  for (const std::string& column : side.columns) {
    bool found = false;
    for (const PathOptions::NamedColumn& n : columns) {
      if (n.table.table == side.table && n.table.source == side.source &&
          EqualsIgnoringAsciiCase(n.column, column)) {
        found = true;
        break;
      }
    }
    if (found != every) return found;
  }
  return every;
}

// How many of `edges` join over one of `columns` (PathOptions::named_columns, fixed_columns).
int JoinsOver(const JoinGraph& graph, const std::vector<int>& edges,
              const std::vector<PathOptions::NamedColumn>& columns) {
  int count = 0;
  for (int e : edges) {
    const Join& join = graph.edges()[e].join;
    if (Names(columns, join.from, false) || Names(columns, join.to, false)) ++count;
  }
  return count;
}

// How many recipes read both sides of each of `edges`, summed.
int UsedJoins(const JoinGraph& graph, const std::vector<int>& edges, const PathOptions& options) {
  int count = 0;
  for (int e : edges) {
    const Join& join = graph.edges()[e].join;
    for (const auto& reads : options.recipe_reads) {
      if (Names(reads, join.from, true) && Names(reads, join.to, true)) ++count;
    }
  }
  return count;
}

// Cheaper first; among equal costs, the tree with more joins over named columns, then the one
// with fewer over fixed columns, then the one whose joins more recipes read, then the one whose
// tables hang off shared referencing tables (an association table that references both ends, rather
// than a chain through a role column), then by evidence: more declared joins, then more
// confirmed ones, then more containment among the inferred ones (values that agree over a name
// that matches); then the earlier edges.
bool BetterCandidate(const Candidate& x, const Candidate& y) {
  if (x.cost < y.cost - kEpsilon) return true;
  if (y.cost < x.cost - kEpsilon) return false;
  if (x.named != y.named) return x.named > y.named;
  if (x.fixed != y.fixed) return x.fixed < y.fixed;
  if (x.used != y.used) return x.used > y.used;
  if (x.linked != y.linked) return x.linked > y.linked;
  if (x.declared != y.declared) return x.declared > y.declared;
  if (x.confirmed != y.confirmed) return x.confirmed > y.confirmed;
  if (std::abs(x.contained - y.contained) > kEpsilon) return x.contained > y.contained;
  return x.edges < y.edges;
}

// Which rule of BetterCandidate put `best` before `other`, of the same cost (JoinPlan::decided_by).
const char* TieRule(const Candidate& best, const Candidate& other) {
  if (best.named != other.named) return "named columns";
  if (best.fixed != other.fixed) return "fixed columns";
  if (best.used != other.used) return "recipes";
  if (best.linked != other.linked) return "association table";
  if (best.declared != other.declared || best.confirmed != other.confirmed ||
      std::abs(best.contained - other.contained) > kEpsilon) {
    return "evidence";
  }
  return "order";
}

// ---- Two tables: Dijkstra and Yen's k shortest loopless paths. ----

struct Path {
  std::vector<int> edges;  // from the start
  std::vector<int> nodes;  // edges.size() + 1 nodes
  double cost = 0;
};

Path MakePath(const JoinGraph& graph, int start, std::vector<int> edges) {
  Path path;
  path.nodes.push_back(start);
  for (int e : edges) path.nodes.push_back(graph.edges()[e].Other(path.nodes.back()));
  path.cost = CostOf(graph, edges);
  path.edges = std::move(edges);
  return path;
}

// `to_target`: the search from `target` without bans, whose exact distances guide the spur
// searches (A*).
std::vector<Path> YenPaths(const JoinGraph& graph, int start, int target, const Path& best,
                           int count, double max_cost, GrowingSearch* to_target,
                           ShortestPaths* paths) {
  std::vector<Path> found = {best};
  std::vector<Path> pool;
  auto known = [&](const std::vector<int>& edges) {
    for (const Path& p : found) {
      if (p.edges == edges) return true;
    }
    for (const Path& p : pool) {
      if (p.edges == edges) return true;
    }
    return false;
  };
  while (static_cast<int>(found.size()) <= count) {
    const Path& last = found.back();
    for (size_t i = 0; i < last.edges.size(); ++i) {
      int spur = last.nodes[i];
      std::vector<int> root(last.edges.begin(), last.edges.begin() + static_cast<long>(i));
      Bans bans;
      for (const Path& p : found) {
        if (p.edges.size() > i && std::equal(root.begin(), root.end(), p.edges.begin())) {
          bans.edges.push_back(p.edges[i]);
        }
      }
      for (size_t j = 0; j < i; ++j) bans.nodes.push_back(last.nodes[j]);
      double limit = max_cost - CostOf(graph, root);
      Dijkstra(
          graph, {spur}, bans, [&](int node) { return node == target; }, paths, limit,
          TowardsNearest({to_target}, limit));
      if (paths->distance[target] == kInfinity) continue;
      std::vector<int> edges = root;
      for (int e : WalkBack(graph, *paths, target)) edges.push_back(e);
      if (!known(edges)) pool.push_back(MakePath(graph, start, std::move(edges)));
    }
    if (pool.empty()) break;
    auto next = std::min_element(pool.begin(), pool.end(), [](const Path& x, const Path& y) {
      return x.cost < y.cost - kEpsilon || (x.cost <= y.cost + kEpsilon && x.edges < y.edges);
    });
    if (next->cost > max_cost + kEpsilon) break;
    found.push_back(*next);
    pool.erase(next);
  }
  found.erase(found.begin());
  return found;
}

// ---- Three or more tables: the shortest-path heuristic for Steiner trees. ----

// Minimum spanning tree (Prim) of the subgraph induced by `nodes`, avoiding banned edges, then
// repeated pruning of leaves that are not terminals. `nodes` must be connected in it. Prim grows
// from the lowest node and adds the cheapest edge leaving the tree (the lower edge index among
// equal costs); pruning removes the first edge, in the order added, that ends in such a leaf.
std::vector<int> SpanAndPrune(const JoinGraph& graph, const std::set<int>& nodes,
                              const std::vector<int>& terminals, const Bans& bans) {
  // Nodes by local index (in node order) and the induced edges with local endpoints, each once.
  const std::vector<int> local(nodes.begin(), nodes.end());
  auto local_index = [&](int node) {
    auto it = std::lower_bound(local.begin(), local.end(), node);
    return it != local.end() && *it == node ? static_cast<int>(it - local.begin()) : -1;
  };
  struct Induced {
    int e, a, b;
  };
  std::vector<Induced> induced;
  for (size_t i = 0; i < local.size(); ++i) {
    for (int e : graph.incident(local[i])) {
      const JoinEdge& edge = graph.edges()[e];
      if (edge.a != local[i] || bans.Edge(e)) continue;  // each edge once, from its `a` side
      int other = local_index(edge.b);
      if (other >= 0) induced.push_back({e, static_cast<int>(i), other});
    }
  }
  std::vector<int> tree;
  std::vector<char> in_tree(local.size(), 0);
  in_tree[0] = 1;
  for (size_t added = 1; added < local.size(); ++added) {
    const Induced* best = nullptr;
    for (const Induced& edge : induced) {
      if (in_tree[edge.a] == in_tree[edge.b]) continue;
      double cost = graph.edges()[edge.e].cost, best_cost = best ? graph.edges()[best->e].cost : 0;
      if (best == nullptr || cost < best_cost - kEpsilon ||
          (cost <= best_cost + kEpsilon && edge.e < best->e)) {
        best = &edge;
      }
    }
    if (best == nullptr) break;  // cannot happen: the shortest paths connect `nodes`
    tree.push_back(best->e);
    in_tree[best->a] = in_tree[best->b] = 1;
  }
  std::vector<char> keep(local.size(), 0);
  for (int terminal : terminals) {
    int i = local_index(terminal);
    if (i >= 0) keep[i] = 1;
  }
  std::vector<int> degree(local.size());
  for (bool pruned = true; pruned;) {
    pruned = false;
    std::fill(degree.begin(), degree.end(), 0);
    for (int e : tree) {
      ++degree[local_index(graph.edges()[e].a)];
      ++degree[local_index(graph.edges()[e].b)];
    }
    for (auto it = tree.begin(); it != tree.end(); ++it) {
      int a = local_index(graph.edges()[*it].a), b = local_index(graph.edges()[*it].b);
      if ((degree[a] == 1 && !keep[a]) || (degree[b] == 1 && !keep[b])) {
        tree.erase(it);
        pruned = true;
        break;
      }
    }
  }
  std::sort(tree.begin(), tree.end());
  return tree;
}

// One run of the heuristic from terminals[start], without bans (see GreedyNodes).
std::optional<Candidate> GreedyTree(const JoinGraph& graph, const std::vector<int>& terminals,
                                    size_t start, std::vector<GrowingSearch>& searches,
                                    std::vector<char>* in_tree, int* unreachable) {
  std::optional<std::set<int>> nodes =
      GreedyNodes(graph, terminals, start, searches, in_tree, unreachable);
  if (!nodes) return std::nullopt;
  Candidate candidate;
  candidate.edges = SpanAndPrune(graph, *nodes, terminals, Bans());
  candidate.cost = CostOf(graph, candidate.edges);
  return candidate;
}

// One run of the heuristic from terminals[start] with `bans`: repeated A* searches from the tree
// built so far towards the terminals not yet connected, guided by their searches (`searches`, as
// for GreedyTree), never looking beyond `limit`. Nullopt when some terminal is not reached within
// `limit`.
std::optional<Candidate> BannedTree(const JoinGraph& graph, const std::vector<int>& terminals,
                                    size_t start, const Bans& bans, double limit,
                                    std::vector<GrowingSearch>& searches, ShortestPaths* paths) {
  std::set<int> nodes = {terminals[start]};
  std::vector<char> connected(terminals.size(), 0);
  connected[start] = 1;
  for (size_t added = 1; added < terminals.size(); ++added) {
    // The nearest terminal not yet connected is the first one settled.
    int nearest = -1;
    auto unconnected = [&](int node) {
      for (size_t t = 0; t < terminals.size(); ++t) {
        if (terminals[t] == node && !connected[t]) {
          nearest = static_cast<int>(t);
          return true;
        }
      }
      return false;
    };
    std::vector<GrowingSearch*> targets;
    for (size_t t = 0; t < terminals.size(); ++t) {
      if (!connected[t]) targets.push_back(&searches[t]);
    }
    Dijkstra(graph, std::vector<int>(nodes.begin(), nodes.end()), bans, unconnected, paths, limit,
             TowardsNearest(std::move(targets), limit));
    if (nearest < 0) return std::nullopt;
    connected[nearest] = 1;
    for (int e : WalkBack(graph, *paths, terminals[nearest])) {
      nodes.insert(graph.edges()[e].a);
      nodes.insert(graph.edges()[e].b);
    }
  }
  Candidate candidate;
  candidate.edges = SpanAndPrune(graph, nodes, terminals, bans);
  candidate.cost = CostOf(graph, candidate.edges);
  return candidate;
}

// ---- Rendering. ----

bool IsKeyword(const std::string& word) {
  static const std::set<std::string> kKeywords = {
      "add", "all",  "and", "as",  "asc",  "by",   "case", "cast", "desc", "do",   "else", "end",
      "for", "from", "if",  "in",  "into", "is",   "join", "key",  "like", "no",   "not",  "null",
      "of",  "on",   "or",  "row", "set",  "then", "to",   "when", "with", "over", "left", "full"};
  return kKeywords.count(word) > 0;
}

// Lowercase ASCII initials of the words of `table` (split at non-alphanumerics, underscores
// and lower-to-upper case changes); "t" when there are none.
std::string Initials(const std::string& table) {
  std::string out;
  bool word_start = true;
  char previous = 0;
  for (char c : table) {
    unsigned char u = static_cast<unsigned char>(c);
    bool alnum = u < 0x80 && std::isalnum(u);
    if (!alnum) {
      word_start = true;
    } else {
      bool camel =
          std::isupper(u) && previous != 0 && std::islower(static_cast<unsigned char>(previous));
      if ((word_start || camel) && std::isalpha(u)) out += static_cast<char>(std::tolower(u));
      word_start = false;
    }
    previous = alnum ? c : 0;
  }
  if (out.empty()) out = "t";
  return out.substr(0, 4);
}

std::vector<std::string> MakeAliases(const std::vector<TableRef>& tables) {
  std::vector<std::string> aliases;
  std::set<std::string> used;
  for (const TableRef& table : tables) {
    std::string base = Initials(table.table);
    std::string alias = base;
    for (int n = 2; used.count(alias) > 0 || IsKeyword(alias); ++n) {
      alias = base + std::to_string(n);
    }
    used.insert(alias);
    aliases.push_back(alias);
  }
  return aliases;
}

// An implied join costs what the two joins it replaces cost, less this.
constexpr double kImpliedDiscount = 0.01;

// Drops pass-through tables (join_path.h, "Pass-through tables"): a table that is not given and
// whose joins in the tree all use one of its columns is left out, and its neighbours are joined
// directly on the columns they joined it on, as joins of kind kImplied.
std::vector<JoinEdge> Shortcut(const JoinGraph& graph, const std::vector<int>& terminals,
                               const std::vector<int>& tree) {
  std::vector<JoinEdge> edges;
  for (int e : tree) edges.push_back(graph.edges()[e]);
  auto columns_at = [](const JoinEdge& edge, int node) -> const std::vector<std::string>& {
    return edge.a == node ? edge.join.from.columns : edge.join.to.columns;
  };
  for (bool changed = true; changed;) {
    changed = false;
    std::map<int, std::vector<size_t>> incident;
    for (size_t i = 0; i < edges.size(); ++i) {
      incident[edges[i].a].push_back(i);
      incident[edges[i].b].push_back(i);
    }
    for (const auto& [node, at] : incident) {
      if (at.size() < 2 || std::find(terminals.begin(), terminals.end(), node) != terminals.end()) {
        continue;
      }
      // A column of `node` that every one of its joins in the tree uses.
      std::optional<std::string> shared;
      for (const std::string& column : columns_at(edges[at[0]], node)) {
        bool everywhere = true;
        for (size_t i : at) {
          const std::vector<std::string>& columns = columns_at(edges[i], node);
          everywhere =
              everywhere && std::any_of(columns.begin(), columns.end(), [&](const std::string& c) {
                return EqualsIgnoringAsciiCase(c, column);
              });
        }
        if (everywhere) {
          shared = column;
          break;
        }
      }
      if (!shared) continue;
      // Each neighbour's column paired with the shared one. A neighbour that `node` references
      // holds a key: it becomes the referenced side.
      struct End {
        int node;
        std::string column;
        bool key;
        JoinEdge edge;
      };
      std::vector<End> ends;
      for (size_t i : at) {
        const JoinEdge& edge = edges[i];
        const std::vector<std::string>& mine = columns_at(edge, node);
        const std::vector<std::string>& theirs =
            edge.a == node ? edge.join.to.columns : edge.join.from.columns;
        for (size_t c = 0; c < mine.size(); ++c) {
          if (EqualsIgnoringAsciiCase(mine[c], *shared)) {
            ends.push_back({edge.Other(node), theirs[c], edge.a == node, edge});
            break;
          }
        }
      }
      std::stable_partition(ends.begin(), ends.end(), [](const End& e) { return e.key; });
      std::vector<JoinEdge> kept;
      for (size_t i = 0; i < edges.size(); ++i) {
        if (std::find(at.begin(), at.end(), i) == at.end()) kept.push_back(std::move(edges[i]));
      }
      const TableRef& through = graph.tables()[node];
      for (size_t i = 1; i < ends.size(); ++i) {
        Join join;
        const TableRef& from = graph.tables()[ends[i].node];
        const TableRef& to = graph.tables()[ends[0].node];
        join.from = {from.source, from.table, {ends[i].column}};
        join.to = {to.source, to.table, {ends[0].column}};
        join.kind = JoinKind::kImplied;
        join.score = 1;
        for (const End* end : {&ends[0], &ends[i]}) {
          if (end->edge.join.kind == JoinKind::kInferred) {
            join.score = std::min(join.score, end->edge.join.score);
          }
        }
        join.evidence = {{"implied", true},
                         {"through", through.ToString() + "." + *shared},
                         {"joins", nlohmann::json::array(
                                       {ends[0].edge.join.ToJson(), ends[i].edge.join.ToJson()})}};
        double cost = ends[0].edge.cost + ends[i].edge.cost - kImpliedDiscount;
        kept.push_back({ends[i].node, ends[0].node, cost, std::move(join)});
      }
      edges = std::move(kept);
      changed = true;
      break;
    }
  }
  return edges;
}

// Orders the tree from terminals[0] so that the given tables are joined in the order given as far
// as the tree allows: each step adds the tree edge, among those touching the tables joined so far,
// behind which lies the earliest given table. Then renders it.
JoinTree MakeTree(const JoinGraph& graph, const std::vector<int>& terminals,
                  const std::vector<JoinEdge>& edges) {
  JoinTree tree;
  std::vector<int> order = {terminals[0]};
  std::vector<size_t> via;  // edges[via[i]] brings in order[i + 1]
  std::vector<char> used(edges.size(), 0);
  auto joined = [&](int node) {
    return std::find(order.begin(), order.end(), node) != order.end();
  };
  // The earliest position in `terminals` among the tables reached from `node` without crossing
  // a joined table.
  std::function<size_t(int, int)> earliest = [&](int node, int from) {
    size_t position = std::find(terminals.begin(), terminals.end(), node) - terminals.begin();
    for (size_t i = 0; i < edges.size(); ++i) {
      const JoinEdge& edge = edges[i];
      if (used[i] || (edge.a != node && edge.b != node)) continue;
      int next = edge.Other(node);
      if (next == from || joined(next)) continue;
      position = std::min(position, earliest(next, node));
    }
    return position;
  };
  while (via.size() < edges.size()) {
    size_t pick = edges.size(), pick_position = 0;
    for (size_t i = 0; i < edges.size(); ++i) {
      const JoinEdge& edge = edges[i];
      if (used[i] || joined(edge.a) == joined(edge.b)) continue;
      int next = joined(edge.a) ? edge.b : edge.a;
      size_t position = earliest(next, edge.Other(next));
      if (pick == edges.size() || position < pick_position) {
        pick = i;
        pick_position = position;
      }
    }
    if (pick == edges.size()) break;  // cannot happen: `edges` form a tree over the terminals
    used[pick] = 1;
    const JoinEdge& edge = edges[pick];
    order.push_back(joined(edge.a) ? edge.b : edge.a);
    via.push_back(pick);
  }
  for (int node : order) tree.tables.push_back(graph.tables()[node]);
  tree.aliases = MakeAliases(tree.tables);
  tree.sql = fmt::format("SELECT *\nFROM {}.{} AS {}", QuoteIdentifier(tree.tables[0].source),
                         QuoteIdentifier(tree.tables[0].table), tree.aliases[0]);
  for (size_t i = 0; i < via.size(); ++i) {
    const JoinEdge& edge = edges[via[i]];
    tree.joins.push_back(edge.join);
    tree.cost += edge.cost;
    size_t added = i + 1;
    int new_node = order[added];
    int old_node = edge.Other(new_node);
    size_t old_index = std::find(order.begin(), order.end(), old_node) - order.begin();
    // When new_node is the referenced side, its columns are join.to's.
    bool new_is_to = edge.b == new_node;
    const std::vector<std::string>& new_columns =
        new_is_to ? edge.join.to.columns : edge.join.from.columns;
    const std::vector<std::string>& old_columns =
        new_is_to ? edge.join.from.columns : edge.join.to.columns;
    tree.sql += fmt::format("\nJOIN {}.{} AS {} ON ", QuoteIdentifier(tree.tables[added].source),
                            QuoteIdentifier(tree.tables[added].table), tree.aliases[added]);
    for (size_t c = 0; c < new_columns.size(); ++c) {
      if (c > 0) tree.sql += " AND ";
      tree.sql += fmt::format("{}.{} = {}.{}", tree.aliases[added], QuoteIdentifier(new_columns[c]),
                              tree.aliases[old_index], QuoteIdentifier(old_columns[c]));
    }
  }
  return tree;
}

}  // namespace

std::string QuoteIdentifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

nlohmann::json JoinTree::ToJson() const {
  nlohmann::json table_list = nlohmann::json::array();
  for (size_t i = 0; i < tables.size(); ++i) {
    table_list.push_back(
        {{"source", tables[i].source}, {"table", tables[i].table}, {"alias", aliases[i]}});
  }
  nlohmann::json join_list = nlohmann::json::array();
  for (const Join& join : joins) join_list.push_back(join.ToJson());
  return {{"sql", sql}, {"tables", table_list}, {"joins", join_list}, {"cost", cost}};
}

nlohmann::json JoinPlan::ToJson() const {
  nlohmann::json out = best.ToJson();
  nlohmann::json list = nlohmann::json::array();
  for (size_t i = 0; i < alternatives.size(); ++i) {
    nlohmann::json json = alternatives[i].ToJson();
    list.push_back({{"sql", json["sql"]},
                    {"joins", json["joins"]},
                    {"cost", json["cost"]},
                    {"same_cost", static_cast<int>(i) < tied}});
  }
  out["alternatives"] = list;
  out["tied"] = tied;
  if (!decided_by.empty()) out["decided_by"] = decided_by;
  return out;
}

Result<JoinPlan> FindJoinPlan(const JoinGraph& graph, const std::vector<TableRef>& tables,
                              const PathOptions& options) {
  if (tables.size() < 2) {
    return InvalidArgumentError("a join path needs at least two tables, got {}", tables.size());
  }
  std::vector<int> terminals;
  for (const TableRef& table : tables) {
    int node = graph.IndexOf(table);
    if (node < 0) return NotFoundError("unknown table '{}'", table.ToString());
    if (std::find(terminals.begin(), terminals.end(), node) != terminals.end()) {
      return InvalidArgumentError("table '{}' is given twice", table.ToString());
    }
    terminals.push_back(node);
  }
  Bans no_bans;
  ShortestPaths paths(graph.tables().size());
  // Every candidate found, distinct by edge set; the best is chosen among all of them.
  std::vector<Candidate> found;
  auto add = [&](Candidate candidate) {
    std::vector<int> sorted = candidate.edges;
    std::sort(sorted.begin(), sorted.end());
    for (const Candidate& c : found) {
      std::vector<int> other = c.edges;
      std::sort(other.begin(), other.end());
      if (other == sorted) return;
    }
    found.push_back(std::move(candidate));
  };
  if (terminals.size() == 2) {
    Dijkstra(
        graph, {terminals[0]}, no_bans, [&](int node) { return node == terminals[1]; }, &paths);
    if (paths.distance[terminals[1]] == kInfinity) {
      return Disconnected(graph, terminals[0], terminals[1]);
    }
    Path path = MakePath(graph, terminals[0], WalkBack(graph, paths, terminals[1]));
    add(MakeCandidate(graph, path.edges));
    double max_cost = path.cost * (1 + options.alternative_margin);
    if (options.max_alternatives > 0) {
      GrowingSearch to_target(graph, terminals[1]);
      for (Path& p :
           YenPaths(graph, terminals[0], terminals[1], path, std::max(options.max_alternatives, 3),
                    max_cost, &to_target, &paths)) {
        add(MakeCandidate(graph, std::move(p.edges)));
      }
    }
  } else {
    // One search from each terminal, grown on demand: the greedy runs from every start are read
    // off them, and they guide the alternatives' searches.
    std::vector<GrowingSearch> searches;
    for (int terminal : terminals) searches.emplace_back(graph, terminal);
    std::vector<char> in_tree(graph.tables().size(), 0);
    for (size_t start = 0; start < terminals.size(); ++start) {
      int unreachable = -1;
      std::optional<Candidate> tree =
          GreedyTree(graph, terminals, start, searches, &in_tree, &unreachable);
      if (!tree) return Disconnected(graph, terminals[start], unreachable);
      add(MakeCandidate(graph, std::move(tree->edges), start));
    }
    std::sort(found.begin(), found.end(), BetterCandidate);
    Candidate first = found.front();
    double limit = first.cost * (1 + options.alternative_margin);
    for (int e : options.max_alternatives > 0 ? first.edges : std::vector<int>()) {
      Bans bans;
      bans.edges.push_back(e);
      std::optional<Candidate> tree =
          BannedTree(graph, terminals, first.start, bans, limit, searches, &paths);
      if (tree) add(MakeCandidate(graph, std::move(tree->edges), first.start));
    }
  }
  for (Candidate& candidate : found) {
    if (!options.named_columns.empty()) {
      candidate.named = JoinsOver(graph, candidate.edges, options.named_columns);
    }
    if (!options.fixed_columns.empty()) {
      candidate.fixed = JoinsOver(graph, candidate.edges, options.fixed_columns);
    }
  }
  if (!options.recipe_reads.empty()) {
    for (Candidate& candidate : found) candidate.used = UsedJoins(graph, candidate.edges, options);
  }
  std::sort(found.begin(), found.end(), BetterCandidate);
  const Candidate& best = found.front();
  std::vector<Candidate> alternatives;
  for (size_t i = 1; i < found.size(); ++i) {
    if (static_cast<int>(alternatives.size()) >= options.max_alternatives) break;
    if (found[i].cost <= best.cost * (1 + options.alternative_margin) + kEpsilon) {
      alternatives.push_back(found[i]);
    }
  }
  JoinPlan plan;
  auto render = [&](const Candidate& candidate) {
    if (options.drop_pass_through) {
      return MakeTree(graph, terminals, Shortcut(graph, terminals, candidate.edges));
    }
    std::vector<JoinEdge> edges;
    for (int e : candidate.edges) edges.push_back(graph.edges()[e]);
    return MakeTree(graph, terminals, edges);
  };
  plan.best = render(best);
  for (const Candidate& alternative : alternatives) {
    // Trees that differ only in the tables left out read alike: listed once.
    JoinTree tree = render(alternative);
    bool seen = tree.sql == plan.best.sql;
    for (const JoinTree& other : plan.alternatives) seen = seen || other.sql == tree.sql;
    if (seen) continue;
    // Alternatives come cheapest first, so the tied ones lead.
    if (alternative.cost <= best.cost + kEpsilon) {
      if (plan.tied++ == 0) plan.decided_by = TieRule(best, alternative);
    }
    plan.alternatives.push_back(std::move(tree));
  }
  if (plan.tied == 0 && options.max_alternatives > 0) plan.decided_by = "cost";
  return plan;
}

}  // namespace cairn::context
