#include "context/glossary.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <unordered_map>

#include "core/strings.h"

namespace cairn::context {
namespace {

const std::vector<store::Migration> kDescriptionMigrations = {
    {1, "descriptions",
     "CREATE TABLE descriptions ("
     "  source TEXT NOT NULL, table_name TEXT NOT NULL, column_name TEXT NOT NULL DEFAULT '',"
     "  text TEXT NOT NULL,"
     "  provenance TEXT NOT NULL DEFAULT 'stated',"
     "  stated_by TEXT NOT NULL,"
     "  stated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')),"
     "  PRIMARY KEY (source, table_name, column_name));"},
};

const std::vector<store::Migration> kGlossaryMigrations = {
    {1, "glossary terms",
     "CREATE TABLE glossary_terms ("
     "  term TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,"
     "  definition TEXT NOT NULL,"
     "  see TEXT NOT NULL DEFAULT '[]',"
     "  provenance TEXT NOT NULL DEFAULT 'stated',"
     "  stated_by TEXT NOT NULL,"
     "  stated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')));",
     // PostgreSQL has no NOCASE: a unique index on the ASCII-lower-cased term (lower() under
     // the "C" collation folds A-Z only, as NOCASE does) gives the same uniqueness.
     "CREATE TABLE glossary_terms ("
     "  term TEXT NOT NULL,"
     "  definition TEXT NOT NULL,"
     "  see TEXT NOT NULL DEFAULT '[]',"
     "  provenance TEXT NOT NULL DEFAULT 'stated',"
     "  stated_by TEXT NOT NULL,"
     "  stated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')));"
     "CREATE UNIQUE INDEX glossary_terms_term ON glossary_terms (lower(term COLLATE \"C\"));"},
    {2, "glossary synonyms",
     "ALTER TABLE glossary_terms ADD COLUMN synonyms TEXT NOT NULL DEFAULT '[]';"},
    {3, "a counter of term changes, for caches",
     "CREATE TABLE glossary_changes (id INTEGER PRIMARY KEY CHECK (id = 1), "
     "changes BIGINT NOT NULL)"},
};

// Raises TermChanges() by one; run inside the transaction of the change.
Status CountTermChange(store::StateDb* db) {
  // SQLite's upsert needs a WHERE in its SELECT to tell ON CONFLICT from a join's ON.
  return db
      ->Exec(
          "INSERT INTO glossary_changes (id, changes) SELECT 1, 1 WHERE 1 = 1 "
          "ON CONFLICT (id) DO UPDATE SET changes = glossary_changes.changes + 1")
      .status();
}

// How each engine spells the case-insensitive (ASCII) identity of a term.
struct TermSql {
  const char* conflict;  // the upsert's conflict target
  const char* where;     // matches the term bound to the one parameter
  const char* order;     // case-insensitively, then exactly
};
const TermSql& TermSqlFor(store::Dialect dialect) {
  static const TermSql kSqlite = {"(term)", "term = ?", "term COLLATE NOCASE, term"};
  static const TermSql kPostgres = {
      "(lower(term COLLATE \"C\"))",
      "lower(term COLLATE \"C\") = lower(CAST(? AS TEXT) COLLATE \"C\")",
      "lower(term COLLATE \"C\"), term COLLATE \"C\""};
  return dialect == store::Dialect::kSqlite ? kSqlite : kPostgres;
}

std::string Trimmed(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

// The strings of a JSON array column; anything else reads as none.
std::vector<std::string> ReadStrings(const std::string& text) {
  std::vector<std::string> out;
  nlohmann::json array = nlohmann::json::parse(text, nullptr, false);
  if (!array.is_array()) return out;
  for (const auto& item : array) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

Provenance ReadProvenance(const std::string& name) {
  Provenance provenance = Provenance::kStated;
  ProvenanceFromName(name, &provenance);
  return provenance;
}

// One word of a text: as TermWords spells it, and whether it was written in capitals (no lower
// case letter but a plural's trailing s: "DO", "BLs", the "D" and "Os" of "D/Os").
struct Word {
  std::string word;
  bool capitals = false;
};

std::vector<Word> SplitWords(std::string_view text) {
  std::vector<Word> words;
  std::string word;
  int upper = 0;
  int lower = 0;
  auto flush = [&] {
    if (word.empty()) return;
    size_t n = word.size();
    auto ends = [&](std::string_view tail) {
      return n > tail.size() && std::string_view(word).substr(n - tail.size()) == tail;
    };
    // A lower-case trailing s after capitals is a plural ("BLs"), not a lower-case letter.
    bool capitals = upper >= 1 && (lower == 0 || (lower == 1 && word.back() == 's'));
    if (n > 4 && ends("ies")) {
      word = word.substr(0, n - 3) + "y";
    } else if (n > 4 && (ends("sses") || ends("xes") || ends("ches") || ends("shes"))) {
      word.resize(n - 2);
    } else if (n > 3 && ends("s") && !ends("ss") && !ends("us") && !ends("is")) {
      word.resize(n - 1);
    } else if (capitals && lower == 1) {
      word.resize(n - 1);
    }
    words.push_back({std::move(word), capitals});
    word.clear();
    upper = lower = 0;
  };
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || byte >= 0x80) {
      upper += std::isupper(byte) ? 1 : 0;
      lower += std::islower(byte) ? 1 : 0;
      word += static_cast<char>(std::tolower(byte));
    } else {
      flush();
    }
  }
  flush();
  return words;
}

}  // namespace

std::vector<std::string> TermWords(std::string_view text) {
  std::vector<std::string> out;
  for (auto& word : SplitWords(text)) out.push_back(std::move(word.word));
  return out;
}

struct TermMatcher::Index {
  struct Name {
    size_t term;              // into terms_
    const std::string* name;  // the term or one of its synonyms, in terms_
    std::vector<Word> words;
  };
  std::vector<Name> names;  // in the order of terms_, each term before its synonyms
  std::unordered_map<std::string, std::vector<size_t>> by_first_word;  // into names
};

TermMatcher::TermMatcher(std::vector<GlossaryTerm> terms)
    : terms_(std::move(terms)), index_(std::make_unique<Index>()) {
  auto add = [&](size_t term, const std::string& name) {
    std::vector<Word> words = SplitWords(name);
    if (words.empty()) return;
    index_->by_first_word[words.front().word].push_back(index_->names.size());
    index_->names.push_back({term, &name, std::move(words)});
  };
  for (size_t i = 0; i < terms_.size(); ++i) {
    add(i, terms_[i].term);
    for (const auto& synonym : terms_[i].synonyms) add(i, synonym);
  }
}

TermMatcher::~TermMatcher() = default;
TermMatcher::TermMatcher(TermMatcher&&) noexcept = default;
TermMatcher& TermMatcher::operator=(TermMatcher&&) noexcept = default;

std::vector<TermMention> TermMatcher::Mentioned(std::string_view text) const {
  const std::vector<Word> words = SplitWords(text);
  // A name's word in capitals is an abbreviation ("DO", a delivery order): only the same
  // capitals name it, never the everyday word ("do").
  auto same = [](const Word& in_text, const Word& in_name) {
    return in_text.word == in_name.word && (!in_name.capitals || in_text.capitals);
  };
  std::set<size_t> named;
  for (size_t at = 0; at < words.size(); ++at) {
    auto found = index_->by_first_word.find(words[at].word);
    if (found == index_->by_first_word.end()) continue;
    for (size_t n : found->second) {
      const std::vector<Word>& spelled = index_->names[n].words;
      if (spelled.size() <= words.size() - at &&
          std::equal(
              spelled.begin(), spelled.end(), words.begin() + at,
              [&](const Word& in_name, const Word& in_text) { return same(in_text, in_name); })) {
        named.insert(n);
      }
    }
  }
  std::vector<TermMention> out;
  for (size_t n : named) {
    const Index::Name& name = index_->names[n];
    out.push_back({&terms_[name.term], *name.name});
  }
  return out;
}

Result<ObjectRef> ParseObjectRef(const std::string& text) {
  ObjectRef ref;
  size_t first = text.find('.');
  if (first == std::string::npos || first == 0) {
    return InvalidArgumentError("expected source.table or source.table.column, got '{}'", text);
  }
  ref.source = text.substr(0, first);
  size_t second = text.find('.', first + 1);
  ref.table =
      text.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
  if (second != std::string::npos) ref.column = text.substr(second + 1);
  if (ref.table.empty() || (second != std::string::npos && ref.column.empty()) ||
      ref.column.find('.') != std::string::npos) {
    return InvalidArgumentError("expected source.table or source.table.column, got '{}'", text);
  }
  return ref;
}

Result<Glossary> Glossary::Open(store::StateDb* db) {
  RETURN_IF_ERROR(db->Migrate("descriptions", kDescriptionMigrations).status());
  RETURN_IF_ERROR(db->Migrate("glossary", kGlossaryMigrations).status());
  return Glossary(db);
}

Status Glossary::SetDescription(const std::string& source, const std::string& table,
                                const std::string& column, const std::string& text,
                                const std::string& principal) {
  if (source.empty() || table.empty()) {
    return InvalidArgumentError("a description needs a source and a table");
  }
  std::string body = Trimmed(text);
  if (body.empty()) {
    return db_
        ->Exec("DELETE FROM descriptions WHERE source = ? AND table_name = ? AND column_name = ?",
               {source, table, column})
        .status();
  }
  return db_
      ->Exec(
          "INSERT INTO descriptions (source, table_name, column_name, text, stated_by) "
          "VALUES (?, ?, ?, ?, ?) ON CONFLICT (source, table_name, column_name) "
          "DO UPDATE SET text = excluded.text, "
          "provenance = 'stated', stated_by = excluded.stated_by, "
          "stated_at = strftime('%Y-%m-%dT%H:%M:%fZ')",
          {source, table, column, body, principal})
      .status();
}

Result<std::vector<Description>> Glossary::ListDescriptions(const std::string& source,
                                                            const std::string& table) {
  std::vector<Description> out;
  std::string sql =
      "SELECT source, table_name, column_name, text, provenance, stated_by, stated_at "
      "FROM descriptions ";
  std::vector<store::Param> params;
  if (!source.empty()) {
    sql += "WHERE source = ? AND table_name = ? ";
    params = {source, table};
  }
  sql += "ORDER BY source, table_name, column_name";
  RETURN_IF_ERROR(db_->Query(sql, params, [&](const store::Row& row) {
    out.push_back({row.Text(0), row.Text(1), row.Text(2), row.Text(3), ReadProvenance(row.Text(4)),
                   row.Text(5), row.Text(6)});
    return OkStatus();
  }));
  return out;
}

Result<Description> Glossary::GetDescription(const std::string& source, const std::string& table,
                                             const std::string& column) {
  ASSIGN_OR_RETURN(std::vector<Description> all, ListDescriptions(source, table));
  for (auto& description : all) {
    if (description.column == column) return std::move(description);
  }
  if (column.empty()) return NotFoundError("no description of {}.{}", source, table);
  return NotFoundError("no description of {}.{}.{}", source, table, column);
}

Result<GlossaryTerm> Glossary::AddTerm(const std::string& term, const std::string& definition,
                                       std::vector<std::string> see, const std::string& principal,
                                       const std::vector<std::string>& synonyms) {
  GlossaryTerm out;
  out.term = Trimmed(term);
  out.definition = Trimmed(definition);
  if (out.term.empty()) return InvalidArgumentError("a glossary term cannot be empty");
  if (out.definition.empty()) {
    return InvalidArgumentError("glossary term '{}' needs a definition", out.term);
  }
  for (const auto& ref : see) RETURN_IF_ERROR(ParseObjectRef(ref).status());
  std::sort(see.begin(), see.end());
  see.erase(std::unique(see.begin(), see.end()), see.end());
  out.see = std::move(see);
  for (const auto& synonym : synonyms) {
    std::string text = Trimmed(synonym);
    if (TermWords(text).empty()) {
      return InvalidArgumentError("glossary term '{}': synonym '{}' has no word in it", out.term,
                                  synonym);
    }
    // The term itself, or a synonym already given in another case, adds nothing.
    auto same = [&](const std::string& other) { return AsciiLower(other) == AsciiLower(text); };
    if (same(out.term) || std::any_of(out.synonyms.begin(), out.synonyms.end(), same)) continue;
    out.synonyms.push_back(std::move(text));
  }
  std::sort(
      out.synonyms.begin(), out.synonyms.end(),
      [](const std::string& a, const std::string& b) { return AsciiLower(a) < AsciiLower(b); });
  out.stated_by = principal;
  const TermSql& sql = TermSqlFor(db_->dialect());
  RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    RETURN_IF_ERROR(
        db_->Exec(fmt::format("INSERT INTO glossary_terms (term, definition, see, synonyms, "
                              "stated_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT {} DO UPDATE "
                              "SET term = excluded.term, definition = excluded.definition, see = "
                              "excluded.see, synonyms = excluded.synonyms, provenance = 'stated', "
                              "stated_by = excluded.stated_by, stated_at = "
                              "strftime('%Y-%m-%dT%H:%M:%fZ')",
                              sql.conflict),
                  {out.term, out.definition, nlohmann::json(out.see).dump(),
                   nlohmann::json(out.synonyms).dump(), principal})
            .status());
    return CountTermChange(db_);
  }));
  RETURN_IF_ERROR(db_->Query(std::string("SELECT stated_at FROM glossary_terms WHERE ") + sql.where,
                             {out.term}, [&](const store::Row& row) {
                               out.stated_at = row.Text(0);
                               return OkStatus();
                             }));
  return out;
}

Result<std::vector<GlossaryTerm>> Glossary::ListTerms() {
  std::vector<GlossaryTerm> out;
  RETURN_IF_ERROR(
      db_->Query(std::string("SELECT term, definition, see, provenance, stated_by, stated_at, "
                             "synonyms FROM glossary_terms ORDER BY ") +
                     TermSqlFor(db_->dialect()).order,
                 {}, [&](const store::Row& row) {
                   GlossaryTerm term;
                   term.term = row.Text(0);
                   term.definition = row.Text(1);
                   term.see = ReadStrings(row.Text(2));
                   term.provenance = ReadProvenance(row.Text(3));
                   term.stated_by = row.Text(4);
                   term.stated_at = row.Text(5);
                   term.synonyms = ReadStrings(row.Text(6));
                   out.push_back(std::move(term));
                   return OkStatus();
                 }));
  return out;
}

Status Glossary::RemoveTerm(const std::string& term) {
  return db_->Transaction([&]() -> Status {
    ASSIGN_OR_RETURN(int64_t removed, db_->Exec(std::string("DELETE FROM glossary_terms WHERE ") +
                                                    TermSqlFor(db_->dialect()).where,
                                                {Trimmed(term)}));
    if (removed == 0) return NotFoundError("no glossary term '{}'", term);
    return CountTermChange(db_);
  });
}

Result<int64_t> Glossary::TermChanges() {
  int64_t changes = 0;
  RETURN_IF_ERROR(db_->Query("SELECT changes FROM glossary_changes WHERE id = 1", {},
                             [&](const store::Row& row) {
                               changes = row.Int(0);
                               return OkStatus();
                             }));
  return changes;
}

}  // namespace cairn::context
