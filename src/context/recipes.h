#pragma once

// Recipes: remembered ways to answer a question, kept fresh against the sources' schemas.
//
// Remember() compiles the SQL through the Session (it must compile against the current schema)
// and records which tables and columns it reads (from the authorizer, StatementInfo::reads)
// with each table's schema fingerprint at that time, the principal who stated it and when.
//
// Freshness is checked whenever a recipe is recalled, run or checked, against each used table as
// its source holds it now (Session::CurrentTable: read again, not the schema a session cached
// when it first read the source, so that a long-running server's sessions see a change too):
// when every used table's fingerprint still matches, the recipe is kFresh. When one changed, the
// recipe is re-verified: a used table that is gone, a read column that no longer exists (renamed or
// dropped) or SQL that no longer compiles makes it kStale, with the reason; otherwise it is
// kSchemaChanged (still good) and the new fingerprints are recorded. A stale recipe is never
// reported fresh and never counted as reused; it turns fresh again only if the schema comes back. A
// source that cannot be reached leaves the recipe kUnverified.
//
// Reuse: counted when a recipe is run (Run(), or CountReuse() by a caller that runs a checked
// recipe's SQL itself), never for being listed by Recall().
//
// Tables (StateDb component "recipes"): recipes, recipe_tables, recipe_columns, recipes_changes
// (one row: Changes()) and the full-text index recipes_fts (question, note, names of the used
// tables and columns). On SQLite state it is FTS5, ranked by BM25 (weights 10, 3, 2); on PostgreSQL
// state a table with a weighted tsvector (A, B, C; english stemming) under a GIN index, ranked by
// ts_rank with the same relative weights. Both match every query word as a prefix, OR-ed, so the
// same recipes are recalled; recipes with close scores may come in another order on the two
// engines.
//
// Errors: the StateDb's; the Session's for SQL that does not compile (kInvalidArgument,
// kNotFound, kPermissionDenied...), with nothing stored; kInvalidArgument for an empty question
// or SQL; kNotFound for an unknown id; kFailedPrecondition when running a stale recipe.
//
// Thread-safety: one thread at a time (recall keeps the glossary's terms between calls), the
// StateDb and Session as they allow. The StateDb must outlive the RecipeStore.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/source.h"
#include "context/catalog_store.h"
#include "context/glossary.h"
#include "core/status.h"
#include "engine/session.h"
#include "store/state_db.h"

namespace cairn::context {

// A stable hash (16 hex digits, FNV-1a 64) of a table's column names and declared types, in
// column order. Any rename, drop, addition or retype changes it.
std::string TableFingerprint(const connectors::TableInfo& table);

enum class Freshness {
  kFresh,          // every used table's schema is as when last verified
  kSchemaChanged,  // a used table changed, but the SQL compiles and every read column exists
  kStale,          // a used table or column is gone, or the SQL no longer compiles
  kUnverified,     // a used source could not be reached to check
};
// "fresh", "fresh (schema changed)", "stale", "unverified".
std::string_view FreshnessName(Freshness freshness);
// True for kFresh and kSchemaChanged: the recipe may be served as an answer.
inline bool IsServable(Freshness freshness) {
  return freshness == Freshness::kFresh || freshness == Freshness::kSchemaChanged;
}

struct RecipeTable {
  std::string source;
  std::string table;
  std::string fingerprint;  // TableFingerprint() when last verified
};

struct Recipe {
  int64_t id = 0;
  std::string question;
  std::string sql;
  std::string note;
  std::vector<RecipeTable> tables;          // sorted by source, table
  std::vector<engine::ColumnRead> columns;  // as StatementInfo::reads (column never empty)
  std::string stated_by;
  std::string created_at;  // ISO-8601 UTC
  int64_t reuse_count = 0;
  std::string last_used_at;  // empty when never reused
  Freshness freshness = Freshness::kFresh;
  std::string stale_reason;  // why it is stale or unverified
  std::string checked_at;    // last freshness check
};

struct RecipeMatch {
  Recipe recipe;
  double score = 0;  // relevance (BM25; ts_rank on PostgreSQL state), higher is better
};

// Whether a caller may see a recipe (service::CanSeeRecipe, for one session).
using RecipeFilter = std::function<bool(const Recipe&)>;

class RecipeStore {
 public:
  // Applies the "recipes" migrations. Errors from the StateDb.
  static Result<RecipeStore> Open(store::StateDb* db);

  // Validates and stores a recipe stated by session->principal(). See the top of the file. The
  // same question with the same SQL again is the same recipe: its id, provenance and reuse count
  // are kept, its reads and fingerprints are those of now (fresh), its note the new one unless
  // that is empty.
  Result<Recipe> Remember(engine::Session* session, const std::string& question,
                          const std::string& sql, const std::string& note);

  // Stored state, without re-checking freshness. NotFound for an unknown id.
  Result<Recipe> Get(int64_t id);
  // Every recipe by id, without re-checking freshness.
  Result<std::vector<Recipe>> List();
  // The recipes that read two tables or more and are not stale, with their id, freshness,
  // tables and columns only (two queries, no re-check): the joins earlier answers made, which
  // join paths prefer among equal-cost trees (PathOptions::recipe_reads).
  Result<std::vector<Recipe>> JoiningReads();
  // Removes a recipe. NotFound for an unknown id.
  Status Forget(int64_t id);
  // A counter that every Remember and Forget, and every change of a recipe's stored freshness,
  // raises in the same transaction (0 before the first): while it stays the same, so do the
  // recipes, their freshness, tables and columns (what JoiningReads reads). For caches; a
  // recall that finds nothing changed leaves it alone.
  Result<int64_t> Changes();

  // Re-checks freshness against the session's current schemas and records the outcome.
  Result<Recipe> Check(engine::Session* session, int64_t id);

  // The recipes best matching `question` (BM25 over question, note, table and column names),
  // at most `limit`, each re-checked: servable ones first (by relevance), then the others. The
  // question is read with the glossary: a term it names by a word no recipe uses (TermMatcher)
  // is also named by those of the term's other names that some recipe uses, so "boxes" finds
  // the recipes about containers when the term "container" lists "box". A word the recipes
  // already use is left alone: the glossary fills gaps in the words, it does not reweigh them.
  // So does a lexicon (cairn.yaml's context.lexicon, through the name translations discovery
  // stores): a word no recipe uses that translates a word of a table's or column's name some
  // recipe uses is also read as that word, so "warehouse" finds the recipes over `lager`.
  // With `visible`, only the recipes it accepts (told from the stored recipe, before the check)
  // are checked and returned: a caller's recall leaves the recipes it may not see as they were.
  // Counts no reuse. No words -> empty.
  Result<std::vector<RecipeMatch>> Recall(engine::Session* session, std::string_view question,
                                          int limit, const RecipeFilter& visible = nullptr);

  // Checks freshness, then runs the SQL into `sink` and counts one reuse. FailedPrecondition
  // (with the reason) when the recipe is stale or unverified; the Session's errors otherwise.
  Status Run(engine::Session* session, int64_t id, engine::RowSink* sink);
  // Counts one reuse of the recipe (its reuse_count and last_used_at): for a caller that runs a
  // checked recipe's SQL itself, as service::Api::RunRecipe does through its paged query.
  Status CountReuse(int64_t id);

 private:
  explicit RecipeStore(store::StateDb* db) : db_(db) {}
  Result<Recipe> Verify(engine::Session* session, Recipe recipe);
  // Whether some recipe's question, note or objects hold every word of `name`, as the index
  // stems words, not as a prefix: "ship" is not said by "shippers".
  Result<bool> AnyRecipeSays(const std::string& name);
  // `question` with the names the glossary adds to it (see Recall).
  Result<std::string> WithGlossaryNames(std::string_view question);
  // `words` with the words of names that the catalog's name translations (a lexicon's, see
  // CatalogStore::GetNameTranslations) translate a word of `question` to (see Recall).
  Result<std::string> WithTranslatedNames(std::string_view question, std::string words);
  store::StateDb* db_;
  // The glossary's terms as recall last read them, and Glossary::TermChanges() then: read again
  // only when a term was stated or removed since (by any connection or node).
  std::optional<Glossary> glossary_;
  std::optional<TermMatcher> terms_;
  int64_t terms_changes_ = -1;
  // The catalog's name translations as recall last read them, by translation: "manufacturer"
  // -> {"hersteller"}; read again when CatalogStore::NameTranslationsChangedAt() moves.
  std::optional<CatalogStore> catalog_;
  std::optional<std::map<std::string, std::vector<std::string>>> names_by_translation_;
  std::string translations_changed_at_;
};

}  // namespace cairn::context
