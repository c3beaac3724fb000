#include "context/join_graph.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "context/join_bridges.h"
#include "core/strings.h"

namespace cairn::context {
namespace {

std::string JoinColumns(const std::vector<std::string>& columns) {
  std::string out;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out += ", ";
    out += columns[i];
  }
  return out;
}

std::string CandidateList(const std::vector<TableRef>& candidates) {
  std::string out;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (i > 0) out += ", ";
    out += candidates[i].ToString();
  }
  return out;
}

// Candidates for `name` under `equal`: "source.table" split at every dot, then a bare table.
template <typename Equal>
std::vector<TableRef> Matches(std::string_view name, const std::vector<TableRef>& tables,
                              Equal equal) {
  std::vector<TableRef> found;
  for (const TableRef& table : tables) {
    bool qualified = name.size() == table.source.size() + 1 + table.table.size() &&
                     name[table.source.size()] == '.' &&
                     equal(name.substr(0, table.source.size()), table.source) &&
                     equal(name.substr(table.source.size() + 1), table.table);
    if (qualified) found.push_back(table);
  }
  if (!found.empty()) return found;
  for (const TableRef& table : tables) {
    if (equal(name, table.table)) found.push_back(table);
  }
  return found;
}

// True when both sides join on columns of the same names (case-insensitive).
bool SameNames(const Join& join) {
  for (size_t i = 0; i < join.from.columns.size(); ++i) {
    if (AsciiLower(join.from.columns[i]) != AsciiLower(join.to.columns[i])) return false;
  }
  return true;
}

}  // namespace

std::optional<double> JoinGraph::EdgeCost(const Join& join, const EdgeWeights& weights) {
  switch (join.kind) {
    case JoinKind::kDeclared:
      return weights.declared;
    case JoinKind::kConfirmed:
      return weights.confirmed;
    case JoinKind::kInferred: {
      if (IsBridge(join)) return weights.bridge;
      if (join.score < weights.min_inferred_score) return std::nullopt;
      double score = std::clamp(join.score, 0.0, 1.0);
      return weights.inferred_base + (1.0 - score) * weights.inferred_slope;
    }
    case JoinKind::kRejected:
    case JoinKind::kImplied:  // made by join paths, never an input
      return std::nullopt;
  }
  return std::nullopt;
}

JoinGraph JoinGraph::Build(const std::vector<Join>& joins, const EdgeWeights& weights,
                           const std::vector<TableRef>& extra_tables) {
  JoinGraph graph;
  std::set<TableRef> nodes(extra_tables.begin(), extra_tables.end());
  for (const Join& join : joins) {
    if (join.kind == JoinKind::kRejected) continue;
    graph.all_joins_.push_back(join);
    if (!EdgeCost(join, weights)) continue;
    nodes.insert(join.from.table_ref());
    nodes.insert(join.to.table_ref());
  }
  graph.tables_.assign(nodes.begin(), nodes.end());
  graph.incident_.resize(graph.tables_.size());
  for (const Join& join : graph.all_joins_) {
    std::optional<double> cost = EdgeCost(join, weights);
    if (!cost || join.from.table_ref() == join.to.table_ref()) continue;
    if (join.from.columns.empty() || join.from.columns.size() != join.to.columns.size()) continue;
    graph.edges_.push_back(
        {graph.IndexOf(join.from.table_ref()), graph.IndexOf(join.to.table_ref()), *cost, join});
  }
  // Among equal costs, joins over equally named columns (x.customer_id = y.customer_id) come
  // before joins through differently named ones (role columns such as origin -> airport.id).
  std::stable_sort(graph.edges_.begin(), graph.edges_.end(),
                   [](const JoinEdge& x, const JoinEdge& y) {
                     bool x_named = SameNames(x.join), y_named = SameNames(y.join);
                     return std::tie(x.cost, y_named) < std::tie(y.cost, x_named);
                   });
  for (size_t index = 0; index < graph.edges_.size(); ++index) {
    const JoinEdge& edge = graph.edges_[index];
    int e = static_cast<int>(index);
    graph.incident_[edge.a].push_back(e);
    graph.incident_[edge.b].push_back(e);
  }
  graph.arc_begin_.push_back(0);
  for (size_t node = 0; node < graph.tables_.size(); ++node) {
    for (int e : graph.incident_[node]) {
      const JoinEdge& edge = graph.edges_[e];
      graph.arcs_.push_back({edge.Other(static_cast<int>(node)), e, edge.cost});
    }
    graph.arc_begin_.push_back(static_cast<int>(graph.arcs_.size()));
  }
  return graph;
}

int JoinGraph::IndexOf(const TableRef& table) const {
  auto it = std::lower_bound(tables_.begin(), tables_.end(), table);
  if (it == tables_.end() || *it != table) return -1;
  return static_cast<int>(it - tables_.begin());
}

Result<TableRef> JoinGraph::Resolve(std::string_view name) const {
  return ResolveTableName(name, tables_);
}

Result<TableRef> ResolveTableName(std::string_view name, const std::vector<TableRef>& tables) {
  if (name.empty()) return InvalidArgumentError("empty table name");
  auto exact = [](std::string_view a, std::string_view b) { return a == b; };
  auto folded = [](std::string_view a, std::string_view b) {
    return AsciiLower(a) == AsciiLower(b);
  };
  std::vector<TableRef> found = Matches(name, tables, exact);
  if (found.empty()) found = Matches(name, tables, folded);
  if (found.empty()) return NotFoundError("unknown table '{}'", name);
  if (found.size() > 1) {
    return InvalidArgumentError("table name '{}' is ambiguous: {} (give source.table)", name,
                                CandidateList(found));
  }
  return found.front();
}

namespace {

struct DrawnEdge {
  int from = 0;
  int to = 0;
  const Join* join = nullptr;
  std::string label;
};

std::string EdgeLabel(const Join& join, std::string_view newline) {
  std::string label = fmt::format("{} → {}{}{}", JoinColumns(join.from.columns),
                                  JoinColumns(join.to.columns), newline, JoinKindName(join.kind));
  if (join.kind == JoinKind::kInferred) {
    label += fmt::format("{} {:.2f}", IsBridge(join) ? " bridge" : "", join.score);
  }
  return label;
}

std::string MermaidText(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '"') {
      out += "#quot;";
    } else if (c == '\n') {
      out += "<br/>";
    } else {
      out += c;
    }
  }
  return out;
}

std::string DotText(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string RenderGraph(const JoinGraph& graph, GraphFormat format,
                        const std::vector<std::string>& sources) {
  std::set<std::string> wanted(sources.begin(), sources.end());
  auto in_scope = [&](const Join& join) {
    return wanted.empty() || wanted.count(join.from.source) > 0 || wanted.count(join.to.source) > 0;
  };
  std::set<TableRef> node_set;
  for (const Join& join : graph.all_joins()) {
    if (join.kind == JoinKind::kRejected || !in_scope(join)) continue;
    node_set.insert(join.from.table_ref());
    node_set.insert(join.to.table_ref());
  }
  std::vector<TableRef> nodes(node_set.begin(), node_set.end());
  auto node_of = [&](const TableRef& table) {
    return static_cast<int>(std::lower_bound(nodes.begin(), nodes.end(), table) - nodes.begin());
  };
  std::vector<DrawnEdge> edges;
  for (const Join& join : graph.all_joins()) {
    if (join.kind == JoinKind::kRejected || !in_scope(join)) continue;
    edges.push_back({node_of(join.from.table_ref()), node_of(join.to.table_ref()), &join,
                     EdgeLabel(join, "\n")});
  }
  std::sort(edges.begin(), edges.end(), [](const DrawnEdge& x, const DrawnEdge& y) {
    return std::tie(x.from, x.to, x.label) < std::tie(y.from, y.to, y.label);
  });
  std::map<std::string, std::vector<int>> by_source;
  for (size_t i = 0; i < nodes.size(); ++i) {
    by_source[nodes[i].source].push_back(static_cast<int>(i));
  }

  std::string out;
  if (format == GraphFormat::kMermaid) {
    out += "flowchart LR\n";
    int subgraph = 0;
    for (const auto& [source, members] : by_source) {
      out += fmt::format("  subgraph s{}[\"{}\"]\n", subgraph++, MermaidText(source));
      for (int node : members) {
        out += fmt::format("    n{}[\"{}\"]\n", node, MermaidText(nodes[node].table));
      }
      out += "  end\n";
    }
    for (const DrawnEdge& edge : edges) {
      std::string_view arrow = edge.join->kind == JoinKind::kDeclared    ? "-->"
                               : edge.join->kind == JoinKind::kConfirmed ? "==>"
                                                                         : "-.->";
      out +=
          fmt::format("  n{} {}|\"{}\"| n{}\n", edge.from, arrow, MermaidText(edge.label), edge.to);
    }
    return out;
  }

  out += "digraph joins {\n  rankdir=LR;\n  node [shape=box];\n";
  int cluster = 0;
  for (const auto& [source, members] : by_source) {
    out += fmt::format("  subgraph cluster_{} {{\n    label=\"{}\";\n", cluster++, DotText(source));
    for (int node : members) {
      out += fmt::format("    n{} [label=\"{}\"];\n", node, DotText(nodes[node].table));
    }
    out += "  }\n";
  }
  for (const DrawnEdge& edge : edges) {
    std::string_view style = edge.join->kind == JoinKind::kDeclared ? "style=solid"
                             : edge.join->kind == JoinKind::kConfirmed
                                 ? "style=bold, color=darkgreen"
                                 : "style=dashed, color=gray40";
    out += fmt::format("  n{} -> n{} [label=\"{}\", {}];\n", edge.from, edge.to,
                       DotText(edge.label), style);
  }
  out += "}\n";
  return out;
}

}  // namespace cairn::context
