// `cairn search`, `remember`, `recall`, `recipes` (list, run, forget), `glossary` (list, add,
// remove) and `export-context`: the context people and agents state and reuse.

#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "context/catalog_store.h"
#include "context/export.h"
#include "context/glossary.h"
#include "context/recipes.h"
#include "context/search.h"
#include "service/context_ops.h"

namespace cairn::cli {
namespace {

using V = engine::Value;

std::string TablesText(const context::Recipe& recipe) {
  std::string text;
  for (const auto& table : recipe.tables) {
    text += (text.empty() ? "" : ", ") + table.source + "." + table.table;
  }
  return text;
}

struct SearchFlags {
  std::string text;
  int limit = 10;
  bool reindex = false;
};

Status RunSearch(Environment& env, const SearchFlags& flags, Format format) {
  ASSIGN_OR_RETURN(auto session, env.OpenSession());
  ASSIGN_OR_RETURN(store::StateDb * db, env.OpenStateDb());
  ASSIGN_OR_RETURN(context::SearchIndex index, context::SearchIndex::Open(db));
  // Rebuilt when never built, when asked, or when discovery profiled a table since.
  bool stale = flags.reindex;
  if (!stale) {
    ASSIGN_OR_RETURN(stale, service::SearchIndexStale(db, index));
  }
  if (stale) {
    ASSIGN_OR_RETURN(context::ReindexStats stats, context::Reindex(db, session.get()));
    for (const auto& skipped : stats.skipped_sources) {
      std::cerr << "cairn: warning: not indexed from the live schema: " << skipped << "\n";
    }
  }
  ASSIGN_OR_RETURN(context::RecipeStore recipes, context::RecipeStore::Open(db));
  ASSIGN_OR_RETURN(std::vector<context::SearchHit> hits,
                   service::VisibleSearch(*session, index, recipes, flags.text, flags.limit));
  auto printer = MakePrinter(format, &std::cout);
  RETURN_IF_ERROR(printer->Columns({"kind", "ref", "detail", "description", "score"}));
  for (const auto& hit : hits) {
    RETURN_IF_ERROR(printer->Row({V::Text(std::string(context::SearchKindName(hit.kind))),
                                  V::Text(hit.ref), V::Text(hit.detail), V::Text(hit.description),
                                  V::Real(std::round(hit.score * 1000) / 1000)}));
  }
  return printer->Finish();
}

struct RememberFlags {
  std::string question;
  std::string sql;
  std::string note;
};

Status RunRemember(Environment& env, const RememberFlags& flags, Format format) {
  ASSIGN_OR_RETURN(auto session, env.OpenSession());
  ASSIGN_OR_RETURN(store::StateDb * db, env.OpenStateDb());
  ASSIGN_OR_RETURN(context::RecipeStore recipes, context::RecipeStore::Open(db));
  ASSIGN_OR_RETURN(context::Recipe recipe,
                   recipes.Remember(session.get(), flags.question, flags.sql, flags.note));
  RETURN_IF_ERROR(env.Record("recipe_change", service::RememberSubject(recipe)));
  RETURN_IF_ERROR(service::RefreshSearch(db));
  if (format == Format::kJson || format == Format::kJsonl) {
    std::cout << service::RecipeToJson(recipe).dump(format == Format::kJson ? 2 : -1) << "\n";
  } else {
    std::cout << "remembered recipe " << recipe.id << " (reads " << TablesText(recipe) << ", "
              << recipe.columns.size() << " columns)\n";
  }
  return OkStatus();
}

struct RecallFlags {
  std::string question;
  int limit = 5;
};

Status RunRecall(Environment& env, const RecallFlags& flags, Format format) {
  ASSIGN_OR_RETURN(auto session, env.OpenSession());
  ASSIGN_OR_RETURN(store::StateDb * db, env.OpenStateDb());
  ASSIGN_OR_RETURN(context::RecipeStore recipes, context::RecipeStore::Open(db));
  ASSIGN_OR_RETURN(std::vector<context::RecipeMatch> matches,
                   service::VisibleRecall(*session, recipes, flags.question, flags.limit));
  if (format == Format::kJson || format == Format::kJsonl) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& match : matches) {
      nlohmann::ordered_json item = service::RecipeToJson(match.recipe);
      item["score"] = match.score;
      if (format == Format::kJsonl) {
        std::cout << item.dump() << "\n";
      } else {
        out.push_back(item);
      }
    }
    if (format == Format::kJson) std::cout << out.dump(2) << "\n";
    return OkStatus();
  }
  auto printer = MakePrinter(format, &std::cout);
  RETURN_IF_ERROR(
      printer->Columns({"id", "freshness", "question", "reuse_count", "why", "tables", "sql"}));
  for (const auto& match : matches) {
    const auto& r = match.recipe;
    RETURN_IF_ERROR(
        printer->Row({V::Integer(r.id), V::Text(std::string(context::FreshnessName(r.freshness))),
                      V::Text(r.question), V::Integer(r.reuse_count), V::Text(r.stale_reason),
                      V::Text(TablesText(r)), V::Text(r.sql)}));
  }
  return printer->Finish();
}

Status RunRecipesList(Environment& env, Format format) {
  ASSIGN_OR_RETURN(auto session, env.OpenSession());
  ASSIGN_OR_RETURN(store::StateDb * db, env.OpenStateDb());
  ASSIGN_OR_RETURN(context::RecipeStore recipes, context::RecipeStore::Open(db));
  ASSIGN_OR_RETURN(std::vector<context::Recipe> listed, recipes.List());
  std::vector<context::Recipe> all;
  for (auto& recipe : listed) {
    if (CanSeeRecipe(*session, recipe)) all.push_back(std::move(recipe));
  }
  if (format == Format::kJson) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& recipe : all) out.push_back(service::RecipeToJson(recipe));
    std::cout << out.dump(2) << "\n";
    return OkStatus();
  }
  auto printer = MakePrinter(format, &std::cout);
  RETURN_IF_ERROR(printer->Columns(
      {"id", "question", "freshness", "reuse_count", "tables", "stated_by", "created_at"}));
  for (const auto& r : all) {
    RETURN_IF_ERROR(printer->Row({V::Integer(r.id), V::Text(r.question),
                                  V::Text(std::string(context::FreshnessName(r.freshness))),
                                  V::Integer(r.reuse_count), V::Text(TablesText(r)),
                                  V::Text(r.stated_by), V::Text(r.created_at)}));
  }
  return printer->Finish();
}

Status RunRecipesRun(Environment& env, int64_t id, Format format) {
  ASSIGN_OR_RETURN(auto session, env.OpenSession());
  ASSIGN_OR_RETURN(store::StateDb * db, env.OpenStateDb());
  ASSIGN_OR_RETURN(context::RecipeStore recipes, context::RecipeStore::Open(db));
  // A recipe the principal may not see does not exist for it (running it would fail anyway).
  Result<context::Recipe> recipe = recipes.Get(id);
  if (recipe.ok() && !CanSeeRecipe(*session, *recipe)) {
    return NotFoundError("no recipe {}", id);
  }
  auto printer = MakePrinter(format, &std::cout);
  RETURN_IF_ERROR(recipes.Run(session.get(), id, printer.get()));
  return printer->Finish();
}

Status RunRecipesForget(Environment& env, int64_t id) {
  ASSIGN_OR_RETURN(store::StateDb * db, env.OpenStateDb());
  ASSIGN_OR_RETURN(context::RecipeStore recipes, context::RecipeStore::Open(db));
  RETURN_IF_ERROR(env.RequireAdmin("recipes forget"));
  RETURN_IF_ERROR(recipes.Forget(id));
  RETURN_IF_ERROR(env.Record("recipe_change", fmt::format("forget recipe {}", id)));
  RETURN_IF_ERROR(service::RefreshSearch(db));
  std::cout << "forgot recipe " << id << "\n";
  return OkStatus();
}

struct GlossaryFlags {
  std::string term;
  std::string definition;
  std::vector<std::string> see;
  std::vector<std::string> synonyms;
};

Status RunGlossaryList(Environment& env, Format format) {
  ASSIGN_OR_RETURN(store::StateDb * db, env.OpenStateDb());
  ASSIGN_OR_RETURN(context::Glossary glossary, context::Glossary::Open(db));
  ASSIGN_OR_RETURN(std::vector<context::GlossaryTerm> terms, glossary.ListTerms());
  if (format == Format::kJson) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& t : terms) {
      out.push_back({{"term", t.term},
                     {"definition", t.definition},
                     {"see", t.see},
                     {"synonyms", t.synonyms},
                     {"provenance", context::ProvenanceName(t.provenance)},
                     {"stated_by", t.stated_by},
                     {"stated_at", t.stated_at}});
    }
    std::cout << out.dump(2) << "\n";
    return OkStatus();
  }
  auto printer = MakePrinter(format, &std::cout);
  RETURN_IF_ERROR(
      printer->Columns({"term", "definition", "see", "synonyms", "stated_by", "stated_at"}));
  for (const auto& t : terms) {
    std::string see;
    for (const auto& ref : t.see) see += (see.empty() ? "" : ", ") + ref;
    std::string synonyms;
    for (const auto& synonym : t.synonyms) synonyms += (synonyms.empty() ? "" : ", ") + synonym;
    RETURN_IF_ERROR(printer->Row({V::Text(t.term), V::Text(t.definition), V::Text(see),
                                  V::Text(synonyms), V::Text(t.stated_by), V::Text(t.stated_at)}));
  }
  return printer->Finish();
}

Status RunGlossaryAdd(Environment& env, const GlossaryFlags& flags) {
  ASSIGN_OR_RETURN(auto session, env.OpenSession());
  ASSIGN_OR_RETURN(store::StateDb * db, env.OpenStateDb());
  // Every reference must name a table (and column) that exists now.
  for (const auto& ref : flags.see) {
    ASSIGN_OR_RETURN(context::ObjectRef parsed, context::ParseObjectRef(ref));
    ASSIGN_OR_RETURN(connectors::TableInfo table, session->Describe(parsed.source, parsed.table));
    if (!parsed.column.empty()) {
      bool found = false;
      for (const auto& column : table.columns) found = found || column.name == parsed.column;
      if (!found)
        return NotFoundError("--see {}: no column '{}' in {}.{}", ref, parsed.column, parsed.source,
                             parsed.table);
    }
  }
  ASSIGN_OR_RETURN(context::Glossary glossary, context::Glossary::Open(db));
  ASSIGN_OR_RETURN(context::GlossaryTerm term,
                   glossary.AddTerm(flags.term, flags.definition, flags.see,
                                    session->principal().id, flags.synonyms));
  RETURN_IF_ERROR(env.Record("glossary_change", fmt::format("glossary add {}", term.term)));
  RETURN_IF_ERROR(service::RefreshSearch(db));
  std::cout << "stated glossary term '" << term.term << "'\n";
  return OkStatus();
}

Status RunGlossaryRemove(Environment& env, const std::string& term) {
  ASSIGN_OR_RETURN(store::StateDb * db, env.OpenStateDb());
  ASSIGN_OR_RETURN(context::Glossary glossary, context::Glossary::Open(db));
  RETURN_IF_ERROR(glossary.RemoveTerm(term));
  RETURN_IF_ERROR(env.Record("glossary_change", fmt::format("glossary remove {}", term)));
  RETURN_IF_ERROR(service::RefreshSearch(db));
  std::cout << "removed glossary term '" << term << "'\n";
  return OkStatus();
}

Status RunExport(Environment& env, const std::string& dir) {
  ASSIGN_OR_RETURN(auto session, env.OpenSession());
  ASSIGN_OR_RETURN(store::StateDb * db, env.OpenStateDb());
  ASSIGN_OR_RETURN(context::ExportSnapshot snapshot, context::GatherExport(db, session.get()));
  ASSIGN_OR_RETURN(context::ExportStats stats, context::WriteContextTree(snapshot, dir));
  std::cout << "wrote " << stats.files << " files (" << stats.tables << " tables, " << stats.recipes
            << " recipes) to " << dir << "\n";
  for (const auto& source : snapshot.sources) {
    if (!source.status.ok()) {
      std::cerr << "cairn: warning: source '" << source.name
                << "' exported without its tables: " << source.status.ToString() << "\n";
    }
  }
  return OkStatus();
}

}  // namespace

void RegisterMemoryCommands(Cli* cli) {
  CLI::App& app = *cli->app;

  auto* search = app.add_subcommand(
      "search", "Search tables, columns, glossary terms and recipes (BM25 ranking)");
  auto search_flags = std::make_shared<SearchFlags>();
  search->add_option("text", search_flags->text, "Free text")->required();
  search->add_option("--limit,-n", search_flags->limit, "How many results")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  search->add_flag("--reindex", search_flags->reindex,
                   "Rebuild the index from the sources' current schemas first");
  cli->AddFormat(search);
  search->callback(cli->Run(
      [cli, search_flags](Format format) { return RunSearch(cli->env, *search_flags, format); }));

  auto* remember =
      app.add_subcommand("remember", "Remember a recipe: a question and the SQL that answers it");
  auto remember_flags = std::make_shared<RememberFlags>();
  remember->add_option("--question,-q", remember_flags->question, "The question")->required();
  remember->add_option("--sql", remember_flags->sql, "The SQL (must compile now)")->required();
  remember->add_option("--note", remember_flags->note, "Anything the next reader should know");
  cli->AddFormat(remember);
  remember->callback(cli->Run([cli, remember_flags](Format format) {
    return RunRemember(cli->env, *remember_flags, format);
  }));

  auto* recall = app.add_subcommand(
      "recall", "Find remembered recipes for a question, re-checked against today's schemas");
  auto recall_flags = std::make_shared<RecallFlags>();
  recall->add_option("question", recall_flags->question, "The question")->required();
  recall->add_option("--limit,-n", recall_flags->limit, "How many recipes")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  cli->AddFormat(recall);
  recall->callback(cli->Run(
      [cli, recall_flags](Format format) { return RunRecall(cli->env, *recall_flags, format); }));

  auto* recipes = app.add_subcommand("recipes", "List remembered recipes; run or forget one");
  cli->AddFormat(recipes);
  auto recipe_id = std::make_shared<int64_t>(0);
  auto* run = recipes->add_subcommand("run", "Run a recipe's SQL (refused when it is stale)");
  run->add_option("id", *recipe_id, "Recipe id")->required();
  cli->AddFormat(run);
  run->callback(cli->Run(
      [cli, recipe_id](Format format) { return RunRecipesRun(cli->env, *recipe_id, format); }));
  auto* forget = recipes->add_subcommand("forget", "Remove a recipe");
  forget->add_option("id", *recipe_id, "Recipe id")->required();
  forget->callback(
      cli->Run([cli, recipe_id](Format) { return RunRecipesForget(cli->env, *recipe_id); }));
  auto list_recipes = cli->Run([cli](Format format) { return RunRecipesList(cli->env, format); });
  recipes->callback([run, forget, list_recipes] {
    if (!run->parsed() && !forget->parsed()) list_recipes();
  });

  auto* glossary = app.add_subcommand("glossary", "List, add or remove business glossary terms");
  cli->AddFormat(glossary);
  auto glossary_flags = std::make_shared<GlossaryFlags>();
  auto* list = glossary->add_subcommand("list", "List the terms");
  cli->AddFormat(list);
  auto* add = glossary->add_subcommand("add", "State a term (restating replaces it)");
  add->add_option("term", glossary_flags->term, "The term")->required();
  add->add_option("--definition,-d", glossary_flags->definition, "What it means")->required();
  add->add_option("--see", glossary_flags->see,
                  "source.table or source.table.column it refers to (repeatable)");
  add->add_option("--synonym,-s", glossary_flags->synonyms,
                  "Another word people use for it (repeatable): recall and search read a "
                  "question that says it as saying the term");
  add->callback(cli->Run(
      [cli, glossary_flags](Format) { return RunGlossaryAdd(cli->env, *glossary_flags); }));
  auto* remove = glossary->add_subcommand("remove", "Remove a term");
  remove->add_option("term", glossary_flags->term, "The term")->required();
  remove->callback(cli->Run(
      [cli, glossary_flags](Format) { return RunGlossaryRemove(cli->env, glossary_flags->term); }));
  auto list_terms = cli->Run([cli](Format format) { return RunGlossaryList(cli->env, format); });
  glossary->callback([add, remove, list_terms] {
    if (!add->parsed() && !remove->parsed()) list_terms();
  });

  auto* exporter = app.add_subcommand(
      "export-context", "Write the context as Markdown files (one per source, table, recipe)");
  auto export_dir = std::make_shared<std::string>();
  exporter->add_option("dir", *export_dir, "Directory to write (replaced on re-export)")
      ->required();
  exporter->callback(
      cli->Run([cli, export_dir](Format) { return RunExport(cli->env, *export_dir); }));
}

}  // namespace cairn::cli
