#pragma once

// Search over the context: tables, columns, glossary terms and recipes, ranked by SQLite FTS5
// BM25 (on either state engine: see "Engines").
//
// Every searchable thing is one document (row of search_items, indexed by the FTS5 table
// search_fts with the porter stemmer) with five weighted fields:
//   name         the name split into words ("customer_id", "CustomerId" -> "customer id") plus
//                the name itself; a term; a recipe's question                        weight 10
//   context      where it lives: source and table names; a term's references;
//                a recipe's tables and columns                                     weight 2
//   description  a stated description; a term's definition; a recipe's note          weight 4
//   semantic     the declared type and discovered semantic type                      weight 3
//   vals         most frequent values from discovery                                 weight 1
//
// Ranking: FTS5's bm25() with those weights costs time in proportion to the documents that
// match, too slow for frequent words over 200,000 columns. So the per-term BM25 contributions
// (the same formula, k1 = 1.2, b = 0.75) are precomputed into search_impacts, ordered by score
// per term, and a query reads only the best few hundred postings of each of its terms (top-k
// with bounded work; a document outside every term's best postings is not returned). A word
// that is not itself an indexed term is completed to up to 8 terms that start with it (as a
// prefix query; then each term keeps its own idf, unlike FTS5's). While the
// postings are out of date (after RefreshStated() on a large index), Search() ranks with FTS5
// directly.
//
// Engines: on SQLite state the whole index lives in the state database. On PostgreSQL state the
// documents (search_items) and search_meta live in PostgreSQL, shared by every node, and the
// index over them is a node-local derived cache: each process keeps a private in-memory SQLite
// copy of the documents per state database (shared by its SearchIndex objects), indexed by the
// same FTS5 tokenizer and the same postings code, so that the same documents rank the same on
// both engines. Every writer of documents (IndexSchema, RefreshStated) bumps search_meta
// 'version' in its transaction, under a transaction-scoped advisory lock that serialises writers
// across nodes; Search() reads the version first and rebuilds the copy when it differs from the
// one the copy was built from. So a change committed through any node is seen by every node's
// next Search() (the cost: one small query per search, and a whole copy after each change, in
// proportion to the number of documents). Searches within one process wait for each other
// while they use (or rebuild) the copy. FTS5 ranking replaces the postings on a node's copy
// exactly when it does on SQLite state (search_meta 'impacts_built_at' absent).
//
// Names in another language: with a lexicon configured (cairn.yaml's context.lexicon), discovery
// stores the translations of the names' words, and the index holds them with each table's and
// column's meaning (weighted below the name), so "manufacturer" finds a table `hersteller`.
//
// Freshness: Reindex() rebuilds everything (call it after discovery or when sources change);
// RefreshStated() cheaply re-reads descriptions, glossary terms and recipes (call it after
// stating any of them). Search() never reads the sources.
//
// Errors: the StateDb's (kUnavailable when busy, kDataLoss when corrupt, kInternal otherwise).
// Search() returns kFailedPrecondition when the schema was never indexed.
//
// Thread-safety: as the StateDb it uses (the node-local copy has its own lock). The StateDb must
// outlive the SearchIndex.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "engine/session.h"
#include "store/state_db.h"

namespace cairn::context {

// Splits an identifier into lower-case words on non-alphanumerics, lower->upper case changes,
// the last capital of an acronym ("HTTPServer" -> "http server") and letter/digit changes.
// "customer_id" -> "customer id", "CustomerId" -> "customer id". Bytes >= 0x80 are letters.
std::string SplitIdentifier(std::string_view name);

// The words of free text as a query uses them: split as SplitIdentifier, common English stop
// words dropped, each once, in order.
std::vector<std::string> MatchWords(std::string_view text);

// An FTS5 MATCH expression for free text (used by recipe recall): every word (split as
// SplitIdentifier, common English stop words dropped) as a quoted prefix term, OR-ed. Empty when
// the text has no word.
std::string MatchQuery(std::string_view text);

enum class SearchKind { kTable, kColumn, kTerm, kRecipe };
std::string_view SearchKindName(SearchKind kind);  // "table", "column", "term", "recipe"

// A column as the index sees it.
struct IndexedColumn {
  std::string name;
  std::string type;           // declared type
  std::string semantic_type;  // from discovery; empty when unknown
  std::vector<std::string> top_values;
  // The translations of the name's words (CatalogStore::GetNameTranslations), indexed with the
  // column's meaning (the semantic field), which weighs less than its name.
  std::vector<std::string> translations = {};
};

// A table as the index sees it (from the discovery catalog or the source's schema).
struct IndexedTable {
  std::string source;
  std::string table;
  std::string kind = "table";
  std::vector<IndexedColumn> columns;
  // As IndexedColumn::translations, for the table's name (also in its columns' context).
  std::vector<std::string> translations = {};
};

struct SearchHit {
  SearchKind kind = SearchKind::kTable;
  // "source.table", "source.table.column", the term, or the recipe id as text.
  std::string ref;
  std::string source;  // tables and columns
  std::string table;   // tables and columns
  std::string column;  // columns
  std::string detail;  // a column's type, a term's references, a recipe's question, ...
  std::string description;
  double score = 0;  // BM25 relevance, higher is better
};

struct ReindexStats {
  int64_t tables = 0;
  int64_t columns = 0;
  int64_t terms = 0;
  int64_t recipes = 0;
  // Sources whose schema could not be read ("name: error"); their tables are not indexed.
  std::vector<std::string> skipped_sources;
};

class SearchIndex {
 public:
  // Applies the "search" migrations (and those of the stores it reads). Errors from the
  // StateDb.
  static Result<SearchIndex> Open(store::StateDb* db);

  // Replaces every table and column document with `tables`, then refreshes the stated
  // documents, in one transaction.
  Result<ReindexStats> IndexSchema(const std::vector<IndexedTable>& tables);

  // Re-reads descriptions (onto table and column documents), glossary terms and recipes.
  Result<ReindexStats> RefreshStated();

  // True once IndexSchema() has run.
  Result<bool> SchemaIndexed();
  // When IndexSchema() last ran (ISO-8601 UTC), empty if never.
  Result<std::string> SchemaIndexedAt();

  // The best `limit` documents for free text, best first. Empty for text without words.
  Result<std::vector<SearchHit>> Search(std::string_view text, int limit);

 private:
  enum class ImpactPolicy { kRebuild, kIfSmall };
  // A node's copy of the documents, indexed (PostgreSQL state; see "Engines").
  struct LocalIndex;
  static std::shared_ptr<LocalIndex> LocalFor(const std::string& state);

  explicit SearchIndex(store::StateDb* db) : db_(db) {}
  // Inside a writing transaction: waits for other nodes' writers (PostgreSQL).
  Status LockForWrite();
  // Writes the stated documents; refreshes the postings (SQLite) or marks them for the nodes'
  // copies (PostgreSQL); bumps the version.
  Status RefreshStatedLocked(ReindexStats* stats, ImpactPolicy policy);
  // With local_->mutex held: rebuilds the node's copy when the documents' version moved.
  Status SyncLocal();
  // Search over `index` (the SQLite state, or the node's copy).
  Result<std::vector<SearchHit>> SearchIn(store::StateDb* index, std::string_view text, int limit);
  // A query word and the index terms it matches: its stem when indexed (exact), else up to a
  // few indexed terms that start with it (a prefix query).
  struct QueryWord {
    std::string word;
    bool exact = true;
    std::vector<std::string> terms;
  };
  Result<std::vector<QueryWord>> ResolveWords(store::StateDb* index, std::string_view text);
  // Exact FTS5 BM25 ranking (cost grows with the number of matching documents).
  Result<std::vector<SearchHit>> SearchFts(store::StateDb* index,
                                           const std::vector<QueryWord>& words, int limit);
  // Top-k over the precomputed impacts: reads at most a bounded number of postings per term.
  Result<std::vector<SearchHit>> SearchImpacts(store::StateDb* index,
                                               const std::vector<QueryWord>& words, int limit);
  store::StateDb* db_;
  std::shared_ptr<LocalIndex> local_;  // PostgreSQL state only
};

// The tables of every source of the session's catalog: the live schema (Session::Tables())
// enriched with what discovery stored in the CatalogStore (semantic types, top values). A source
// that cannot be read is listed in `skipped` and indexed from the catalog's last view of it.
Result<std::vector<IndexedTable>> GatherSchema(store::StateDb* db, engine::Session* session,
                                               std::vector<std::string>* skipped);

// The hook for other modules (discovery, CLI): gathers the schema and rebuilds the whole
// search index. Errors from the StateDb.
Result<ReindexStats> Reindex(store::StateDb* db, engine::Session* session);

}  // namespace cairn::context
