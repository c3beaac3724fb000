#include "service/context_ops.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <optional>

#include "context/catalog_store.h"
#include "service/visibility.h"

namespace cairn::service {

nlohmann::ordered_json RecipeToJson(const context::Recipe& recipe) {
  nlohmann::ordered_json tables = nlohmann::ordered_json::array();
  for (const auto& table : recipe.tables) {
    tables.push_back(
        {{"source", table.source}, {"table", table.table}, {"fingerprint", table.fingerprint}});
  }
  nlohmann::ordered_json columns = nlohmann::ordered_json::array();
  for (const auto& column : recipe.columns) {
    columns.push_back(
        {{"source", column.source}, {"table", column.table}, {"column", column.column}});
  }
  return {{"id", recipe.id},
          {"question", recipe.question},
          {"sql", recipe.sql},
          {"note", recipe.note},
          {"freshness", context::FreshnessName(recipe.freshness)},
          {"servable", context::IsServable(recipe.freshness)},
          {"stale_reason", recipe.stale_reason},
          {"tables", tables},
          {"columns", columns},
          {"provenance", "stated"},
          {"stated_by", recipe.stated_by},
          {"created_at", recipe.created_at},
          {"reuse_count", recipe.reuse_count},
          {"last_used_at", recipe.last_used_at},
          {"checked_at", recipe.checked_at}};
}

std::vector<context::Join> VisibleJoins(engine::Session& session,
                                        std::vector<context::Join> joins) {
  if (!session.restricted()) return joins;
  std::vector<context::Join> visible;
  for (auto& join : joins) {
    if (CanSeeJoin(session, join)) visible.push_back(std::move(join));
  }
  return visible;
}

Result<std::vector<context::TableRef>> ResolveTables(engine::Session& session,
                                                     engine::Catalog& catalog,
                                                     const std::vector<std::string>& names,
                                                     const std::vector<context::Join>& joins,
                                                     context::JoinGraph* graph) {
  std::vector<context::TableRef> tables;
  std::vector<context::TableRef> extra;
  std::optional<std::vector<context::TableRef>> source_tables;
  for (const std::string& name : names) {
    Result<context::TableRef> table = graph->Resolve(name);
    if (!table.ok() && table.status().code() == StatusCode::kNotFound) {
      if (!source_tables) {
        source_tables.emplace();
        for (const std::string& source : catalog.SourceNames()) {
          Result<std::vector<connectors::TableInfo>> listed = session.Tables(source);
          if (!listed.ok()) continue;  // an unreachable source cannot name the table
          for (const auto& info : *listed) source_tables->push_back({source, info.name});
        }
      }
      table = context::ResolveTableName(name, *source_tables);
      if (table.ok()) extra.push_back(*table);
    }
    if (!table.ok()) return table.status();
    tables.push_back(*table);
  }
  if (!extra.empty()) *graph = context::JoinGraph::Build(joins, {}, extra);
  return tables;
}

Result<bool> SearchIndexStale(store::StateDb* db, context::SearchIndex& index) {
  ASSIGN_OR_RETURN(std::string indexed_at, index.SchemaIndexedAt());
  if (indexed_at.empty()) return true;
  ASSIGN_OR_RETURN(context::CatalogStore catalog, context::CatalogStore::Open(db));
  // The names' translations changed (a lexicon set in cairn.yaml or taken out) with no table
  // profiled again.
  ASSIGN_OR_RETURN(std::string translated_at, catalog.NameTranslationsChangedAt());
  if (translated_at > indexed_at) return true;
  ASSIGN_OR_RETURN(std::vector<context::TableProfile> profiles,
                   catalog.ListTables(std::nullopt, context::ColumnDetail::kNone));
  for (const auto& profile : profiles) {
    if (profile.profiled_at > indexed_at) return true;
  }
  return false;
}

Status RefreshSearch(store::StateDb* db) {
  ASSIGN_OR_RETURN(context::SearchIndex index, context::SearchIndex::Open(db));
  return index.RefreshStated().status();
}

Result<std::vector<context::SearchHit>> VisibleSearch(engine::Session& session,
                                                      context::SearchIndex& index,
                                                      context::RecipeStore& recipes,
                                                      std::string_view text, int limit) {
  // A restricted principal sees only hits on what it may see; ask for more to fill the page.
  const int want = session.restricted() ? limit * 8 : limit;
  ASSIGN_OR_RETURN(std::vector<context::SearchHit> found, index.Search(text, want));
  std::vector<context::SearchHit> hits;
  for (auto& hit : found) {
    if (static_cast<int>(hits.size()) == limit) break;
    if (CanSeeHit(session, hit, &recipes)) hits.push_back(std::move(hit));
  }
  return hits;
}

Result<std::vector<context::RecipeMatch>> VisibleRecall(engine::Session& session,
                                                        context::RecipeStore& recipes,
                                                        std::string_view question, int limit) {
  if (!session.restricted()) return recipes.Recall(&session, question, limit);
  return recipes.Recall(&session, question, limit, [&session](const context::Recipe& recipe) {
    return CanSeeRecipe(session, recipe);
  });
}

Result<std::vector<context::PathOptions::NamedColumn>> PathColumns(
    const std::vector<std::string>& names, const std::vector<context::TableRef>& tables,
    std::string_view param) {
  std::vector<context::PathOptions::NamedColumn> columns;
  for (const auto& name : names) {
    // The table part is everything before the last dot, resolved as a table name is.
    const size_t dot = name.rfind('.');
    Result<context::TableRef> table = dot == std::string::npos || dot + 1 == name.size()
                                          ? Result<context::TableRef>(NotFoundError("no table"))
                                          : context::ResolveTableName(name.substr(0, dot), tables);
    if (!table.ok()) {
      return InvalidArgumentError("{}: '{}' must be \"table.column\" of one of the given tables",
                                  param, name);
    }
    columns.push_back({*table, name.substr(dot + 1)});
  }
  return columns;
}

std::vector<std::vector<context::PathOptions::NamedColumn>> VisibleRecipeReads(
    engine::Session& session, const std::vector<context::Recipe>& joining) {
  std::vector<std::vector<context::PathOptions::NamedColumn>> reads;
  for (const context::Recipe& recipe : joining) {
    if (!CanSeeRecipe(session, recipe)) continue;
    std::vector<context::PathOptions::NamedColumn>& columns = reads.emplace_back();
    for (const engine::ColumnRead& read : recipe.columns) {
      columns.push_back({{read.source, read.table}, read.column});
    }
  }
  return reads;
}

std::string JoinVerdictSubject(const context::Join& join) {
  return fmt::format("{} join {}: {}.{}({}) -> {}.{}({})", context::JoinKindName(join.kind),
                     join.id, join.from.source, join.from.table, fmt::join(join.from.columns, ","),
                     join.to.source, join.to.table, fmt::join(join.to.columns, ","));
}

std::string RememberSubject(const context::Recipe& recipe) {
  return fmt::format("remember recipe {}: {}", recipe.id, recipe.question);
}

std::string PrincipalAddSubject(const policy::PrincipalRecord& p) {
  nlohmann::json attributes = p.attributes;
  return fmt::format("principal add {} kind={} roles=[{}] attributes={}", p.id, p.kind,
                     fmt::join(p.roles, ","),
                     attributes.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::string PrincipalSetDisabledSubject(const std::string& id, bool disabled) {
  return fmt::format("principal {} {}", disabled ? "disable" : "enable", id);
}

std::string TokenIssueSubject(const policy::TokenRecord& t) {
  return fmt::format("token issue {} for {} expires {}", t.id, t.principal,
                     t.expires.empty() ? std::string("never") : t.expires);
}

std::string TokenRevokeSubject(const std::string& token_id) { return "token revoke " + token_id; }

}  // namespace cairn::service
