#include "context/recipes.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "context/search.h"

namespace cairn::context {
namespace {

const std::vector<store::Migration> kMigrations = {
    {1, "recipes",
     "CREATE TABLE recipes ("
     "  id INTEGER PRIMARY KEY,"
     "  question TEXT NOT NULL, sql TEXT NOT NULL, note TEXT NOT NULL DEFAULT '',"
     "  provenance TEXT NOT NULL DEFAULT 'stated',"
     "  stated_by TEXT NOT NULL,"
     "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')),"
     "  reuse_count INTEGER NOT NULL DEFAULT 0,"
     "  last_used_at TEXT,"
     "  freshness TEXT NOT NULL DEFAULT 'fresh',"
     "  stale_reason TEXT NOT NULL DEFAULT '',"
     "  checked_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')));"
     "CREATE TABLE recipe_tables ("
     "  recipe_id INTEGER NOT NULL REFERENCES recipes(id) ON DELETE CASCADE,"
     "  source TEXT NOT NULL, table_name TEXT NOT NULL, fingerprint TEXT NOT NULL,"
     "  PRIMARY KEY (recipe_id, source, table_name));"
     "CREATE TABLE recipe_columns ("
     "  recipe_id INTEGER NOT NULL REFERENCES recipes(id) ON DELETE CASCADE,"
     "  ordinal INTEGER NOT NULL,"
     "  source TEXT NOT NULL, table_name TEXT NOT NULL, column_name TEXT NOT NULL,"
     "  PRIMARY KEY (recipe_id, ordinal));"
     "CREATE VIRTUAL TABLE recipes_fts USING fts5(question, note, objects,"
     "  tokenize = 'porter unicode61 remove_diacritics 2');"},
};

constexpr std::array<std::string_view, 4> kFreshnessNames = {"fresh", "fresh (schema changed)",
                                                             "stale", "unverified"};
// Stored spellings (no spaces).
constexpr std::array<std::string_view, 4> kFreshnessKeys = {"fresh", "schema_changed", "stale",
                                                            "unverified"};

Freshness FreshnessFromKey(const std::string& key) {
  for (size_t i = 0; i < kFreshnessKeys.size(); ++i) {
    if (kFreshnessKeys[i] == key) return static_cast<Freshness>(i);
  }
  return Freshness::kUnverified;
}

std::string FreshnessKey(Freshness freshness) {
  return std::string(kFreshnessKeys[static_cast<size_t>(freshness)]);
}

bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The words the FTS index holds for the tables and columns a recipe uses.
std::string ObjectsText(const Recipe& recipe) {
  std::string text;
  for (const auto& table : recipe.tables) {
    text += table.source + " " + SplitIdentifier(table.table) + " " + table.table + " ";
  }
  for (const auto& column : recipe.columns) {
    text += SplitIdentifier(column.column) + " " + column.column + " ";
  }
  return text;
}

// Caches each source's tables for one verification round.
class SchemaCache {
 public:
  explicit SchemaCache(engine::Session* session) : session_(session) {}

  // The table, nullptr when the source has no such table (case-insensitive), or the error
  // reading the source.
  Result<const connectors::TableInfo*> Find(const std::string& source, const std::string& table) {
    auto it = sources_.find(source);
    if (it == sources_.end()) {
      it = sources_.emplace(source, session_->Tables(source)).first;
    }
    if (!it->second.ok()) return it->second.status();
    for (const auto& info : *it->second) {
      if (SameName(info.name, table)) return &info;
    }
    return static_cast<const connectors::TableInfo*>(nullptr);
  }

 private:
  engine::Session* session_;
  std::map<std::string, Result<std::vector<connectors::TableInfo>>> sources_;
};

}  // namespace

std::string TableFingerprint(const connectors::TableInfo& table) {
  uint64_t hash = 14695981039346656037ull;
  auto mix = [&](std::string_view text) {
    for (unsigned char c : text) {
      hash ^= c;
      hash *= 1099511628211ull;
    }
  };
  for (const auto& column : table.columns) {
    mix(column.name);
    mix(std::string_view("\x1f", 1));
    mix(column.type);
    mix(std::string_view("\x1e", 1));
  }
  return fmt::format("{:016x}", hash);
}

std::string_view FreshnessName(Freshness freshness) {
  return kFreshnessNames[static_cast<size_t>(freshness)];
}

Result<RecipeStore> RecipeStore::Open(store::StateDb* db) {
  RETURN_IF_ERROR(db->Migrate("recipes", kMigrations).status());
  return RecipeStore(db);
}

Result<Recipe> RecipeStore::Remember(engine::Session* session, const std::string& question,
                                     const std::string& sql, const std::string& note) {
  if (question.find_first_not_of(" \t\r\n") == std::string::npos) {
    return InvalidArgumentError("a recipe needs a question");
  }
  if (sql.find_first_not_of(" \t\r\n;") == std::string::npos) {
    return InvalidArgumentError("a recipe needs SQL");
  }
  ASSIGN_OR_RETURN(engine::StatementInfo info, session->Analyze(sql));
  Recipe recipe;
  recipe.question = question;
  recipe.sql = sql;
  recipe.note = note;
  recipe.stated_by = session->principal().id;
  std::set<std::pair<std::string, std::string>> tables;
  for (const auto& read : info.reads) {
    tables.emplace(read.source, read.table);
    if (!read.column.empty()) recipe.columns.push_back(read);
  }
  SchemaCache cache(session);
  for (const auto& [source, table] : tables) {
    ASSIGN_OR_RETURN(const connectors::TableInfo* found, cache.Find(source, table));
    if (found == nullptr) return NotFoundError("no table {}.{}", source, table);
    recipe.tables.push_back({source, table, TableFingerprint(*found)});
  }
  RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    RETURN_IF_ERROR(db_->Query(
        "INSERT INTO recipes (question, sql, note, stated_by) "
        "VALUES (?, ?, ?, ?) RETURNING id",
        {recipe.question, recipe.sql, recipe.note, recipe.stated_by}, [&](const store::Row& row) {
          recipe.id = row.Int(0);
          return OkStatus();
        }));
    for (const auto& table : recipe.tables) {
      RETURN_IF_ERROR(db_->Exec("INSERT INTO recipe_tables VALUES (?, ?, ?, ?)",
                                {recipe.id, table.source, table.table, table.fingerprint})
                          .status());
    }
    for (size_t i = 0; i < recipe.columns.size(); ++i) {
      const auto& column = recipe.columns[i];
      RETURN_IF_ERROR(db_->Exec("INSERT INTO recipe_columns VALUES (?, ?, ?, ?, ?)",
                                {recipe.id, static_cast<int64_t>(i), column.source, column.table,
                                 column.column})
                          .status());
    }
    return db_
        ->Exec("INSERT INTO recipes_fts (rowid, question, note, objects) VALUES (?, ?, ?, ?)",
               {recipe.id, recipe.question, recipe.note, ObjectsText(recipe)})
        .status();
  }));
  return Get(recipe.id);
}

Result<Recipe> RecipeStore::Get(int64_t id) {
  std::optional<Recipe> found;
  RETURN_IF_ERROR(db_->Query(
      "SELECT id, question, sql, note, stated_by, created_at, reuse_count, "
      "COALESCE(last_used_at, ''), freshness, stale_reason, checked_at FROM recipes WHERE id = ?",
      {id}, [&](const store::Row& row) {
        Recipe recipe;
        recipe.id = row.Int(0);
        recipe.question = row.Text(1);
        recipe.sql = row.Text(2);
        recipe.note = row.Text(3);
        recipe.stated_by = row.Text(4);
        recipe.created_at = row.Text(5);
        recipe.reuse_count = row.Int(6);
        recipe.last_used_at = row.Text(7);
        recipe.freshness = FreshnessFromKey(row.Text(8));
        recipe.stale_reason = row.Text(9);
        recipe.checked_at = row.Text(10);
        found = std::move(recipe);
        return OkStatus();
      }));
  if (!found) return NotFoundError("no recipe with id {}", id);
  RETURN_IF_ERROR(
      db_->Query("SELECT source, table_name, fingerprint FROM recipe_tables WHERE recipe_id = ? "
                 "ORDER BY source, table_name",
                 {id}, [&](const store::Row& row) {
                   found->tables.push_back({row.Text(0), row.Text(1), row.Text(2)});
                   return OkStatus();
                 }));
  RETURN_IF_ERROR(
      db_->Query("SELECT source, table_name, column_name FROM recipe_columns WHERE recipe_id = ? "
                 "ORDER BY ordinal",
                 {id}, [&](const store::Row& row) {
                   found->columns.push_back({row.Text(0), row.Text(1), row.Text(2)});
                   return OkStatus();
                 }));
  return std::move(*found);
}

Result<std::vector<Recipe>> RecipeStore::List() {
  std::vector<int64_t> ids;
  RETURN_IF_ERROR(db_->Query("SELECT id FROM recipes ORDER BY id", {}, [&](const store::Row& row) {
    ids.push_back(row.Int(0));
    return OkStatus();
  }));
  std::vector<Recipe> out;
  for (int64_t id : ids) {
    ASSIGN_OR_RETURN(Recipe recipe, Get(id));
    out.push_back(std::move(recipe));
  }
  return out;
}

Status RecipeStore::Forget(int64_t id) {
  return db_->Transaction([&]() -> Status {
    ASSIGN_OR_RETURN(int64_t removed, db_->Exec("DELETE FROM recipes WHERE id = ?", {id}));
    if (removed == 0) return NotFoundError("no recipe with id {}", id);
    return db_->Exec("DELETE FROM recipes_fts WHERE rowid = ?", {id}).status();
  });
}

Result<Recipe> RecipeStore::Verify(engine::Session* session, Recipe recipe) {
  SchemaCache cache(session);
  bool changed = false;
  std::string reason;
  Freshness freshness = Freshness::kFresh;
  std::vector<std::string> current(recipe.tables.size());
  for (size_t i = 0; i < recipe.tables.size() && reason.empty(); ++i) {
    const RecipeTable& table = recipe.tables[i];
    Result<const connectors::TableInfo*> found = cache.Find(table.source, table.table);
    if (!found.ok()) {
      // The source itself is out of reach (moved, down, removed): nothing can be said yet.
      freshness = Freshness::kUnverified;
      reason =
          fmt::format("source '{}' cannot be read: {}", table.source, found.status().ToString());
    } else if (*found == nullptr) {
      freshness = Freshness::kStale;
      reason = fmt::format("table {}.{} no longer exists", table.source, table.table);
    } else {
      current[i] = TableFingerprint(**found);
      changed = changed || current[i] != table.fingerprint;
    }
  }
  if (reason.empty() && changed) {
    for (const auto& column : recipe.columns) {
      ASSIGN_OR_RETURN(const connectors::TableInfo* table, cache.Find(column.source, column.table));
      bool exists = table != nullptr &&
                    std::any_of(table->columns.begin(), table->columns.end(),
                                [&](const auto& c) { return SameName(c.name, column.column); });
      if (!exists) {
        freshness = Freshness::kStale;
        reason = fmt::format("column {}.{}.{} no longer exists (renamed or dropped)", column.source,
                             column.table, column.column);
        break;
      }
    }
    if (reason.empty()) {
      Result<engine::StatementInfo> compiled = session->Analyze(recipe.sql);
      if (!compiled.ok()) {
        freshness = compiled.status().code() == StatusCode::kUnavailable ? Freshness::kUnverified
                                                                         : Freshness::kStale;
        reason = "the SQL no longer compiles: " + compiled.status().ToString();
      } else {
        freshness = Freshness::kSchemaChanged;
      }
    }
  }
  RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    if (freshness == Freshness::kSchemaChanged) {
      for (size_t i = 0; i < recipe.tables.size(); ++i) {
        RETURN_IF_ERROR(
            db_->Exec("UPDATE recipe_tables SET fingerprint = ? WHERE recipe_id = ? "
                      "AND source = ? AND table_name = ?",
                      {current[i], recipe.id, recipe.tables[i].source, recipe.tables[i].table})
                .status());
        recipe.tables[i].fingerprint = current[i];
      }
    }
    // A schema change, once verified, is recorded as fresh for the next check.
    Freshness stored = freshness == Freshness::kSchemaChanged ? Freshness::kFresh : freshness;
    return db_
        ->Exec(
            "UPDATE recipes SET freshness = ?, stale_reason = ?, "
            "checked_at = strftime('%Y-%m-%dT%H:%M:%fZ') WHERE id = ?",
            {FreshnessKey(stored), reason, recipe.id})
        .status();
  }));
  recipe.freshness = freshness;
  recipe.stale_reason = reason;
  return recipe;
}

Result<Recipe> RecipeStore::Check(engine::Session* session, int64_t id) {
  ASSIGN_OR_RETURN(Recipe recipe, Get(id));
  return Verify(session, std::move(recipe));
}

Status RecipeStore::CountReuse(int64_t id) {
  return db_
      ->Exec(
          "UPDATE recipes SET reuse_count = reuse_count + 1, "
          "last_used_at = strftime('%Y-%m-%dT%H:%M:%fZ') WHERE id = ?",
          {id})
      .status();
}

Result<std::vector<RecipeMatch>> RecipeStore::Recall(engine::Session* session,
                                                     std::string_view question, int limit) {
  std::vector<RecipeMatch> out;
  std::string match = MatchQuery(question);
  if (match.empty() || limit <= 0) return out;
  std::vector<std::pair<int64_t, double>> ids;
  RETURN_IF_ERROR(db_->Query(
      "SELECT rowid, -bm25(recipes_fts, 10.0, 3.0, 2.0) FROM recipes_fts WHERE recipes_fts MATCH "
      "? ORDER BY bm25(recipes_fts, 10.0, 3.0, 2.0) LIMIT ?",
      {match, static_cast<int64_t>(limit)}, [&](const store::Row& row) {
        ids.emplace_back(row.Int(0), row.Real(1));
        return OkStatus();
      }));
  for (const auto& [id, score] : ids) {
    ASSIGN_OR_RETURN(Recipe recipe, Check(session, id));
    if (IsServable(recipe.freshness)) {
      RETURN_IF_ERROR(CountReuse(id));
      ASSIGN_OR_RETURN(Recipe counted, Get(id));
      recipe.reuse_count = counted.reuse_count;
      recipe.last_used_at = counted.last_used_at;
    }
    out.push_back({std::move(recipe), score});
  }
  std::stable_sort(out.begin(), out.end(), [](const RecipeMatch& a, const RecipeMatch& b) {
    return IsServable(a.recipe.freshness) && !IsServable(b.recipe.freshness);
  });
  return out;
}

Status RecipeStore::Run(engine::Session* session, int64_t id, engine::RowSink* sink) {
  ASSIGN_OR_RETURN(Recipe recipe, Check(session, id));
  if (!IsServable(recipe.freshness)) {
    return FailedPreconditionError("recipe {} is {}: {}", id, FreshnessName(recipe.freshness),
                                   recipe.stale_reason);
  }
  RETURN_IF_ERROR(session->Query(recipe.sql, sink));
  return CountReuse(id);
}

}  // namespace cairn::context
