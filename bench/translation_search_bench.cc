// cairn_translation_search_bench: does search find a table named in another language?
//
//   cairn_translation_search_bench --lexicon FORWARD BACKWARD [--hits K] [--show DB]
//
// Spider's German translation (bench/data/spider-de) keeps many column names in English beside
// German table names: `produkte.manufacturer_id` references `hersteller`. An agent that reads such
// a column and searches for its words ("manufacturer") should find the table it references. For
// each foreign key of tables.json whose referencing column's words (its key words such as `id`
// left out) spell no word of the referenced table's name, this bench searches those words over
// the database's names (tables and columns, as `cairn search` indexes them, without values) and
// counts whether the referenced table is among the first K tables search names (its table hits
// in rank order; default 1): once over
// an index without translations (the baseline, same process), once with the translations of the
// names' words that discovery stores with a lexicon (context::TranslateNameWords). The foreign
// keys whose column does spell the referenced table's name are counted the same way, to show
// that translations do not push those out. Every fifth database by name is held out
// (bench/spider_split.h); nothing here was tuned on either split. --show DB lists that
// database's cases.
//
// FORWARD and BACKWARD: dictd dictionaries (Debian's /usr/share/dictd/freedict-deu-eng and
// freedict-eng-deu). Prints Markdown. Exit status 1 when, over all databases, the translations
// find no more of the tables named in the other language than the names alone, or fewer of
// those whose name the column spells; 2 for a bad argument or a dictionary it cannot read.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "context/lexicon.h"
#include "context/search.h"
#include "spider_split.h"
#include "store/state_db.h"

namespace cairn::bench {
namespace {

namespace fs = std::filesystem;

struct Case {
  std::string db, column, table;  // "from_table.column" and the table it references
  std::string query;
  bool literal = false;  // the column's words spell a word of the table's name
};

struct Tally {
  int cases = 0, without = 0, with = 0;
  int lost = 0;  // found without translations, not with them
};

// Words a key's name adds to what it names.
bool KeyWord(const std::string& w) {
  static const std::set<std::string> kWords = {"id",  "ids", "code",   "key",    "no",
                                               "nr",  "num", "number", "nummer", "kennung",
                                               "ref", "fk",  "pk",     "cd"};
  return kWords.count(w) > 0;
}

bool Spells(const std::vector<std::string>& words, const std::vector<std::string>& name) {
  for (const auto& w : words) {
    for (const auto& n : name) {
      if (n.starts_with(w) || w.starts_with(n)) return true;
    }
  }
  return false;
}

// Whether `table` is among the first `k` tables search names for `query` (its table hits, in
// rank order; column hits are left out: the referencing column's own name would come first).
bool Finds(context::SearchIndex& index, const std::string& query, const std::string& table, int k,
           std::string* top) {
  auto hits = index.Search(query, 50);
  if (!hits.ok()) {
    std::fprintf(stderr, "search \"%s\": %s\n", query.c_str(), hits.status().ToString().c_str());
    std::exit(1);
  }
  top->clear();
  int tables = 0;
  bool found = false;
  for (const auto& hit : *hits) {
    if (hit.kind != context::SearchKind::kTable || tables == k) continue;
    ++tables;
    *top += (top->empty() ? "" : ", ") + hit.table;
    found = found || hit.table == table;
  }
  return found;
}

int Main(int argc, char** argv) {
  std::string forward, backward, show;
  int k = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--lexicon" && i + 2 < argc) {
      forward = argv[++i];
      backward = argv[++i];
    } else if (arg == "--hits" && i + 1 < argc) {
      k = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--show" && i + 1 < argc) {
      show = argv[++i];
    } else {
      std::fprintf(stderr,
                   "usage: cairn_translation_search_bench --lexicon FORWARD BACKWARD [--hits K] "
                   "[--show DB]\n");
      return 2;
    }
  }
  if (forward.empty()) {
    std::fprintf(stderr, "--lexicon FORWARD BACKWARD is required\n");
    return 2;
  }
  auto lexicon = context::Lexicon::Load(forward, backward);
  if (!lexicon.ok()) {
    std::fprintf(stderr, "--lexicon: %s\n", lexicon.status().ToString().c_str());
    return 2;
  }

  const fs::path data = fs::path(CAIRN_BENCH_DATA) / "spider-de";
  std::ifstream in(data / "tables.json");
  nlohmann::json schemas = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!schemas.is_array()) {
    std::fprintf(stderr, "%s: not a JSON array\n", (data / "tables.json").c_str());
    return 1;
  }
  const std::set<std::string> held_out = SpiderHeldOut(data / "database");
  // [split][literal]
  std::map<std::pair<bool, bool>, Tally> tallies;
  int databases = 0;
  for (const auto& schema : schemas) {
    const std::string db = schema["db_id"];
    const auto& tables = schema["table_names_original"];
    const auto& columns = schema["column_names_original"];
    std::vector<context::IndexedTable> indexed;
    std::vector<std::string> names;
    for (const auto& t : tables) {
      indexed.push_back({db, t.get<std::string>(), "table", {}});
      names.push_back(t.get<std::string>());
    }
    for (const auto& c : columns) {
      const int t = c[0].get<int>();
      if (t < 0) continue;  // "*"
      indexed[static_cast<size_t>(t)].columns.push_back({c[1].get<std::string>(), "", "", {}});
      names.push_back(c[1].get<std::string>());
    }
    std::vector<Case> cases;
    for (const auto& fk : schema["foreign_keys"]) {
      const auto& from = columns[fk[0].get<size_t>()];
      const auto& to = columns[fk[1].get<size_t>()];
      Case c;
      c.db = db;
      const std::string from_table = tables[from[0].get<size_t>()];
      c.column = from_table + "." + from[1].get<std::string>();
      c.table = tables[to[0].get<size_t>()];
      if (c.table == from_table) continue;  // a self-reference: the table is the one read
      std::vector<std::string> words;
      for (const auto& w : context::MatchWords(from[1].get<std::string>())) {
        if (!KeyWord(w)) words.push_back(w);
      }
      if (words.empty()) continue;
      for (const auto& w : words) c.query += (c.query.empty() ? "" : " ") + w;
      c.literal = Spells(words, context::MatchWords(c.table));
      cases.push_back(std::move(c));
    }
    if (cases.empty()) continue;
    ++databases;
    auto plain_db = store::StateDb::Open(":memory:");
    auto translated_db = store::StateDb::Open(":memory:");
    if (!plain_db.ok() || !translated_db.ok()) return 1;
    auto plain = context::SearchIndex::Open(plain_db->get());
    auto translated = context::SearchIndex::Open(translated_db->get());
    if (!plain.ok() || !translated.ok()) return 1;
    if (!plain->IndexSchema(indexed).ok()) return 1;
    const context::NameTranslations words = context::TranslateNameWords(*lexicon, names);
    for (auto& table : indexed) {
      table.translations = context::TranslationsOf(words, table.table);
      for (auto& column : table.columns) {
        column.translations = context::TranslationsOf(words, column.name);
      }
    }
    if (!translated->IndexSchema(indexed).ok()) return 1;
    const bool out = held_out.count(db) > 0;
    for (const Case& c : cases) {
      std::string top_without, top_with;
      const bool without = Finds(*plain, c.query, c.table, k, &top_without);
      const bool with = Finds(*translated, c.query, c.table, k, &top_with);
      Tally& tally = tallies[{out, c.literal}];
      ++tally.cases;
      tally.without += without;
      tally.with += with;
      tally.lost += without && !with;
      if (db == show) {
        std::printf("%s -> %s, \"%s\"%s: without %s, with %s\n  with: %s\n", c.column.c_str(),
                    c.table.c_str(), c.query.c_str(), c.literal ? " (spells it)" : "",
                    without ? "found" : "missed", with ? "found" : "missed", top_with.c_str());
      }
    }
  }
  std::printf(
      "Spider (German tables, %d databases with foreign keys), lexicon of %zu pairs; a "
      "foreign key's referencing column's words searched over its database's names: the "
      "referenced table among the first %d table hit(s)\n\n",
      databases, lexicon->pairs(), k);
  std::printf(
      "| foreign keys whose column | split | keys | without translations | with translations "
      "|\n|---|---|---:|---:|---:|\n");
  for (const bool literal : {false, true}) {
    for (const int split : {0, 1, 2}) {
      Tally t;
      for (const bool out : {false, true}) {
        if ((split == 0 && out) || (split == 1 && !out)) continue;
        const Tally& part = tallies[{out, literal}];
        t.cases += part.cases;
        t.without += part.without;
        t.with += part.with;
      }
      auto pct = [&](int n) { return t.cases > 0 ? 100.0 * n / t.cases : 0.0; };
      std::printf("| %s | %s | %d | %d (%.1f %%) | %d (%.1f %%) |\n",
                  literal ? "spells the table's name" : "spells no word of the table's name",
                  split == 0   ? "development"
                  : split == 1 ? "held out (every 5th by name)"
                               : "all",
                  t.cases, t.without, pct(t.without), t.with, pct(t.with));
    }
  }
  // A regression guard for bench_smoke: translations must find tables the names alone do not,
  // and lose none of those the names find.
  Tally across, spelled;
  for (const bool out : {false, true}) {
    across.without += tallies[{out, false}].without;
    across.with += tallies[{out, false}].with;
    spelled.without += tallies[{out, true}].without;
    spelled.with += tallies[{out, true}].with;
  }
  for (const bool literal : {false, true}) {
    int lost = 0;
    for (const bool out : {false, true}) lost += tallies[{out, literal}].lost;
    std::printf("\n%s: %d found without translations and not with them",
                literal ? "spells the table's name" : "spells no word of it", lost);
  }
  std::printf("\n");
  if (across.with <= across.without || spelled.with < spelled.without) {
    std::fprintf(stderr, "translations found no more tables (%d vs %d), or fewer (%d vs %d)\n",
                 across.with, across.without, spelled.with, spelled.without);
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace cairn::bench

int main(int argc, char** argv) { return cairn::bench::Main(argc, argv); }
