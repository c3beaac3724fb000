#include "context/search.h"

#include <array>
#include <cctype>
#include <map>
#include <set>

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

using DescriptionKey = std::tuple<std::string, std::string, std::string>;

Status InsertItem(store::StateDb* db, std::string_view kind, const std::string& ref,
                  const std::string& source, const std::string& table, const std::string& column,
                  const std::string& detail, const std::string& name, const std::string& context,
                  const std::string& description, const std::string& semantic,
                  const std::string& vals) {
  return db
      ->Exec(
          "INSERT INTO search_items (kind, ref, source, tbl, col, detail, name, context, "
          "description, semantic, vals) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {std::string(kind), ref, source, table, column, detail, name, context, description,
           semantic, vals})
      .status();
}

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
    for (const IndexedTable& table : tables) {
      std::string ref = table.source + "." + table.table;
      std::string table_words = NameField(table.table);
      std::vector<std::string> column_words;
      for (const auto& column : table.columns) column_words.push_back(SplitIdentifier(column.name));
      RETURN_IF_ERROR(InsertItem(db_, "table", ref, table.source, table.table, "",
                                 fmt::format("{}, {} columns", table.kind, table.columns.size()),
                                 table_words, table.source + " " + Joined(column_words, " "), "",
                                 table.kind, ""));
      ++stats.tables;
      for (const auto& column : table.columns) {
        std::string semantic = column.type;
        if (!column.semantic_type.empty()) {
          semantic += " " + column.semantic_type + " " + SplitIdentifier(column.semantic_type);
        }
        RETURN_IF_ERROR(InsertItem(
            db_, "column", ref + "." + column.name, table.source, table.table, column.name,
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
    return RefreshStatedLocked(&stats);
  }));
  return stats;
}

Result<ReindexStats> SearchIndex::RefreshStated() {
  ReindexStats stats;
  RETURN_IF_ERROR(db_->Transaction([&]() { return RefreshStatedLocked(&stats); }));
  return stats;
}

Status SearchIndex::RefreshStatedLocked(ReindexStats* stats) {
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
    RETURN_IF_ERROR(InsertItem(db_, "term", term.term, "", "", "", term.definition,
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
    RETURN_IF_ERROR(InsertItem(db_, "recipe", std::to_string(recipe.id), "", "", "",
                               recipe.question, recipe.question, objects, recipe.note, "", ""));
    ++stats->recipes;
  }
  return OkStatus();
}

Result<bool> SearchIndex::SchemaIndexed() {
  bool indexed = false;
  RETURN_IF_ERROR(db_->Query("SELECT 1 FROM search_meta WHERE key = 'schema_indexed_at'", {},
                             [&](const store::Row&) {
                               indexed = true;
                               return OkStatus();
                             }));
  return indexed;
}

Result<std::vector<SearchHit>> SearchIndex::Search(std::string_view text, int limit) {
  std::vector<SearchHit> hits;
  std::string match = MatchQuery(text);
  if (match.empty() || limit <= 0) return hits;
  RETURN_IF_ERROR(
      db_->Query("SELECT i.kind, i.ref, i.source, i.tbl, i.col, i.detail, i.description, -f.rank "
                 "FROM search_fts f JOIN search_items i ON i.id = f.rowid "
                 "WHERE search_fts MATCH ? ORDER BY f.rank LIMIT ?",
                 {match, static_cast<int64_t>(limit)}, [&](const store::Row& row) {
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
                   hit.score = row.Real(7);
                   hits.push_back(std::move(hit));
                   return OkStatus();
                 }));
  return hits;
}

Result<std::vector<IndexedTable>> GatherSchema(store::StateDb* /*db*/, engine::Session* session,
                                               std::vector<std::string>* skipped) {
  std::vector<IndexedTable> out;
  for (const auto& source : session->Sources()) {
    if (!source.status.ok()) {
      skipped->push_back(source.name + ": " + source.status.ToString());
      continue;
    }
    Result<std::vector<connectors::TableInfo>> tables = session->Tables(source.name);
    if (!tables.ok()) {
      skipped->push_back(source.name + ": " + tables.status().ToString());
      continue;
    }
    for (const auto& info : *tables) {
      IndexedTable table{source.name, info.name, info.kind, {}};
      for (const auto& column : info.columns) {
        table.columns.push_back({column.name, column.type, "", {}});
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
