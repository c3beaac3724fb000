#pragma once

// What an Api keeps between calls (Api::Cache, service/api.cc): the context stores opened on the
// workspace's state database, the joins with each principal's view of them (its visible joins
// and their graph), and the columns of the recipes that join tables, each reloaded when the
// state's joins or recipes change.
//
// Thread-safety: none; as the Api (one thread at a time).

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "context/glossary.h"
#include "context/join_graph.h"
#include "context/join_path.h"
#include "context/join_store.h"
#include "context/model.h"
#include "context/recipes.h"
#include "context/search.h"
#include "core/status.h"
#include "engine/session.h"
#include "service/workspace.h"
#include "store/state_db.h"

namespace cairn::service {

struct ContextCache {
  store::StateDb* db = nullptr;
  std::optional<context::SearchIndex> search;
  std::optional<context::RecipeStore> recipes;
  std::optional<context::JoinStore> joins;
  std::optional<context::Glossary> glossary;

  // The search index was found current at index_checked.
  bool index_ready = false;
  std::chrono::steady_clock::time_point index_checked;

  // Every join of the store, while the state database's data_version and the joins'
  // fingerprint (count, max id, max updated_at) are unchanged.
  bool joins_loaded = false;
  int64_t data_version = -1;
  std::string joins_fingerprint;
  std::vector<context::Join> all_joins;
  // What one principal sees of them: its joins and their graph.
  struct View {
    std::vector<context::Join> joins;
    context::JoinGraph graph;
  };
  std::map<std::string, std::shared_ptr<const View>> views;

  // Every recipe over two tables or more that is not stale (RecipeStore::JoiningReads), while
  // the recipes' fingerprint (count, max id, stale count) is unchanged; and per principal the
  // columns of those it may see, for join paths (PathOptions::recipe_reads).
  using RecipeReads = std::vector<std::vector<context::PathOptions::NamedColumn>>;
  bool recipes_loaded = false;
  std::string recipes_fingerprint;
  std::vector<context::Recipe> joining_recipes;
  std::map<std::string, std::shared_ptr<const RecipeReads>> recipe_reads;
};

// Opens the stores on the workspace's state database the first time; returns `cache`.
Result<ContextCache*> OpenStores(Workspace* ws, ContextCache* cache);

// The joins `session`'s principal may see and their graph, reloading the joins when they changed.
Result<std::shared_ptr<const ContextCache::View>> JoinView(ContextCache* cache,
                                                           engine::Session& session);

// The columns of each joining recipe `session`'s principal may see, reloading the recipes when
// they changed.
Result<std::shared_ptr<const ContextCache::RecipeReads>> RecipeReadsView(ContextCache* cache,
                                                                         engine::Session& session);

}  // namespace cairn::service
