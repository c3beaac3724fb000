// `cairn path` and `cairn graph`: join paths and the join graph over the joins of the context
// store (context/join_path.h, context/join_graph.h).

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "context/join_bridges.h"
#include "context/join_graph.h"
#include "context/join_path.h"
#include "context/join_store.h"
#include "service/context_ops.h"

namespace cairn::cli {
namespace {

// The joins the acting principal may see (both sides granted).
Result<std::vector<context::Join>> LoadJoins(Environment& env) {
  ASSIGN_OR_RETURN(auto session, env.OpenSession());
  ASSIGN_OR_RETURN(store::StateDb * db, env.OpenStateDb());
  ASSIGN_OR_RETURN(context::JoinStore joins, context::JoinStore::Open(db));
  ASSIGN_OR_RETURN(std::vector<context::Join> listed, joins.List());
  return service::VisibleJoins(*session, std::move(listed));
}

std::string ColumnsText(const context::JoinSide& side) {
  std::string out;
  for (size_t i = 0; i < side.columns.size(); ++i) {
    out += (i > 0 ? ", " : "") + side.columns[i];
  }
  return out;
}

Status PrintJoins(const std::vector<context::Join>& joins) {
  auto printer = MakePrinter(Format::kTable, &std::cout);
  RETURN_IF_ERROR(printer->Columns({"from", "columns", "to", "columns", "kind", "score"}));
  for (const context::Join& join : joins) {
    using V = engine::Value;
    RETURN_IF_ERROR(printer->Row(
        {V::Text(join.from.table_ref().ToString()), V::Text(ColumnsText(join.from)),
         V::Text(join.to.table_ref().ToString()), V::Text(ColumnsText(join.to)),
         V::Text(std::string(context::JoinKindName(join.kind))), V::Real(join.score)}));
  }
  return printer->Finish();
}

Status RunPath(Environment& env, const std::vector<std::string>& names,
               const std::vector<std::string>& columns, const std::vector<std::string>& fixed,
               const std::string& format, int max_alternatives) {
  if (names.size() < 2) {
    return InvalidArgumentError("a join path needs at least two tables, got {}", names.size());
  }
  ASSIGN_OR_RETURN(std::vector<context::Join> joins, LoadJoins(env));
  context::JoinGraph graph = context::JoinGraph::Build(joins);
  ASSIGN_OR_RETURN(auto session, env.OpenSession());
  ASSIGN_OR_RETURN(std::vector<context::TableRef> tables,
                   service::ResolveTables(*session, *env.catalog(), names, joins, &graph));
  context::PathOptions options;
  options.max_alternatives = max_alternatives;
  ASSIGN_OR_RETURN(options.named_columns, service::PathColumns(columns, tables, "--column"));
  ASSIGN_OR_RETURN(options.fixed_columns, service::PathColumns(fixed, tables, "--fixed"));
  ASSIGN_OR_RETURN(store::StateDb * db, env.OpenStateDb());
  ASSIGN_OR_RETURN(context::RecipeStore recipes, context::RecipeStore::Open(db));
  ASSIGN_OR_RETURN(std::vector<context::Recipe> joining, recipes.JoiningReads());
  const auto reads = service::VisibleRecipeReads(*session, joining);
  options.recipe_reads = reads;
  ASSIGN_OR_RETURN(context::JoinPlan plan, context::FindJoinPlan(graph, tables, options));
  if (format == "json") {
    std::cout << plan.ToJson().dump(2) << "\n";
    return OkStatus();
  }
  if (format == "jsonl") {
    std::cout << plan.ToJson().dump() << "\n";
    return OkStatus();
  }
  std::cout << plan.best.sql << ";\n\n";
  RETURN_IF_ERROR(PrintJoins(plan.best.joins));
  std::cout << fmt::format("cost {:.2f}\n", plan.best.cost);
  if (plan.decided_by == "order") {
    std::cout << fmt::format(
        "note: {} alternative(s) below cost the same and nothing told them apart: choose the one "
        "the question is about\n",
        plan.tied);
  } else if (plan.tied > 0) {
    std::cout << fmt::format("note: {} alternative(s) below cost the same; chosen by {}\n",
                             plan.tied, plan.decided_by);
  }
  for (const context::Join& join : plan.best.joins) {
    if (!context::IsBridge(join)) continue;
    std::cout << fmt::format(
        "note: {}.{} = {}.{} is a bridge, not a key join: the tables share that column ({}), "
        "and no key join connects them\n",
        join.from.table_ref().ToString(), ColumnsText(join.from), join.to.table_ref().ToString(),
        ColumnsText(join.to), join.evidence.value("cardinality", "many_to_many"));
  }
  for (size_t i = 0; i < plan.alternatives.size(); ++i) {
    const context::JoinTree& alternative = plan.alternatives[i];
    std::cout << fmt::format("\nalternative {} (cost {:.2f}):\n{};\n", i + 1, alternative.cost,
                             alternative.sql);
  }
  return OkStatus();
}

Status RunGraph(Environment& env, const std::vector<std::string>& sources,
                const std::string& format) {
  ASSIGN_OR_RETURN(std::vector<context::Join> joins, LoadJoins(env));  // loads the catalog too
  for (const std::string& source : sources) {
    if (env.catalog()->IndexOf(source) < 0) return NotFoundError("no such source '{}'", source);
  }
  context::JoinGraph graph = context::JoinGraph::Build(joins);
  std::cout << context::RenderGraph(
      graph, format == "dot" ? context::GraphFormat::kDot : context::GraphFormat::kMermaid,
      sources);
  return OkStatus();
}

}  // namespace

void RegisterPathCommands(Cli* cli) {
  struct PathFlags {
    std::vector<std::string> tables;
    std::vector<std::string> columns;
    std::vector<std::string> fixed;
    std::string format = "table";
    int alternatives = 3;
    std::vector<std::string> sources;
    std::string graph_format = "mermaid";
  };
  auto flags = std::make_shared<PathFlags>();

  auto* path = cli->app->add_subcommand(
      "path", "The best join tree connecting tables (source.table or a unique table name), as SQL");
  path->add_option("tables", flags->tables, "Two or more tables")->required();
  path->add_option("--column", flags->columns,
                   "A column the question names (table.column, repeatable): among equally cheap "
                   "trees the one joining over more of them wins");
  path->add_option("--fixed", flags->fixed,
                   "A column the question compares with a constant (table.column, repeatable): "
                   "among equally cheap trees the one joining over fewer of them wins");
  path->add_option("--format,-f", flags->format, "Output format: table, json, jsonl")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "json", "jsonl"}));
  path->add_option("--alternatives", flags->alternatives,
                   "At most this many alternatives (within 25% of the best cost)")
      ->capture_default_str()
      ->check(CLI::Range(0, 3));
  path->callback(cli->Run([cli, flags](Format) {
    return RunPath(cli->env, flags->tables, flags->columns, flags->fixed, flags->format,
                   flags->alternatives);
  }));

  auto* graph = cli->app->add_subcommand(
      "graph", "Draw the join graph (Mermaid or Graphviz DOT); rejected joins are left out");
  graph->add_option("sources", flags->sources, "Only joins touching these sources");
  graph->add_option("--format,-f", flags->graph_format, "Output format: mermaid, dot")
      ->capture_default_str()
      ->check(CLI::IsMember({"mermaid", "dot"}));
  graph->callback(cli->Run(
      [cli, flags](Format) { return RunGraph(cli->env, flags->sources, flags->graph_format); }));
}

}  // namespace cairn::cli
