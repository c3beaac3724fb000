#include "service/context_cache.h"

#include <fmt/format.h>

#include "service/context_ops.h"

namespace cairn::service {
namespace {

// Distinct principals whose filtered join graphs are kept.
constexpr size_t kMaxJoinViews = 64;

// Identifies what a principal may see (policies grant by roles, filter by attributes).
std::string ViewKey(const engine::Principal& principal) {
  std::string key = principal.id;
  for (const auto& role : principal.roles) key += "\x1f" + role;
  key += "\x1e";
  for (const auto& [name, value] : principal.attributes) key += name + "=" + value + "\x1f";
  return key;
}

// Reloads the joins when another connection changed the state database and the joins'
// fingerprint differs (changes through this Api's own connection reset joins_loaded).
Status RefreshJoins(ContextCache* cache) {
  // SQLite says cheaply whether any other connection wrote; PostgreSQL has no such counter, so
  // there the fingerprint (one indexed aggregate) is read every time.
  int64_t version = -1;
  if (cache->db->dialect() == store::Dialect::kSqlite) {
    RETURN_IF_ERROR(cache->db->Query("PRAGMA data_version", {}, [&](const store::Row& row) {
      version = row.Int(0);
      return OkStatus();
    }));
    if (cache->joins_loaded && version == cache->data_version) return OkStatus();
  }
  std::string fingerprint;
  RETURN_IF_ERROR(cache->db->Query(
      "SELECT count(*), COALESCE(max(id), 0), COALESCE(max(updated_at), '') FROM joins", {},
      [&](const store::Row& row) {
        fingerprint = fmt::format("{}/{}/{}", row.Int(0), row.Int(1), row.Text(2));
        return OkStatus();
      }));
  cache->data_version = version;
  if (cache->joins_loaded && fingerprint == cache->joins_fingerprint) return OkStatus();
  ASSIGN_OR_RETURN(cache->all_joins, cache->joins->List());
  cache->joins_fingerprint = fingerprint;
  cache->views.clear();
  cache->joins_loaded = true;
  return OkStatus();
}

// Reloads the joining recipes when the recipes changed (RecipeStore::Changes, read on every
// call: a recall through another node can make one stale).
Status RefreshRecipes(ContextCache* cache) {
  ASSIGN_OR_RETURN(int64_t changes, cache->recipes->Changes());
  const std::string fingerprint = std::to_string(changes);
  if (cache->recipes_loaded && fingerprint == cache->recipes_fingerprint) return OkStatus();
  ASSIGN_OR_RETURN(cache->joining_recipes, cache->recipes->JoiningReads());
  cache->recipes_fingerprint = fingerprint;
  cache->recipe_reads.clear();
  cache->recipes_loaded = true;
  return OkStatus();
}

}  // namespace

Result<ContextCache*> OpenStores(Workspace* ws, ContextCache* cache) {
  if (cache->db == nullptr) {
    ASSIGN_OR_RETURN(store::StateDb * db, ws->StateDb());
    ASSIGN_OR_RETURN(context::SearchIndex search, context::SearchIndex::Open(db));
    ASSIGN_OR_RETURN(context::RecipeStore recipes, context::RecipeStore::Open(db));
    ASSIGN_OR_RETURN(context::JoinStore joins, context::JoinStore::Open(db));
    ASSIGN_OR_RETURN(context::Glossary glossary, context::Glossary::Open(db));
    cache->search.emplace(std::move(search));
    cache->recipes.emplace(std::move(recipes));
    cache->joins.emplace(std::move(joins));
    cache->glossary.emplace(std::move(glossary));
    cache->db = db;
  }
  return cache;
}

Result<std::shared_ptr<const ContextCache::View>> JoinView(ContextCache* cache,
                                                           engine::Session& session) {
  RETURN_IF_ERROR(RefreshJoins(cache));
  const std::string key = session.restricted() ? ViewKey(session.principal()) : std::string();
  auto found = cache->views.find(key);
  if (found != cache->views.end()) return found->second;
  auto view = std::make_shared<ContextCache::View>();
  view->joins = VisibleJoins(session, cache->all_joins);
  view->graph = context::JoinGraph::Build(view->joins);
  if (cache->views.size() >= kMaxJoinViews) cache->views.clear();
  cache->views.emplace(key, view);
  return std::shared_ptr<const ContextCache::View>(view);
}

Result<std::shared_ptr<const ContextCache::RecipeReads>> RecipeReadsView(ContextCache* cache,
                                                                         engine::Session& session) {
  RETURN_IF_ERROR(RefreshRecipes(cache));
  const std::string key = session.restricted() ? ViewKey(session.principal()) : std::string();
  auto found = cache->recipe_reads.find(key);
  if (found != cache->recipe_reads.end()) return found->second;
  auto reads = std::make_shared<ContextCache::RecipeReads>(
      VisibleRecipeReads(session, cache->joining_recipes));
  if (cache->recipe_reads.size() >= kMaxJoinViews) cache->recipe_reads.clear();
  cache->recipe_reads.emplace(key, reads);
  return std::shared_ptr<const ContextCache::RecipeReads>(reads);
}

}  // namespace cairn::service
