#include "context/search.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "context/catalog_store.h"
#include "context/glossary.h"
#include "context/recipes.h"

namespace cairn::context {
namespace {

// search_items holds the documents; search_fts indexes five of its columns (external content),
// kept in step by triggers.
const std::vector<store::Migration> kMigrations = {
    {1, "search index",
     "CREATE TABLE search_items ("
     "  id INTEGER PRIMARY KEY,"
     "  kind TEXT NOT NULL, ref TEXT NOT NULL,"
     "  source TEXT NOT NULL DEFAULT '', tbl TEXT NOT NULL DEFAULT '',"
     "  col TEXT NOT NULL DEFAULT '',"
     "  detail TEXT NOT NULL DEFAULT '',"
     "  name TEXT NOT NULL DEFAULT '', context TEXT NOT NULL DEFAULT '',"
     "  description TEXT NOT NULL DEFAULT '', semantic TEXT NOT NULL DEFAULT '',"
     "  vals TEXT NOT NULL DEFAULT '');"
     "CREATE INDEX search_items_kind ON search_items (kind);"
     "CREATE VIRTUAL TABLE search_fts USING fts5(name, context, description, semantic, vals,"
     "  content = 'search_items', content_rowid = 'id',"
     "  tokenize = 'porter unicode61 remove_diacritics 2');"
     "INSERT INTO search_fts (search_fts, rank) VALUES ('rank', 'bm25(10.0, 2.0, 4.0, 3.0, 1.0)');"
     "CREATE TRIGGER search_items_ai AFTER INSERT ON search_items BEGIN"
     "  INSERT INTO search_fts (rowid, name, context, description, semantic, vals)"
     "  VALUES (new.id, new.name, new.context, new.description, new.semantic, new.vals); END;"
     "CREATE TRIGGER search_items_ad AFTER DELETE ON search_items BEGIN"
     "  INSERT INTO search_fts (search_fts, rowid, name, context, description, semantic, vals)"
     "  VALUES ('delete', old.id, old.name, old.context, old.description, old.semantic,"
     "          old.vals); END;"
     "CREATE TRIGGER search_items_au AFTER UPDATE ON search_items BEGIN"
     "  INSERT INTO search_fts (search_fts, rowid, name, context, description, semantic, vals)"
     "  VALUES ('delete', old.id, old.name, old.context, old.description, old.semantic,"
     "          old.vals);"
     "  INSERT INTO search_fts (rowid, name, context, description, semantic, vals)"
     "  VALUES (new.id, new.name, new.context, new.description, new.semantic, new.vals); END;"
     "CREATE TABLE search_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"},
    {2, "impact-ordered postings",
     "CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_fts, instance);"
     "CREATE VIRTUAL TABLE search_terms USING fts5vocab(search_fts, row);"
     "CREATE TABLE search_impacts (term TEXT NOT NULL, score REAL NOT NULL,"
     "  item INTEGER NOT NULL, PRIMARY KEY (term, score, item)) WITHOUT ROWID;"},
};

// Column weights of the ranking, in search_fts column order (also set as its 'rank').
constexpr std::array<double, 5> kWeights = {10.0, 2.0, 4.0, 3.0, 1.0};
constexpr std::array<std::string_view, 5> kColumns = {"name", "context", "description", "semantic",
                                                      "vals"};
// BM25 parameters, as FTS5 uses them.
constexpr double kK1 = 1.2;
constexpr double kB = 0.75;
// The fast path reads at most this many postings per term, for at most this many terms per
// query word (prefix expansions).
constexpr int kPostingsPerTerm = 400;
constexpr int kExpansionsPerWord = 8;
// RefreshStated() rebuilds the postings at once up to this many documents; beyond, search
// falls back to FTS5 ranking until the next IndexSchema().
constexpr int64_t kEagerImpactItems = 50'000;

// A prepared statement owned for the duration of a bulk operation.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Status status() const {
    return rc_ == SQLITE_OK ? OkStatus() : InternalError("search: {}", sqlite3_errmsg(db_));
  }
  sqlite3_stmt* get() { return stmt_; }
  void BindText(int index, std::string_view text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  // Steps once and resets; an error names the statement.
  Status Run() {
    int rc = sqlite3_step(stmt_);
    sqlite3_reset(stmt_);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
      return rc == SQLITE_BUSY ? UnavailableError("search: database is busy")
                               : InternalError("search: {}", sqlite3_errmsg(db_));
    }
    return OkStatus();
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

// Stems words with the FTS5 tokenizer the index uses, so that the fast path looks up the same
// terms as MATCH would.
class QueryTokenizer {
 public:
  explicit QueryTokenizer(sqlite3* db) {
    fts5_api* api = nullptr;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, nullptr) == SQLITE_OK) {
      sqlite3_bind_pointer(stmt, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
      sqlite3_step(stmt);
    }
    sqlite3_finalize(stmt);
    if (api == nullptr) return;
    void* user_data = nullptr;
    if (api->xFindTokenizer(api, "porter", &user_data, &methods_) != SQLITE_OK) return;
    const char* args[] = {"unicode61", "remove_diacritics", "2"};
    if (methods_.xCreate(user_data, args, 3, &tokenizer_) != SQLITE_OK) tokenizer_ = nullptr;
  }
  ~QueryTokenizer() {
    if (tokenizer_ != nullptr) methods_.xDelete(tokenizer_);
  }
  QueryTokenizer(const QueryTokenizer&) = delete;
  QueryTokenizer& operator=(const QueryTokenizer&) = delete;

  bool ok() const { return tokenizer_ != nullptr; }

  // The index terms of `word` (usually one).
  std::vector<std::string> Terms(const std::string& word) {
    std::vector<std::string> terms;
    methods_.xTokenize(tokenizer_, &terms, FTS5_TOKENIZE_QUERY, word.data(),
                       static_cast<int>(word.size()),
                       [](void* context, int, const char* token, int size, int, int) {
                         static_cast<std::vector<std::string>*>(context)->emplace_back(token, size);
                         return SQLITE_OK;
                       });
    return terms;
  }

 private:
  fts5_tokenizer methods_{};
  Fts5Tokenizer* tokenizer_ = nullptr;
};

constexpr std::array<std::string_view, 4> kKindNames = {"table", "column", "term", "recipe"};

const std::set<std::string, std::less<>>& StopWords() {
  static const auto* words = new std::set<std::string, std::less<>>{
      "a",    "an",   "and",  "are",  "as",    "at",    "be",    "by",    "do",    "does",
      "for",  "from", "how",  "i",    "in",    "is",    "it",    "me",    "of",    "on",
      "or",   "show", "than", "that", "the",   "their", "them",  "there", "these", "this",
      "to",   "was",  "we",   "what", "when",  "where", "which", "who",   "with",  "get",
      "list", "give", "all",  "each", "every", "our",   "my",    "were",  "has",   "have"};
  return *words;
}

bool IsWordByte(unsigned char c) { return std::isalnum(c) || c >= 0x80; }
bool IsUpper(unsigned char c) { return c < 0x80 && std::isupper(c); }
bool IsLower(unsigned char c) { return c < 0x80 && std::islower(c); }
bool IsDigit(unsigned char c) { return c < 0x80 && std::isdigit(c); }

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  std::string current;
  auto flush = [&] {
    if (!current.empty()) words.push_back(std::move(current));
    current.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = text[i];
    if (!IsWordByte(c)) {
      flush();
      continue;
    }
    if (!current.empty()) {
      unsigned char prev = text[i - 1];
      bool next_lower = i + 1 < text.size() && IsLower(text[i + 1]);
      if ((IsLower(prev) && IsUpper(c)) || (IsUpper(prev) && IsUpper(c) && next_lower) ||
          (IsDigit(prev) != IsDigit(c) && (prev < 0x80 && c < 0x80))) {
        flush();
      }
    }
    current.push_back(c < 0x80 ? static_cast<char>(std::tolower(c)) : static_cast<char>(c));
  }
  flush();
  return words;
}

// The indexed name field: the split words and the raw name (so "customer_id" matches too).
std::string NameField(const std::string& name) { return SplitIdentifier(name) + " " + name; }

std::string Joined(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

// Inserts documents into search_items with one prepared statement.
class ItemWriter {
 public:
  explicit ItemWriter(sqlite3* db)
      : insert_(db,
                "INSERT INTO search_items (kind, ref, source, tbl, col, detail, name, context, "
                "description, semantic, vals) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)") {}
  Status status() const { return insert_.status(); }
  Status Add(std::string_view kind, const std::string& ref, const std::string& source,
             const std::string& table, const std::string& column, const std::string& detail,
             const std::string& name, const std::string& context, const std::string& description,
             const std::string& semantic, const std::string& vals) {
    const std::string_view values[] = {kind, ref,     source,      table,    column, detail,
                                       name, context, description, semantic, vals};
    for (size_t i = 0; i < std::size(values); ++i) {
      insert_.BindText(static_cast<int>(i + 1), values[i]);
    }
    return insert_.Run();
  }

 private:
  Statement insert_;
};
}  // namespace

std::string SplitIdentifier(std::string_view name) { return Joined(Words(name), " "); }

std::string MatchQuery(std::string_view text) {
  std::vector<std::string> terms;
  std::set<std::string> seen;
  for (auto& word : Words(text)) {
    if (StopWords().count(word) != 0 || !seen.insert(word).second) continue;
    terms.push_back("\"" + word + "\"*");
  }
  return Joined(terms, " OR ");
}

std::string_view SearchKindName(SearchKind kind) { return kKindNames[static_cast<size_t>(kind)]; }

Result<SearchIndex> SearchIndex::Open(store::StateDb* db) {
  if (db->sqlite() == nullptr) {
    return UnimplementedError("the search index is not yet kept in {}", db->Describe());
  }
  RETURN_IF_ERROR(Glossary::Open(db).status());
  RETURN_IF_ERROR(RecipeStore::Open(db).status());
  RETURN_IF_ERROR(db->Migrate("search", kMigrations).status());
  return SearchIndex(db);
}

Result<ReindexStats> SearchIndex::IndexSchema(const std::vector<IndexedTable>& tables) {
  ReindexStats stats;
  RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    RETURN_IF_ERROR(
        db_->Exec("DELETE FROM search_items WHERE kind IN ('table', 'column')").status());
    ItemWriter writer(db_->sqlite()->handle());
    RETURN_IF_ERROR(writer.status());
    for (const IndexedTable& table : tables) {
      std::string ref = table.source + "." + table.table;
      std::string table_words = NameField(table.table);
      // Column names stay out of the table's document: they have their own, and a long
      // table document would rank below its columns under BM25's length normalisation.
      RETURN_IF_ERROR(writer.Add("table", ref, table.source, table.table, "",
                                 fmt::format("{}, {} columns", table.kind, table.columns.size()),
                                 table_words, table.source, "", table.kind, ""));
      ++stats.tables;
      for (const auto& column : table.columns) {
        std::string semantic = column.type;
        if (!column.semantic_type.empty()) {
          semantic += " " + column.semantic_type + " " + SplitIdentifier(column.semantic_type);
        }
        RETURN_IF_ERROR(writer.Add(
            "column", ref + "." + column.name, table.source, table.table, column.name,
            column.semantic_type.empty() ? column.type : column.type + ", " + column.semantic_type,
            NameField(column.name), table.source + " " + table_words, "", semantic,
            Joined(column.top_values, " ")));
        ++stats.columns;
      }
    }
    RETURN_IF_ERROR(db_->Exec("INSERT INTO search_meta VALUES ('schema_indexed_at', "
                              "strftime('%Y-%m-%dT%H:%M:%fZ')) ON CONFLICT DO UPDATE SET "
                              "value = excluded.value")
                        .status());
    RETURN_IF_ERROR(RefreshStatedLocked(&stats, ImpactPolicy::kRebuild));
    return OkStatus();
  }));
  return stats;
}

Result<ReindexStats> SearchIndex::RefreshStated() {
  ReindexStats stats;
  RETURN_IF_ERROR(
      db_->Transaction([&]() { return RefreshStatedLocked(&stats, ImpactPolicy::kIfSmall); }));
  return stats;
}

Status SearchIndex::RefreshStatedLocked(ReindexStats* stats, ImpactPolicy policy) {
  ItemWriter writer(db_->sqlite()->handle());
  RETURN_IF_ERROR(writer.status());
  // Descriptions onto table and column documents: only rows whose text differs are touched.
  RETURN_IF_ERROR(db_->Exec("UPDATE search_items SET description = COALESCE((SELECT d.text FROM "
                            "descriptions d WHERE d.source = search_items.source AND "
                            "d.table_name = search_items.tbl AND d.column_name = "
                            "search_items.col), '') WHERE kind IN ('table', 'column') AND "
                            "description IS NOT COALESCE((SELECT d.text FROM descriptions d "
                            "WHERE d.source = search_items.source AND d.table_name = "
                            "search_items.tbl AND d.column_name = search_items.col), '')")
                      .status());
  RETURN_IF_ERROR(db_->Exec("DELETE FROM search_items WHERE kind IN ('term', 'recipe')").status());
  ASSIGN_OR_RETURN(Glossary glossary, Glossary::Open(db_));
  ASSIGN_OR_RETURN(std::vector<GlossaryTerm> terms, glossary.ListTerms());
  for (const auto& term : terms) {
    std::vector<std::string> see_words;
    for (const auto& ref : term.see) see_words.push_back(SplitIdentifier(ref));
    RETURN_IF_ERROR(writer.Add("term", term.term, "", "", "", term.definition,
                               SplitIdentifier(term.term) + " " + term.term, Joined(see_words, " "),
                               term.definition, "", ""));
    ++stats->terms;
  }
  ASSIGN_OR_RETURN(RecipeStore recipes, RecipeStore::Open(db_));
  ASSIGN_OR_RETURN(std::vector<Recipe> all, recipes.List());
  for (const auto& recipe : all) {
    std::string objects;
    for (const auto& table : recipe.tables) {
      objects += table.source + " " + SplitIdentifier(table.table) + " ";
    }
    for (const auto& column : recipe.columns) objects += SplitIdentifier(column.column) + " ";
    RETURN_IF_ERROR(writer.Add("recipe", std::to_string(recipe.id), "", "", "", recipe.question,
                               recipe.question, objects, recipe.note, "", ""));
    ++stats->recipes;
  }
  int64_t items = 0;
  RETURN_IF_ERROR(db_->Query("SELECT count(*) FROM search_items", {}, [&](const store::Row& row) {
    items = row.Int(0);
    return OkStatus();
  }));
  if (policy == ImpactPolicy::kRebuild || items <= kEagerImpactItems) return RebuildImpacts();
  return db_->Exec("DELETE FROM search_meta WHERE key = 'impacts_built_at'").status();
}

Status SearchIndex::RebuildImpacts() {
  RETURN_IF_ERROR(db_->Exec("DELETE FROM search_impacts").status());
  // One pass over every token instance (ordered by term, then document): weighted term
  // frequencies per (term, document) and the length of every document.
  struct Posting {
    int64_t item;
    double frequency;
  };
  std::vector<std::string> terms;
  std::vector<std::vector<Posting>> postings;
  std::unordered_map<int64_t, int64_t> lengths;
  {
    Statement scan(db_->sqlite()->handle(), "SELECT term, doc, col FROM search_vocab");
    RETURN_IF_ERROR(scan.status());
    int rc;
    while ((rc = sqlite3_step(scan.get())) == SQLITE_ROW) {
      auto text = [&](int i) {
        const char* data = reinterpret_cast<const char*>(sqlite3_column_text(scan.get(), i));
        return std::string_view(data == nullptr ? "" : data,
                                static_cast<size_t>(sqlite3_column_bytes(scan.get(), i)));
      };
      std::string_view term = text(0);
      int64_t item = sqlite3_column_int64(scan.get(), 1);
      std::string_view column = text(2);
      double weight = 1.0;
      for (size_t i = 0; i < kColumns.size(); ++i) {
        if (kColumns[i] == column) weight = kWeights[i];
      }
      if (terms.empty() || terms.back() != term) {
        terms.emplace_back(term);
        postings.emplace_back();
      }
      auto& list = postings.back();
      if (list.empty() || list.back().item != item) list.push_back({item, 0});
      list.back().frequency += weight;
      ++lengths[item];
    }
    if (rc != SQLITE_DONE)
      return InternalError("search: {}", sqlite3_errmsg(db_->sqlite()->handle()));
  }
  double documents = static_cast<double>(lengths.size());
  double total = 0;
  for (const auto& [item, length] : lengths) total += static_cast<double>(length);
  double average = documents > 0 ? total / documents : 1;
  Statement insert(db_->sqlite()->handle(), "INSERT INTO search_impacts VALUES (?, ?, ?)");
  RETURN_IF_ERROR(insert.status());
  for (size_t t = 0; t < terms.size(); ++t) {
    double n = static_cast<double>(postings[t].size());
    double idf = std::max(std::log((documents - n + 0.5) / (n + 0.5)), 1e-6);
    for (const Posting& posting : postings[t]) {
      double length = static_cast<double>(lengths[posting.item]);
      double score = idf * posting.frequency * (kK1 + 1) /
                     (posting.frequency + kK1 * (1 - kB + kB * length / average));
      insert.BindText(1, terms[t]);
      sqlite3_bind_double(insert.get(), 2, score);
      sqlite3_bind_int64(insert.get(), 3, posting.item);
      RETURN_IF_ERROR(insert.Run());
    }
  }
  return db_
      ->Exec(
          "INSERT INTO search_meta VALUES ('impacts_built_at', "
          "strftime('%Y-%m-%dT%H:%M:%fZ')) ON CONFLICT DO UPDATE SET value = excluded.value")
      .status();
}

Result<bool> SearchIndex::SchemaIndexed() {
  ASSIGN_OR_RETURN(std::string at, SchemaIndexedAt());
  return !at.empty();
}

Result<std::string> SearchIndex::SchemaIndexedAt() {
  std::string at;
  RETURN_IF_ERROR(db_->Query("SELECT value FROM search_meta WHERE key = 'schema_indexed_at'", {},
                             [&](const store::Row& row) {
                               at = row.Text(0);
                               return OkStatus();
                             }));
  return at;
}

namespace {

SearchHit ReadHit(const store::Row& row) {
  SearchHit hit;
  std::string kind = row.Text(0);
  for (size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == kind) hit.kind = static_cast<SearchKind>(i);
  }
  hit.ref = row.Text(1);
  hit.source = row.Text(2);
  hit.table = row.Text(3);
  hit.column = row.Text(4);
  hit.detail = row.Text(5);
  hit.description = row.Text(6);
  return hit;
}

const char* kHitColumns = "i.kind, i.ref, i.source, i.tbl, i.col, i.detail, i.description";

}  // namespace

Result<std::vector<SearchIndex::QueryWord>> SearchIndex::ResolveWords(std::string_view text) {
  std::vector<QueryWord> words;
  QueryTokenizer tokenizer(db_->sqlite()->handle());
  if (!tokenizer.ok()) return InternalError("search: the FTS5 porter tokenizer is missing");
  std::set<std::string> seen;
  for (auto& word : Words(text)) {
    if (StopWords().count(word) != 0 || !seen.insert(word).second) continue;
    QueryWord resolved{word, true, {}};
    std::vector<std::string> stems = tokenizer.Terms(word);
    for (const auto& stem : stems) {
      bool found = false;
      RETURN_IF_ERROR(
          db_->Query("SELECT 1 FROM search_terms WHERE term = ?", {stem}, [&](const store::Row&) {
            found = true;
            return OkStatus();
          }));
      if (found) resolved.terms.push_back(stem);
    }
    if (resolved.terms.size() != stems.size() || stems.empty()) {
      // Not a whole indexed word: complete it, as a prefix query would.
      resolved.exact = false;
      resolved.terms.clear();
      for (const auto& stem : stems) {
        RETURN_IF_ERROR(
            db_->Query("SELECT term FROM search_terms WHERE term >= ? AND term < ? "
                       "ORDER BY term LIMIT ?",
                       {stem, stem + "\xf4\x8f\xbf\xbf", static_cast<int64_t>(kExpansionsPerWord)},
                       [&](const store::Row& row) {
                         resolved.terms.push_back(row.Text(0));
                         return OkStatus();
                       }));
      }
    }
    words.push_back(std::move(resolved));
  }
  return words;
}

Result<std::vector<SearchHit>> SearchIndex::Search(std::string_view text, int limit) {
  std::vector<SearchHit> hits;
  if (limit <= 0) return hits;
  ASSIGN_OR_RETURN(std::vector<QueryWord> words, ResolveWords(text));
  if (words.empty()) return hits;
  bool impacts = false;
  RETURN_IF_ERROR(db_->Query("SELECT 1 FROM search_meta WHERE key = 'impacts_built_at'", {},
                             [&](const store::Row&) {
                               impacts = true;
                               return OkStatus();
                             }));
  return impacts ? SearchImpacts(words, limit) : SearchFts(words, limit);
}

Result<std::vector<SearchHit>> SearchIndex::SearchFts(const std::vector<QueryWord>& words,
                                                      int limit) {
  std::vector<SearchHit> hits;
  std::vector<std::string> phrases;
  for (const auto& word : words) {
    phrases.push_back("\"" + word.word + "\"" + (word.exact ? "" : "*"));
  }
  RETURN_IF_ERROR(db_->Query(
      std::string("SELECT ") + kHitColumns +
          ", -f.rank FROM search_fts f JOIN search_items i ON i.id = f.rowid "
          "WHERE search_fts MATCH ? ORDER BY f.rank LIMIT ?",
      {Joined(phrases, " OR "), static_cast<int64_t>(limit)}, [&](const store::Row& row) {
        hits.push_back(ReadHit(row));
        hits.back().score = row.Real(7);
        return OkStatus();
      }));
  return hits;
}

Result<std::vector<SearchHit>> SearchIndex::SearchImpacts(const std::vector<QueryWord>& words,
                                                          int limit) {
  std::unordered_map<int64_t, double> totals;
  for (const auto& word : words) {
    // Per query word, a document scores its best matching term.
    std::unordered_map<int64_t, double> best;
    for (const auto& term : word.terms) {
      RETURN_IF_ERROR(db_->Query(
          "SELECT item, score FROM search_impacts WHERE term = ? ORDER BY score DESC LIMIT ?",
          {term, static_cast<int64_t>(kPostingsPerTerm)}, [&](const store::Row& row) {
            double& score = best[row.Int(0)];
            score = std::max(score, row.Real(1));
            return OkStatus();
          }));
    }
    for (const auto& [item, score] : best) totals[item] += score;
  }
  std::vector<std::pair<int64_t, double>> ranked(totals.begin(), totals.end());
  size_t keep = std::min(ranked.size(), static_cast<size_t>(limit));
  std::partial_sort(ranked.begin(), ranked.begin() + keep, ranked.end(),
                    [](const auto& a, const auto& b) {
                      return a.second != b.second ? a.second > b.second : a.first < b.first;
                    });
  // One read for every hit, then back into rank order.
  nlohmann::json ids = nlohmann::json::array();
  for (size_t i = 0; i < keep; ++i) ids.push_back(ranked[i].first);
  std::unordered_map<int64_t, SearchHit> found;
  RETURN_IF_ERROR(db_->Query(std::string("SELECT ") + kHitColumns +
                                 ", i.id FROM search_items i WHERE i.id IN "
                                 "(SELECT value FROM json_each(?))",
                             {ids.dump()}, [&](const store::Row& row) {
                               found.emplace(row.Int(7), ReadHit(row));
                               return OkStatus();
                             }));
  std::vector<SearchHit> hits;
  for (size_t i = 0; i < keep; ++i) {
    auto it = found.find(ranked[i].first);
    if (it == found.end()) continue;
    hits.push_back(std::move(it->second));
    hits.back().score = ranked[i].second;
  }
  return hits;
}

Result<std::vector<IndexedTable>> GatherSchema(store::StateDb* db, engine::Session* session,
                                               std::vector<std::string>* skipped) {
  ASSIGN_OR_RETURN(CatalogStore catalog, CatalogStore::Open(db));
  std::vector<IndexedTable> out;
  for (const auto& source : session->Sources()) {
    ASSIGN_OR_RETURN(std::vector<TableProfile> profiles, catalog.ListTables(source.name));
    std::map<std::string, const TableProfile*> profiled;
    for (const auto& profile : profiles) profiled[profile.table] = &profile;
    Result<std::vector<connectors::TableInfo>> tables =
        source.status.ok() ? session->Tables(source.name)
                           : Result<std::vector<connectors::TableInfo>>(source.status);
    if (!tables.ok()) {
      // The live schema is out of reach: index what discovery last saw, if anything.
      skipped->push_back(source.name + ": " + tables.status().ToString());
      std::vector<connectors::TableInfo> known;
      for (const auto& profile : profiles) {
        connectors::TableInfo info;
        info.name = profile.table;
        info.kind = profile.kind;
        for (const auto& column : profile.columns) {
          info.columns.push_back({column.name, column.declared_type, column.source_type,
                                  column.not_null, column.primary_key});
        }
        known.push_back(std::move(info));
      }
      tables = std::move(known);
    }
    for (const auto& info : *tables) {
      IndexedTable table{source.name, info.name, info.kind, {}};
      auto found = profiled.find(info.name);
      const TableProfile* profile = found == profiled.end() ? nullptr : found->second;
      for (const auto& column : info.columns) {
        IndexedColumn indexed{column.name, column.type, "", {}};
        const ColumnProfile* stats = profile ? profile->FindColumn(column.name) : nullptr;
        if (stats != nullptr) {
          if (stats->semantic_type != SemanticType::kUnknown) {
            indexed.semantic_type = std::string(SemanticTypeName(stats->semantic_type));
          }
          for (const auto& value : stats->top_values) {
            indexed.top_values.push_back(value.value.substr(0, 64));
          }
        }
        table.columns.push_back(std::move(indexed));
      }
      out.push_back(std::move(table));
    }
  }
  return out;
}

Result<ReindexStats> Reindex(store::StateDb* db, engine::Session* session) {
  std::vector<std::string> skipped;
  ASSIGN_OR_RETURN(std::vector<IndexedTable> tables, GatherSchema(db, session, &skipped));
  ASSIGN_OR_RETURN(SearchIndex index, SearchIndex::Open(db));
  ASSIGN_OR_RETURN(ReindexStats stats, index.IndexSchema(tables));
  stats.skipped_sources = std::move(skipped);
  return stats;
}

}  // namespace cairn::context
