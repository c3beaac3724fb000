#include "context/join_inference.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "context/internal/join_names.h"
#include "context/sketch.h"
#include "core/strings.h"

namespace cairn::context {

using namespace internal;

namespace {

bool DateType(const ColumnProfile& c) {
  return c.semantic_type == SemanticType::kDate || c.semantic_type == SemanticType::kDatetime;
}

bool IdentifierType(const ColumnProfile& c) {
  switch (c.semantic_type) {
    case SemanticType::kIdentifier:
    case SemanticType::kUuid:
    case SemanticType::kEmail:
    case SemanticType::kCountryCode:
    case SemanticType::kCurrencyCode:
    case SemanticType::kContainerNumber:
    case SemanticType::kImoNumber:
    case SemanticType::kIban:
      return true;
    default:
      return false;
  }
}

bool Numeric(const ColumnProfile& c) {
  if (c.non_null() > 0) return c.integer_fraction + c.real_fraction >= 0.9;
  std::string t = AsciiLower(c.declared_type);
  return t == "integer" || t == "real" || t == "numeric";
}

std::optional<double> ParseNumber(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  double v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size()) return std::nullopt;
  return v;
}

// What a declared type says a column holds, by the words SQL dialects spell types with (as
// SQLite reads affinity: "INT" anywhere is a whole number, "CHAR", "CLOB" or "TEXT" text).
enum class DeclaredKind { kUnknown, kNumber, kText, kTemporal };

DeclaredKind KindOfDeclared(const std::string& declared) {
  const std::string t = AsciiLower(declared);
  auto has = [&](const char* word) { return t.find(word) != std::string::npos; };
  if (has("int")) return DeclaredKind::kNumber;
  if (has("char") || has("clob") || has("text") || has("string")) return DeclaredKind::kText;
  if (has("date") || has("time") || has("year")) return DeclaredKind::kTemporal;
  if (has("real") || has("floa") || has("doub") || has("dec") || has("num") || has("bool") ||
      has("bit")) {
    return DeclaredKind::kNumber;
  }
  return DeclaredKind::kUnknown;
}

// Whether two declared types can hold the same values: a number and text (or a date) cannot, as
// far as the schema says. Text and dates can (dates are often kept as text); an unknown or
// missing type can hold anything. The type as the source spells it (DATETIME, VARCHAR(15)),
// else its SQLite affinity.
bool DeclaredKindsAgree(const ColumnProfile& a, const ColumnProfile& b) {
  auto kind = [](const ColumnProfile& c) {
    return KindOfDeclared(c.source_type.empty() ? c.declared_type : c.source_type);
  };
  const DeclaredKind x = kind(a), y = kind(b);
  if (x == y || x == DeclaredKind::kUnknown || y == DeclaredKind::kUnknown) return true;
  return x != DeclaredKind::kNumber && y != DeclaredKind::kNumber;
}

// The column is its table's single-column declared primary key.
bool IsOwnKey(const TableProfile& t, const std::string& column) {
  std::vector<std::string> pk = t.PrimaryKey();
  return pk.size() == 1 && pk[0] == column;
}

struct Key {
  const TableProfile* table;
  const ColumnProfile* column;
  bool declared;      // the table's declared single-column primary key
  double uniqueness;  // 1 for declared keys of empty tables
  // Not the primary key, but a declared foreign key of another table references the column
  // (`auftritte.team_id -> mannschaft.team_id`): the schema names it the entity's identifier,
  // unique or not.
  bool referenced = false;

  // The schema, not the data, says the column is a key.
  bool vouched() const { return declared || referenced; }
};

struct Candidate {
  Join join;
  double name = 0;
  bool to_declared = false;
  const TableProfile* to_table = nullptr;
};

std::string PairKey(const JoinSide& a, const JoinSide& b) {
  std::string out = a.source + '\x1f' + a.table + '\x1f';
  for (const auto& c : a.columns) out += c + '\x1e';
  out += '\x1d' + b.source + '\x1f' + b.table + '\x1f';
  for (const auto& c : b.columns) out += c + '\x1e';
  return out;
}

struct Scored {
  double score = 0;
  double name = 0;
  double containment = 0;
  nlohmann::json evidence;
};

// Scores F -> K; nullopt when a hard requirement fails.
// `column_names_only`: the names of the two columns must match (a part of a composite key),
// the referenced table's name does not count.
// `subtype_by_values`: F is its table's own key and the values have shown it a kind of K's
// table (SubtypeChance), so the names need not say so.
std::optional<Scored> ScorePair(const TableProfile& ft, const ColumnProfile& f, const Key& k,
                                const InferenceOptions& options, double name_floor,
                                bool column_names_only = false, bool subtype_by_values = false) {
  if (&ft == k.table && &f == k.column) return std::nullopt;
  // Dates reference nothing but a date dimension: a table whose declared key is a date.
  const bool calendar = k.declared && DateType(*k.column) && DateType(f);
  if (!KeyLikeValues(f) && !column_names_only && !calendar) return std::nullopt;
  NameParts fp = Parts(f.name);
  NameParts kp = Parts(k.column->name);
  const Lexicon* lexicon = options.lexicon.get();
  bool role = RoleMatch(fp.core, NameTokens(k.table->table));
  double name = 0;
  if (column_names_only) {
    name = Squash(f.name) == Squash(k.column->name)
               ? 1.0
               : CoreScore(fp.core, kp.core, false, false, lexicon);
  } else if (&ft == k.table) {
    // A self-reference: the table's own name in a column says nothing (a "part_note" in
    // "parts"); the column must name the key's entity or a parent/role.
    name = 0.8 * std::max(fp.key_suffix
                              ? CoreScore(fp.core, kp.core, false, false, lexicon)
                              : CoreScore(fp.head, kp.core, /*head_only=*/true, false, lexicon),
                          role ? 0.6 : 0.0);
    for (const auto& t : fp.core) {
      if (ParentTokens().count(t) > 0) name = std::max(name, 0.6);
    }
  } else {
    name = NameScore(f.name, k.table->table, k.column->name, lexicon);
  }
  if (!fp.key_suffix && !kp.key_suffix && !k.vouched() && !role) name *= 0.5;
  if (name < name_floor) return std::nullopt;
  // A table's own declared key that references another table's key makes the row a kind of the
  // other (a subtype, one to one). Two surrogate keys 1..n always look contained, so the name
  // must say so: the same column name, or a head naming the other table or its key
  // ("verkaufstransaktion_id" -> transaktionen.transaktions_id, "campus" -> campuses.id; not
  // "teil_fehler_id" -> teile.teil_id, a part's fault); and not when it names its own table
  // better than the other.
  if (&ft != k.table && IsOwnKey(ft, f.name) && !subtype_by_values) {
    std::vector<std::string> other = NameTokens(k.table->table);
    double own_fit = CoreScore(fp.core, NameTokens(ft.table), false, false, lexicon);
    double other_fit = CoreScore(fp.core, other, false, false, lexicon);
    if (own_fit >= 0.9 && other_fit < own_fit) return std::nullopt;
    double head_fit = std::max(CoreScore(fp.core, other, /*head_only=*/true, false, lexicon),
                               CoreScore(fp.core, kp.core, /*head_only=*/true, false, lexicon));
    if (Squash(f.name) != Squash(k.column->name) && head_fit < 0.8) return std::nullopt;
  }
  const ColumnProfile& kc = *k.column;
  double type = 0.4;
  bool fn = Numeric(f), kn = Numeric(kc);
  if (fn == kn) type = AsciiLower(f.declared_type) == AsciiLower(kc.declared_type) ? 1.0 : 0.8;
  // Without values on one side, only the schema tells the types: declared types that cannot
  // hold the same values (a number and text) relate only under one column name, as sloppy DDL
  // keeps a reference (`partei_id TEXT` -> `party.partei_id INT`); not a city's name to its id
  // (`stadt TEXT` -> `stadt_id INT`), nor an address id to an e-mail address or a date.
  if ((f.non_null() == 0 || kc.non_null() == 0) && !DeclaredKindsAgree(f, kc) &&
      Squash(f.name) != Squash(kc.name)) {
    return std::nullopt;
  }
  double containment = 0;
  std::string method;
  if (f.non_null() == 0) {
    method = "none";
    if (name < 0.8) return std::nullopt;
    containment = 0.5;
  } else if (kc.non_null() == 0) {
    // An empty referenced table (or key): nothing contradicts the values, nothing confirms
    // them; only a declared key with a name that fits will do.
    if (!k.vouched() || name < 0.8) return std::nullopt;
    method = "none";
    containment = 0.5;
  } else {
    double fd = static_cast<double>(std::max<int64_t>(1, f.distinct_count));
    double kd = static_cast<double>(std::max<int64_t>(1, kc.distinct_count));
    if (f.hashes_exact && kc.hashes_exact) {
      method = "exact";
      if (fd > kd) return std::nullopt;
      containment = ExactContainment(f.value_hashes, kc.value_hashes);
    } else {
      if (fd > kd * 1.1 + 2) return std::nullopt;
      auto fmin = ParseNumber(f.min), fmax = ParseNumber(f.max);
      auto kmin = ParseNumber(kc.min), kmax = ParseNumber(kc.max);
      if (fd / kd < 0.05 && fn && kn && fmin && fmax && kmin && kmax) {
        method = "range";
        containment = *fmin >= *kmin && *fmax <= *kmax ? 0.9 : 0.0;
      } else {
        method = "minhash";
        containment = EstimateContainment(f.minhash, fd, kc.minhash, kd);
      }
    }
    if (containment < options.min_containment) return std::nullopt;
  }
  double key_strength = k.vouched() ? 1.0 : (kc.non_null() > 0 ? 0.8 * k.uniqueness : 0.5);
  Scored s;
  s.name = name;
  s.containment = containment;
  s.score = std::clamp(0.5 * name + 0.3 * containment + 0.1 * type + 0.1 * key_strength, 0.0, 1.0);
  bool one_to_one = f.non_null() > 0 && f.uniqueness >= kMinKeyUniqueness;
  s.evidence = {{"name", std::round(name * 1000) / 1000},
                {"containment", std::round(containment * 1000) / 1000},
                {"containment_method", method},
                {"type", type},
                {"key", k.declared     ? "declared_pk"
                        : k.referenced ? "declared_reference"
                                       : "unique"},
                {"key_uniqueness", std::round(k.uniqueness * 1000) / 1000},
                {"from_distinct", f.distinct_count},
                {"to_distinct", kc.distinct_count},
                {"cardinality", one_to_one ? "one_to_one" : "many_to_one"}};
  if (lexicon != nullptr && name > 0) {
    // Which words matched only through the lexicon, so that a reviewer sees the reading.
    std::vector<std::string> to_words = NameTokens(k.table->table);
    to_words.insert(to_words.end(), kp.core.begin(), kp.core.end());
    if (auto words = TranslatedWords(fp.core, to_words, lexicon)) {
      s.evidence["translation"] = {words->first, words->second};
    }
  }
  return s;
}

// Names in another language or for a role ("stimme_des_präsidenten" -> schüler.student_id,
// "follower_id" -> benutzerprofile.uid) do not relate, but the values can: a column whose
// values are all found in exactly one other table's key, and in no other key, references it.
// Worth kValuesAloneName of a name; never for the table's own key, a self-reference, fewer
// than kValuesAloneMinDistinct values, an estimate, a name that names another table, or small
// numbers (below kValuesAloneMinNumber) under a name without a key word or unique in the table.
constexpr double kValuesAloneName = 0.4;
// A name score below this relates nothing (the name floor at the default threshold of 0.6).
constexpr double kRelatedName = 0.2;
constexpr int64_t kValuesAloneMinDistinct = 3;
constexpr double kValuesAloneMinNumber = 100;
// A table's own key whose values are a proper subset of a sparse integer key's is a kind of that
// table (museums among tourist attractions), whatever the names, when values drawn at random
// from the key's span would all fall on its values with at most this chance (SubtypeChance).
// Two surrogate keys 1..n never get here: a dense key's chance is near 1.
constexpr double kSubtypeChance = 1e-5;
constexpr int64_t kSubtypeMinDistinct = 2;

// The chance that F's distinct values, drawn at random from the integers between the key's
// smallest and largest, would all be among the key's values: (key distinct / span)^(F distinct).
// nullopt unless both hold integers only, counted exactly.
std::optional<double> SubtypeChance(const ColumnProfile& f, const ColumnProfile& kc) {
  if (!f.hashes_exact || !kc.hashes_exact || f.integer_fraction < 1.0 ||
      kc.integer_fraction < 1.0 || f.distinct_count <= 0) {
    return std::nullopt;
  }
  std::optional<double> kmin = ParseNumber(kc.min), kmax = ParseNumber(kc.max);
  if (!kmin || !kmax || *kmax < *kmin) return std::nullopt;
  const double span = *kmax - *kmin + 1;
  const double density = std::min(1.0, static_cast<double>(kc.distinct_count) / span);
  return std::pow(density, static_cast<double>(f.distinct_count));
}

// Where a values-alone search looks: the tables a name may name (NameIndex over the tables'
// names; null: every table) and the keys holding a value (null: every key, each searched).
struct ValuesAloneIndex {
  const NameIndex* tables = nullptr;
  const std::unordered_map<uint64_t, std::vector<size_t>>* keys_by_value = nullptr;
  // The tables that have a key (null: every table's keys are searched for one).
  const std::map<const TableProfile*, std::vector<size_t>>* keys_of_table = nullptr;
};

// A name that says the column holds years: a word year, years, yr, jahr or jahre, or a
// compound ending in year or jahr (fiscalyear, baujahr, geburtsjahr).
bool YearName(std::string_view name) {
  for (const std::string& word : NameTokens(name)) {
    if (word == "yr" || word == "jahre" || word == "years") return true;
    for (std::string_view end : {"year", "jahr"}) {
      if (word.size() >= end.size() && word.compare(word.size() - end.size(), end.size(), end) == 0)
        return true;
    }
  }
  return false;
}

std::vector<Candidate> ByValuesAlone(const TableProfile& ft, const ColumnProfile& f,
                                     const std::vector<Key>& keys,
                                     const std::vector<const TableProfile*>& tables,
                                     const InferenceOptions& options, const ValuesAloneIndex& index,
                                     const std::set<const TableProfile*>& excluded = {},
                                     bool link_key = false) {
  std::vector<Candidate> found;
  // The table's own key may only be a subtype's, which SubtypeChance decides below.
  const bool own_key = IsOwnKey(ft, f.name);
  if (f.distinct_count < (own_key ? kSubtypeMinDistinct : kValuesAloneMinDistinct) ||
      !f.hashes_exact) {
    return found;
  }
  NameParts parts = Parts(f.name);
  // A year (built_year, baujahr) is a date: it references nothing by its values, whatever key
  // its numbers fall among.
  if (YearName(f.name)) return found;
  // Small numbers are as likely counts, ranks or years of service as keys without a key word,
  // and number their own rows when unique.
  if (Numeric(f) && !own_key && !link_key) {
    std::optional<double> min = ParseNumber(f.min);
    bool small = !min || *min < kValuesAloneMinNumber;
    if (small && (!parts.key_suffix || f.uniqueness >= kMinKeyUniqueness)) return found;
  }
  // A name that names some table points there, whatever the values say.
  std::set<const TableProfile*> named;
  auto has_key = [&](const TableProfile* t) {
    if (index.keys_of_table != nullptr) return index.keys_of_table->count(t) > 0;
    return std::any_of(keys.begin(), keys.end(), [&](const Key& k) { return k.table == t; });
  };
  auto consider = [&](const TableProfile* t) {
    // An own key names its own table ("museum_id" in museums); that says nothing of a supertype.
    if (own_key && t == &ft) return;
    // A table without a key is no reference's target, whatever names it: "follower_id" in
    // follows (keyed by two columns) says nothing against the users' key its values are in.
    if (CoreScore(parts.core, NameTokens(t->table), false, false, options.lexicon.get()) >= 0.7 &&
        has_key(t)) {
      named.insert(t);
    }
  };
  if (index.tables != nullptr) {
    for (size_t i : index.tables->Find(parts, Squash(f.name))) consider(tables[i]);
  } else {
    for (const TableProfile* t : tables) consider(t);
  }
  // Every key is a candidate here, so a cheap test first: the key must hold F's smallest value.
  if (f.value_hashes.empty()) return found;
  const uint64_t probe = f.value_hashes.front();
  std::vector<size_t> holders;
  if (index.keys_by_value != nullptr) {
    auto it = index.keys_by_value->find(probe);
    if (it == index.keys_by_value->end()) return found;
    holders = it->second;  // ascending: keys are indexed in order
  } else {
    for (size_t i = 0; i < keys.size(); ++i) {
      const ColumnProfile& kc = *keys[i].column;
      if (kc.hashes_exact &&
          std::binary_search(kc.value_hashes.begin(), kc.value_hashes.end(), probe)) {
        holders.push_back(i);
      }
    }
  }
  for (size_t i : holders) {
    const Key& k = keys[i];
    if (k.table == &ft || (!named.empty() && named.count(k.table) == 0) ||
        excluded.count(k.table) > 0) {
      continue;
    }
    if (own_key) {
      std::optional<double> chance = SubtypeChance(f, *k.column);
      if (!chance || *chance > kSubtypeChance || f.distinct_count >= k.column->distinct_count) {
        continue;
      }
    }
    std::optional<Scored> s = ScorePair(ft, f, k, options, 0, false, own_key);
    if (!s || s->evidence.value("containment_method", "") != "exact" ||
        s->containment < 1.0 - 1e-9) {
      continue;
    }
    if (!found.empty()) return {};  // two keys hold the values: the values do not tell
    double score = std::clamp(s->score + 0.5 * kValuesAloneName * (1 - s->name), 0.0, 1.0);
    if (score < options.threshold) continue;
    Candidate c;
    c.join.from = {ft.source, ft.table, {f.name}};
    c.join.to = {k.table->source, k.table->table, {k.column->name}};
    c.join.kind = JoinKind::kInferred;
    c.join.score = std::round(score * 1000) / 1000;
    c.join.evidence = std::move(s->evidence);
    c.join.evidence["values_alone"] = true;
    c.name = s->name;
    c.to_declared = k.vouched();
    c.to_table = k.table;
    found.push_back(std::move(c));
  }
  return found;
}

// Siblings: columns of one table whose names differ only in their last word
// (stimme_des_präsidenten, stimme_des_sekretärs, stimme_des_schatzmeisters). When two or more of
// them reference the same key by values alone and none references anything else, a sibling the
// values-alone rule left out (too few distinct values to tell: two votes cast) references that
// key too when all its values are among the key's. Scored as values alone; the evidence adds
// "siblings": the columns that showed the way.
constexpr size_t kMinSiblingsShown = 2;
// Siblings look only at references this strong (the default threshold), so that what they find
// does not depend on the threshold a discovery ran under.
constexpr double kSiblingShownScore = 0.6;

void AddSiblings(const TableProfile& ft, const std::vector<Key>& keys,
                 const InferenceOptions& options, const std::set<std::string>& declared_from,
                 size_t first, std::vector<Candidate>* candidates) {
  std::map<std::string, std::vector<const ColumnProfile*>> groups;
  for (const auto& c : ft.columns) {
    std::vector<std::string> tokens = NameTokens(c.name);
    if (tokens.size() < 2) continue;
    tokens.pop_back();
    std::string prefix;
    for (const auto& t : tokens) prefix += t + '\x1f';
    groups[prefix].push_back(&c);
  }
  for (const auto& [prefix, members] : groups) {
    if (members.size() <= kMinSiblingsShown) continue;
    std::map<std::string, std::vector<std::string>> shown;  // key -> the siblings referencing it
    std::set<std::string> with_candidate;
    for (size_t i = first; i < candidates->size(); ++i) {
      const Join& j = (*candidates)[i].join;
      if (j.from.columns.size() != 1 || j.score < kSiblingShownScore) continue;
      const std::string& column = j.from.columns[0];
      if (std::none_of(members.begin(), members.end(),
                       [&](const ColumnProfile* m) { return m->name == column; })) {
        continue;
      }
      with_candidate.insert(column);
      const std::string target = j.to.source + '\x1f' + j.to.table + '\x1f' + j.to.columns[0];
      shown[j.evidence.value("values_alone", false) ? target : std::string()].push_back(column);
    }
    if (shown.size() != 1 || shown.begin()->first.empty() ||
        shown.begin()->second.size() < kMinSiblingsShown) {
      continue;
    }
    const std::string& target = shown.begin()->first;
    const Key* key = nullptr;
    for (const Key& k : keys) {
      if (k.table->source + '\x1f' + k.table->table + '\x1f' + k.column->name == target) key = &k;
    }
    if (key == nullptr) continue;
    for (const ColumnProfile* f : members) {
      if (with_candidate.count(f->name) > 0 || f->distinct_count < 1 || !f->hashes_exact ||
          declared_from.count(ft.source + '\x1f' + ft.table + '\x1f' + f->name) > 0) {
        continue;
      }
      std::optional<Scored> s = ScorePair(ft, *f, *key, options, 0);
      if (!s || s->evidence.value("containment_method", "") != "exact" ||
          s->containment < 1.0 - 1e-9) {
        continue;
      }
      double score = std::clamp(s->score + 0.5 * kValuesAloneName * (1 - s->name), 0.0, 1.0);
      if (score < options.threshold) continue;
      Candidate c;
      c.join.from = {ft.source, ft.table, {f->name}};
      c.join.to = {key->table->source, key->table->table, {key->column->name}};
      c.join.kind = JoinKind::kInferred;
      c.join.score = std::round(score * 1000) / 1000;
      c.join.evidence = std::move(s->evidence);
      c.join.evidence["values_alone"] = true;
      c.join.evidence["siblings"] = shown.begin()->second;
      c.name = s->name;
      c.to_declared = key->vouched();
      // Only the best target per column: the weaker ones (below kSiblingShownScore) go.
      for (size_t i = candidates->size(); i-- > first;) {
        const Join& j = (*candidates)[i].join;
        if (j.from.columns.size() == 1 && j.from.columns[0] == f->name && j.score < score) {
          candidates->erase(candidates->begin() + static_cast<std::ptrdiff_t>(i));
        }
      }
      candidates->push_back(std::move(c));
    }
  }
}

// A link table's key columns beside a reference by name, to a loose end: hochzeit's primary key
// is (kirche_id, männer_id, weibliche_id), and kirche_id names the churches. The men's and the
// women's ids are small numbers (which alone may be counts or ranks, so the values-alone rule
// leaves them) and are found among both the churches' keys and the people's. A column of a
// table's declared primary key of two columns or more, beside another of its columns that
// references a table by name, references the one key left that holds all its values once the
// named tables are left out, when that key's table is a loose end: no other reference leaves
// or reaches it (the people here). A rank or a code in such a key fits some key by chance; a
// table the rest of the schema already reaches is not what such a column was left to find.
// Scored as values alone, with evidence "beside": the columns that named the tables left out.
// A reference counts when its score is at least kSiblingShownScore (so that what is found does
// not depend on the threshold), and as by name when its name score is at least kByName; a
// declared reference counts, and counts as by name when its name scores as much.
constexpr double kByName = 0.7;

void FindBesideNamed(const TableProfile& ft, const std::vector<const ColumnProfile*>& undecided,
                     const std::vector<Key>& keys, const std::vector<const TableProfile*>& tables,
                     const InferenceOptions& options, const ValuesAloneIndex& index,
                     const std::vector<std::pair<std::string, const TableProfile*>>& declared,
                     const std::vector<Candidate>& candidates, size_t first,
                     std::vector<Candidate>* beside) {
  std::set<const TableProfile*> named;
  nlohmann::json naming = nlohmann::json::array();
  for (size_t i = first; i < candidates.size(); ++i) {
    const Candidate& c = candidates[i];
    if (c.to_table == nullptr || c.join.from.columns.size() != 1 || c.name < kByName ||
        c.join.score < kSiblingShownScore || c.join.evidence.value("values_alone", false)) {
      continue;
    }
    named.insert(c.to_table);
    naming.push_back(c.join.from.columns[0]);
  }
  for (const auto& [column, table] : declared) {
    named.insert(table);
    naming.push_back(column);
  }
  const std::vector<std::string> pk = ft.PrimaryKey();
  if (named.empty() || pk.size() < 2) return;
  for (const ColumnProfile* f : undecided) {
    if (std::find(pk.begin(), pk.end(), f->name) == pk.end()) continue;
    std::vector<Candidate> found =
        ByValuesAlone(ft, *f, keys, tables, options, index, named, /*link_key=*/true);
    if (found.size() != 1) continue;
    found.front().join.evidence["beside"] = naming;
    beside->push_back(std::move(found.front()));
  }
}

// Adds the references FindBesideNamed found whose target tables no other reference (inferred at
// kSiblingShownScore or more, or declared) leaves or reaches; a column's weaker candidates go.
void AddBesideToLooseEnds(std::vector<Candidate> beside, const std::vector<Join>& declared,
                          std::vector<Candidate>* candidates) {
  if (beside.empty()) return;
  std::set<std::pair<std::string, std::string>> reached;
  auto reach = [&](const Join& j) {
    reached.insert({j.from.source, j.from.table});
    reached.insert({j.to.source, j.to.table});
  };
  for (const Candidate& c : *candidates) {
    if (c.join.score >= kSiblingShownScore) reach(c.join);
  }
  for (const Join& d : declared) reach(d);
  for (Candidate& b : beside) {
    if (reached.count({b.join.to.source, b.join.to.table}) > 0) continue;
    const JoinSide& from = b.join.from;
    std::erase_if(*candidates, [&](const Candidate& c) {
      return c.join.from.source == from.source && c.join.from.table == from.table &&
             c.join.from.columns == from.columns && c.join.score < b.join.score;
    });
    candidates->push_back(std::move(b));
  }
}

}  // namespace

bool KeyLikeValues(const ColumnProfile& c) {
  switch (c.semantic_type) {
    case SemanticType::kFreeText:
    case SemanticType::kBinary:
    case SemanticType::kBoolean:
    case SemanticType::kMoney:
    case SemanticType::kNumber:
    case SemanticType::kDate:
    case SemanticType::kDatetime:
      return false;
    default:
      return c.avg_length <= 100;
  }
}

std::vector<Join> DeclaredJoins(const std::vector<TableProfile>& tables) {
  std::vector<Join> joins;
  for (const auto& t : tables) {
    for (const auto& key : t.keys) {
      if (key.type != DeclaredKey::Type::kForeign) continue;
      Join join;
      join.from = {t.source, t.table, key.columns};
      join.to = {t.source, key.ref_table, key.ref_columns};
      join.kind = JoinKind::kDeclared;
      join.score = 1;
      join.evidence = {{"declared", true}};
      joins.push_back(std::move(join));
    }
  }
  return joins;
}

std::vector<Join> InferJoins(const std::vector<TableProfile>& tables,
                             const InferenceOptions& options, const std::vector<Join>& declared) {
  const Lexicon* lexicon = options.lexicon.get();
  std::vector<const TableProfile*> usable;
  for (const auto& t : tables) {
    if (options.include_views || t.kind != "view") usable.push_back(&t);
  }
  // Columns a declared single-column foreign key references.
  std::set<std::string> referenced;
  for (const auto& d : declared) {
    if (d.to.columns.size() == 1) {
      referenced.insert(d.to.source + '\x1f' + d.to.table + '\x1f' + d.to.columns[0]);
    }
  }
  // Referenced-side keys.
  std::vector<Key> keys;
  for (const TableProfile* t : usable) {
    const bool has_pk = !t->PrimaryKey().empty();
    for (const auto& c : t->columns) {
      bool declared_pk = IsOwnKey(*t, c.name);
      if (!declared_pk && referenced.count(t->source + '\x1f' + t->table + '\x1f' + c.name) > 0) {
        keys.push_back({t, &c, false, c.non_null() > 0 ? c.uniqueness : 1.0, true});
        continue;
      }
      if (!KeyLikeValues(c) && !(declared_pk && DateType(c))) continue;
      // An undeclared key must look like one: a key-like name or an identifier-like type (a
      // unique address or name is a coincidence, not a key).
      if (!declared_pk && !Parts(c.name).key_suffix && !IdentifierType(c)) continue;
      // Beside a declared primary key, another unique column is a key only when its name
      // names the table's own entity (an alternate key), not when it is unique by chance.
      if (!declared_pk && has_pk) {
        NameParts parts = Parts(c.name);
        if (!parts.core.empty() &&
            CoreScore(parts.core, NameTokens(t->table), false, false, lexicon) < 0.8) {
          continue;
        }
      }
      if (c.non_null() > 0) {
        if (declared_pk ||
            (c.uniqueness >= kMinKeyUniqueness && c.null_fraction <= 0.01 && c.non_null() >= 2)) {
          keys.push_back({t, &c, declared_pk, declared_pk ? 1.0 : c.uniqueness});
        }
      } else if (declared_pk) {
        keys.push_back({t, &c, true, 1.0});
      } else if (t->sample_size == 0) {
        // An empty table: a key-like name for the table's own entity stands in for data.
        NameParts parts = Parts(c.name);
        if (parts.key_suffix &&
            CoreScore(parts.core, NameTokens(t->table), false, false, lexicon) >= 0.8) {
          keys.push_back({t, &c, false, 0.5});
        }
      }
    }
  }
  // The minimum name score that can still reach the threshold.
  const double name_floor = std::max(0.0, (options.threshold - 0.5) / 0.5);

  std::set<std::string> covered;
  // Columns that already reference something by a declared key are not guessed for.
  std::set<std::string> declared_from;
  for (const auto& d : declared) {
    covered.insert(PairKey(d.from, d.to));
    covered.insert(PairKey(d.to, d.from));
    for (const auto& c : d.from.columns) {
      declared_from.insert(d.from.source + '\x1f' + d.from.table + '\x1f' + c);
    }
  }
  // Blocking (InferenceOptions::block_by_name): a key is scored only when the column's name can
  // relate to it, or it is the column's own table's; without a name floor every key can pass.
  const bool block_keys = options.block_by_name && name_floor > 0;
  NameIndex key_names(lexicon), table_names(lexicon);
  std::map<const TableProfile*, std::vector<size_t>> keys_of_table;
  std::unordered_map<uint64_t, std::vector<size_t>> keys_by_value;
  ValuesAloneIndex values_index;
  if (options.block_by_name) {
    for (size_t i = 0; i < keys.size(); ++i) {
      const Key& k = keys[i];
      key_names.Add(i, NameTokens(k.table->table));
      key_names.Add(i, Parts(k.column->name).core);
      key_names.AddSquashed(i, Squash(k.column->name));
      keys_of_table[k.table].push_back(i);
      if (k.column->hashes_exact) {
        for (uint64_t h : k.column->value_hashes) keys_by_value[h].push_back(i);
      }
    }
    for (size_t i = 0; i < usable.size(); ++i) table_names.Add(i, NameTokens(usable[i]->table));
    values_index = {&table_names, &keys_by_value, &keys_of_table};
  }
  // Declared references whose names name their tables, by referencing table (FindBesideNamed).
  std::map<const TableProfile*, std::vector<std::pair<std::string, const TableProfile*>>>
      declared_by_name;
  const std::vector<std::pair<std::string, const TableProfile*>> kNone;
  if (options.values_alone && !declared.empty()) {
    std::map<std::pair<std::string, std::string>, const TableProfile*> by_table;
    for (const TableProfile* t : usable) by_table[{t->source, t->table}] = t;
    for (const auto& d : declared) {
      if (d.from.columns.size() != 1 || d.to.columns.size() != 1) continue;
      auto from = by_table.find({d.from.source, d.from.table});
      auto to = by_table.find({d.to.source, d.to.table});
      if (from == by_table.end() || to == by_table.end() ||
          NameScore(d.from.columns[0], d.to.table, d.to.columns[0], lexicon) < kByName) {
        continue;
      }
      declared_by_name[from->second].emplace_back(d.from.columns[0], to->second);
    }
  }
  std::vector<size_t> all_keys(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) all_keys[i] = i;
  std::vector<Candidate> candidates;
  std::vector<Candidate> beside;  // FindBesideNamed's, kept when their targets are loose ends
  for (const TableProfile* ft : usable) {
    const size_t first_of_table = candidates.size();
    std::vector<const ColumnProfile*> undecided;  // values alone tried and told nothing
    for (const auto& f : ft->columns) {
      if (declared_from.count(ft->source + '\x1f' + ft->table + '\x1f' + f.name) > 0) continue;
      const std::vector<size_t>* scored = &all_keys;
      std::vector<size_t> related;
      if (block_keys) {
        related = key_names.Find(Parts(f.name), Squash(f.name));
        auto own = keys_of_table.find(ft);
        if (own != keys_of_table.end()) {
          related.insert(related.end(), own->second.begin(), own->second.end());
          std::sort(related.begin(), related.end());
          related.erase(std::unique(related.begin(), related.end()), related.end());
        }
        scored = &related;
      }
      std::vector<Candidate> mine;
      for (size_t i : *scored) {
        const Key& k = keys[i];
        std::optional<Scored> s = ScorePair(*ft, f, k, options, name_floor);
        if (!s || s->score < options.threshold) continue;
        Candidate c;
        c.join.from = {ft->source, ft->table, {f.name}};
        c.join.to = {k.table->source, k.table->table, {k.column->name}};
        c.join.kind = JoinKind::kInferred;
        c.join.score = std::round(s->score * 1000) / 1000;
        c.join.evidence = std::move(s->evidence);
        c.name = s->name;
        c.to_declared = k.vouched();
        c.to_table = k.table;
        mine.push_back(std::move(c));
      }
      // Values alone speak when no name relates (whatever the threshold let in).
      if (options.values_alone && std::none_of(mine.begin(), mine.end(), [](const Candidate& c) {
            return c.name >= kRelatedName;
          })) {
        std::vector<Candidate> by_values =
            ByValuesAlone(*ft, f, keys, usable, options, values_index);
        if (by_values.empty()) undecided.push_back(&f);
        for (auto& c : by_values) mine.push_back(std::move(c));
      }
      if (mine.empty()) continue;
      double best = 0;
      for (const auto& c : mine) best = std::max(best, c.join.score);
      for (auto& c : mine) {
        if (c.join.score >= best - 1e-9) candidates.push_back(std::move(c));
      }
    }
    if (options.values_alone) {
      auto by_name = declared_by_name.find(ft);
      FindBesideNamed(*ft, undecided, keys, usable, options, values_index,
                      by_name == declared_by_name.end() ? kNone : by_name->second, candidates,
                      first_of_table, &beside);
      AddSiblings(*ft, keys, options, declared_from, first_of_table, &candidates);
    }
  }
  AddBesideToLooseEnds(std::move(beside), declared, &candidates);
  // Composite keys: a declared primary key of 2..4 columns whose columns another table holds
  // all (each matched by name and contained, then as tuples). Tables keyed by the same columns
  // are siblings, not references, and are left alone.
  if (options.composite) {
    // With the name index, only tables with a column that may name each part are scored.
    std::vector<const TableProfile*> column_table;
    NameIndex column_names(lexicon);
    if (options.block_by_name) {
      for (const TableProfile* t : usable) {
        for (const auto& c : t->columns) {
          column_names.AddNamer(column_table.size(), Parts(c.name).core);
          column_names.AddSquashed(column_table.size(), Squash(c.name));
          column_table.push_back(t);
        }
      }
    }
    std::vector<Candidate> composites;
    for (const TableProfile* kt : usable) {
      std::vector<std::string> pk = kt->PrimaryKey();
      if (pk.size() < 2 || pk.size() > 4) continue;
      std::vector<Key> parts;
      for (const auto& name : pk) {
        const ColumnProfile* c = kt->FindColumn(name);
        if (c != nullptr) parts.push_back({kt, c, true, 1.0});
      }
      if (parts.size() != pk.size()) continue;
      std::set<const TableProfile*> naming_all;  // tables that may name every part
      if (options.block_by_name) {
        std::map<const TableProfile*, size_t> named_parts;
        for (const Key& part : parts) {
          std::set<const TableProfile*> naming;
          for (size_t id :
               column_names.FindNamers(Parts(part.column->name), Squash(part.column->name))) {
            naming.insert(column_table[id]);
          }
          for (const TableProfile* t : naming) ++named_parts[t];
        }
        for (const auto& [t, n] : named_parts) {
          if (n == parts.size()) naming_all.insert(t);
        }
      }
      for (const TableProfile* ft : usable) {
        if (ft == kt || (options.block_by_name && naming_all.count(ft) == 0)) continue;
        std::vector<std::optional<Scored>> best(parts.size());
        std::vector<const ColumnProfile*> chosen(parts.size(), nullptr);
        for (size_t p = 0; p < parts.size(); ++p) {
          for (const auto& f : ft->columns) {
            auto scored = ScorePair(*ft, f, parts[p], options, 0.8, /*column_names_only=*/true);
            if (scored && (!best[p] || scored->score > best[p]->score)) {
              best[p] = scored;
              chosen[p] = &f;
            }
          }
        }
        std::set<const ColumnProfile*> distinct(chosen.begin(), chosen.end());
        if (distinct.count(nullptr) > 0 || distinct.size() != chosen.size()) continue;
        std::set<std::string> from_names, own_pk;
        for (const auto* c : chosen) from_names.insert(c->name);
        for (const auto& name : ft->PrimaryKey()) own_pk.insert(name);
        if (from_names == own_pk) continue;
        double score = 0, name = 0;
        Candidate c;
        c.join.from = {ft->source, ft->table, {}};
        c.join.to = {kt->source, kt->table, {}};
        nlohmann::json per_column = nlohmann::json::array();
        for (size_t p = 0; p < parts.size(); ++p) {
          score += best[p]->score / static_cast<double>(parts.size());
          name += best[p]->name / static_cast<double>(parts.size());
          c.join.from.columns.push_back(chosen[p]->name);
          c.join.to.columns.push_back(parts[p].column->name);
          per_column.push_back(best[p]->evidence);
        }
        if (score < options.threshold) continue;
        c.join.kind = JoinKind::kInferred;
        c.join.score = std::round(score * 1000) / 1000;
        c.join.evidence = {{"composite", true}, {"columns", std::move(per_column)}};
        std::optional<TupleSketch> from, to;
        std::string unread;  // why the tuples could not be read
        if (options.tuples) {
          Result<TupleSketch> sampled = options.tuples(c.join.from, /*whole=*/false);
          if (sampled.ok()) {
            from = std::move(*sampled);
          } else {
            unread = sampled.status().ToString();
          }
          if (from && from->rows > 0) {
            Result<TupleSketch> whole = options.tuples(c.join.to, /*whole=*/true);
            if (whole.ok()) {
              to = std::move(*whole);
            } else {
              unread = whole.status().ToString();
            }
          }
        }
        if (from && to && to->rows > 0) {
          const bool exact = from->exact && to->exact;
          double contained =
              exact ? ExactContainment(from->hashes, to->hashes)
                    : EstimateContainment(from->minhash, from->distinct, to->minhash, to->distinct);
          if (contained < options.min_containment) continue;
          c.join.evidence["tuple_containment"] = std::round(contained * 1000) / 1000;
          c.join.evidence["tuple_method"] = exact ? "exact" : "minhash";
          c.join.evidence["from_tuples"] = std::llround(from->distinct);
          c.join.evidence["from_rows"] = from->rows;
        } else if (!unread.empty()) {
          c.join.evidence["containment_note"] = "per column; tuples not read: " + unread;
        } else {
          c.join.evidence["containment_note"] = "per column; tuples not checked";
        }
        c.name = name;
        c.to_declared = true;
        composites.push_back(std::move(c));
      }
    }
    // One set of columns that matches the keys of two tables matches a grain, not an entity:
    // tables keyed alike (campus and year) are facts at one grain, and a third with those
    // columns is one more of them. Only a key no other table shares is referenced.
    std::map<std::string, int> matched;
    auto from_set = [](const Join& j) {
      std::vector<std::string> columns = j.from.columns;
      std::sort(columns.begin(), columns.end());
      std::string key = j.from.source + '\x1f' + j.from.table;
      for (const auto& c : columns) key += '\x1f' + c;
      return key;
    };
    for (const Candidate& c : composites) ++matched[from_set(c.join)];
    for (Candidate& c : composites) {
      if (matched[from_set(c.join)] == 1) candidates.push_back(std::move(c));
    }
  }
  // One direction per column pair: the better score, then the declared key, then the side with
  // more distinct values as the referenced one.
  std::map<std::string, size_t> by_pair;
  std::vector<bool> dropped(candidates.size(), false);
  for (size_t i = 0; i < candidates.size(); ++i) {
    const Join& j = candidates[i].join;
    std::string forward = PairKey(j.from, j.to), backward = PairKey(j.to, j.from);
    if (covered.count(forward) > 0) {
      dropped[i] = true;
      continue;
    }
    auto it = by_pair.find(backward);
    if (it == by_pair.end()) {
      by_pair[forward] = i;
      continue;
    }
    const Candidate& other = candidates[it->second];
    auto rank = [](const Candidate& c) {
      int64_t to_distinct = c.join.evidence.value("to_distinct", int64_t{0});
      return std::make_tuple(c.join.score, c.to_declared ? 1 : 0, to_distinct);
    };
    if (rank(candidates[i]) > rank(other)) {
      dropped[it->second] = true;
      by_pair.erase(it);
      by_pair[forward] = i;
    } else {
      dropped[i] = true;
    }
  }
  std::vector<Join> joins;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (!dropped[i]) joins.push_back(std::move(candidates[i].join));
  }
  std::stable_sort(joins.begin(), joins.end(),
                   [](const Join& a, const Join& b) { return a.score > b.score; });
  return joins;
}

}  // namespace cairn::context
