#pragma once

// Operations on the shared context (and the ledger subjects of state changes) that every door
// performs the same way: the CLI (src/cli/) and the network API (service/api.h) both call these,
// so filtering by what a principal may see and the wording of ledger entries cannot drift apart.
//
// Thread-safety: as the Session, StateDb and stores passed in (one thread at a time).

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "context/join_graph.h"
#include "context/join_path.h"
#include "context/model.h"
#include "context/recipes.h"
#include "context/search.h"
#include "core/status.h"
#include "engine/catalog.h"
#include "engine/session.h"
#include "policy/principals.h"
#include "store/state_db.h"

namespace cairn::service {

// {"id","question","sql","note","freshness","servable","stale_reason","tables":[{"source",
//  "table","fingerprint"}],"columns":[{"source","table","column"}],"provenance","stated_by",
//  "created_at","reuse_count","last_used_at","checked_at"}: the shape of
// `cairn remember --format json`.
nlohmann::ordered_json RecipeToJson(const context::Recipe& recipe);

// The joins of `joins` that the session's principal may see (both sides granted), in order.
std::vector<context::Join> VisibleJoins(engine::Session& session, std::vector<context::Join> joins);

// Resolves each name ("source.table" or an unambiguous "table") against `graph`; a name the
// graph does not know is looked up in the sources the session may see, so that a real table
// without joins is reported as disconnected rather than unknown (then *graph is rebuilt from
// `joins` with those tables as extra nodes). NotFound for an unknown (or not visible) table;
// InvalidArgument for an ambiguous name.
Result<std::vector<context::TableRef>> ResolveTables(engine::Session& session,
                                                     engine::Catalog& catalog,
                                                     const std::vector<std::string>& names,
                                                     const std::vector<context::Join>& joins,
                                                     context::JoinGraph* graph);

// Resolves columns named "table.column" or "source.table.column" (the table part resolved as
// ResolveTableName does, against `tables`) for PathOptions::named_columns or fixed_columns.
// InvalidArgument naming `param` for a name not of the form or not of one of `tables`.
Result<std::vector<context::PathOptions::NamedColumn>> PathColumns(
    const std::vector<std::string>& names, const std::vector<context::TableRef>& tables,
    std::string_view param);

// Whether the search index must be rebuilt: never built, or since it was, discovery profiled a
// table or changed the names' translations (a lexicon set or taken out).
Result<bool> SearchIndexStale(store::StateDb* db, context::SearchIndex& index);

// Re-reads the stated documents (descriptions, terms, recipes) into the search index, after a
// stated change.
Status RefreshSearch(store::StateDb* db);

// The best `limit` search hits the session's principal may see, best first.
Result<std::vector<context::SearchHit>> VisibleSearch(engine::Session& session,
                                                      context::SearchIndex& index,
                                                      context::RecipeStore& recipes,
                                                      std::string_view text, int limit);

// RecipeStore::Recall() keeping only recipes the session's principal may see, at most `limit`;
// the others are neither checked nor returned.
Result<std::vector<context::RecipeMatch>> VisibleRecall(engine::Session& session,
                                                        context::RecipeStore& recipes,
                                                        std::string_view question, int limit);

// The columns each of `joining` (RecipeStore::JoiningReads: recipes over two tables or more,
// not stale) that the session's principal may see reads, for join paths
// (PathOptions::recipe_reads).
std::vector<std::vector<context::PathOptions::NamedColumn>> VisibleRecipeReads(
    engine::Session& session, const std::vector<context::Recipe>& joining);

// Ledger subjects of state changes ("join_verdict", "recipe_change", "principal_change",
// "token_change"; the CLI also records "glossary_change" and "description_change").
std::string JoinVerdictSubject(const context::Join& join);
std::string RememberSubject(const context::Recipe& recipe);
std::string PrincipalAddSubject(const policy::PrincipalRecord& principal);
std::string PrincipalSetDisabledSubject(const std::string& id, bool disabled);
std::string TokenIssueSubject(const policy::TokenRecord& token);
std::string TokenRevokeSubject(const std::string& token_id);

}  // namespace cairn::service
