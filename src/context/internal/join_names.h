#pragma once

// What a column's name says: its words, its key words, the entity it names, and an index of the
// tables and keys a name may relate to. Join inference (join_inference.cc) scores names with
// these; its values evidence lives there.

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "context/join_inference.h"
#include "context/lexicon.h"

namespace cairn::context::internal {

// Trailing or leading tokens that mark a key rather than name an entity.
const std::unordered_set<std::string>& KeyTokens();
// Words for a person in a role, and the entities such people are stored as.
const std::unordered_set<std::string>& RoleTokens();
const std::unordered_set<std::string>& PersonEntities();
// Words that make a column of a table reference another row of the same table.
const std::unordered_set<std::string>& ParentTokens();
// Words that end a name's head: "adresse_der_mitarbeiter" (the staff member's address) is an
// address, "ShipVia" names what ships.
const std::unordered_set<std::string>& HeadEnds();

// Lower-case, alphanumerics (and non-ASCII bytes) only.
std::string Squash(std::string_view s);

struct NameParts {
  std::vector<std::string> core;  // tokens without key prefixes/suffixes
  std::vector<std::string> head;  // the core up to a word that ends the head (see HeadEnds)
  bool key_suffix = false;        // a key token was stripped
  bool agent = false;             // "via"/"by" follows the head: the name says who acts
};

NameParts Parts(std::string_view name);

// `agent`: the name says who acts ("ShipVia", "approved_by"), so an agent noun may match.
// With a lexicon, a word and its translation ("lehrer", "instructors") are similar words.
double TokenSim(const std::string& a, const std::string& b, bool agent = false,
                const Lexicon* lexicon = nullptr);

// The word with German umlauts as their base vowels (ä, ö, ü as a, o, u, also in capitals) and
// ß as ss: many German plurals differ from the singular by an umlaut alone (Flughafen and
// Flughäfen, Stadt and Städte), so names are compared folded as well as written.
std::string FoldUmlauts(std::string_view word);

// What is left of a word of 5 letters or more without a German plural's or singular's ending
// in -um, -en or -a (Album and Alben, Firma and Firmen, Medium and Media), else "". Two words
// with the same such stem are one word's singular and plural.
std::string GermanPluralStem(const std::string& word);

// Whether the lexicon translates `a` to `b`, either as written or singular.
bool Translated(const std::string& a, const std::string& b, const Lexicon* lexicon);
// The first word of `f` and word of `p` that are similar only as translations, if any.
std::optional<std::pair<std::string, std::string>> TranslatedWords(
    const std::vector<std::string>& f, const std::vector<std::string>& p, const Lexicon* lexicon);

std::string Joined(const std::vector<std::string>& tokens);

// How well the referencing name's core `f` names the entity `p`. With `head_only` only the
// name's head counts: its last words ("produktmenge", a product quantity, names a quantity, not a
// product; "order_total" a total). Compound words in English and German put the head last.
double CoreScore(const std::vector<std::string>& f, const std::vector<std::string>& p,
                 bool head_only = false, bool agent = false, const Lexicon* lexicon = nullptr);

// A role word in the name ("manager_id") and a person entity in the table's name.
bool RoleMatch(const std::vector<std::string>& f, const std::vector<std::string>& table);

// Which entries a column's name can relate to at all: a superset of those CoreScore,
// NameScore and RoleMatch give a score above zero, so that a catalog of thousands of tables is
// not scored pair by pair. An entry is registered under the names it is matched by (a key: its
// table's tokens and its column's core; a table: its tokens) and found by
//   * a token similar to one of the column's core tokens (TokenSim > 0: the same singular, the
//     same GermanPluralStem, one singular a prefix of the other by at most 3 letters, the
//     shorter of 4 or more, or a translation the lexicon given to the index knows);
//   * its joined name (Joined) equal to the column's joined core or head, or inside it when of
//     4 letters or more (CoreScore's "ends with" and "contains");
//   * its squashed column name equal to the column's (NameScore's same-name rule);
//   * a person entity in its table's name when the column has a role word (RoleMatch).
class NameIndex {
 public:
  explicit NameIndex(const Lexicon* lexicon = nullptr) : lexicon_(lexicon) {}

  void Add(size_t id, const std::vector<std::string>& tokens) {
    for (const auto& t : tokens) {
      std::string s = Singular(FoldUmlauts(t));
      Put(&by_token_, s, id);
      if (std::string stem = GermanPluralStem(s); !stem.empty()) Put(&by_stem_, stem, id);
      // Found by a shorter query token: index the prefixes it may be.
      for (size_t len = s.size() >= 7 ? s.size() - 3 : 4; len < s.size(); ++len) {
        Put(&by_prefix_, s.substr(0, len), id);
      }
      if (PersonEntities().count(t) > 0 || PersonEntities().count(Singular(t)) > 0) {
        person_.insert(id);
      }
    }
    if (!tokens.empty()) Put(&by_joined_, FoldUmlauts(Joined(tokens)), id);
  }
  void AddSquashed(size_t id, std::string squashed) { Put(&by_squash_, std::move(squashed), id); }
  // Registers a referencing column's name for FindNamers: its tokens, and its joined name with
  // every ending of 4 letters or more.
  void AddNamer(size_t id, const std::vector<std::string>& tokens) {
    Add(id, tokens);
    if (tokens.empty()) return;
    std::string joined = FoldUmlauts(Joined(tokens));
    Put(&by_ending_, joined, id);
    for (size_t start = 1; start + 4 <= joined.size(); ++start) {
      Put(&by_ending_, joined.substr(start), id);
    }
  }

  // The ids a column named by `parts` (and squashed `squashed`) may relate to, ascending.
  std::vector<size_t> Find(const NameParts& parts, const std::string& squashed) const {
    std::set<size_t> out;
    bool role = SimilarTokens(parts.core, &out);
    for (const auto* tokens : {&parts.core, &parts.head}) {
      if (tokens->empty()) continue;
      std::string joined = FoldUmlauts(Joined(*tokens));
      Take(by_joined_, joined, &out);
      for (size_t start = 0; start + 4 <= joined.size(); ++start) {
        for (size_t len = 4; start + len <= joined.size(); ++len) {
          Take(by_joined_, joined.substr(start, len), &out);
        }
      }
    }
    Take(by_squash_, squashed, &out);
    if (role) out.insert(person_.begin(), person_.end());
    return {out.begin(), out.end()};
  }

  // The ids registered by AddNamer whose names may name a key column named by `parts` as a
  // composite key's part does (ScorePair with column_names_only, a name of 0.8 or more): a
  // similar token, a joined name ending in the key's, or the same squashed name. Ascending.
  std::vector<size_t> FindNamers(const NameParts& parts, const std::string& squashed) const {
    std::set<size_t> out;
    SimilarTokens(parts.core, &out);
    if (!parts.core.empty()) Take(by_ending_, FoldUmlauts(Joined(parts.core)), &out);
    Take(by_squash_, squashed, &out);
    return {out.begin(), out.end()};
  }

 private:
  using Map = std::unordered_map<std::string, std::vector<size_t>>;
  static void Take(const Map& map, const std::string& key, std::set<size_t>* out) {
    auto it = map.find(key);
    if (it != map.end()) out->insert(it->second.begin(), it->second.end());
  }
  // Adds the ids with a token similar to one of `tokens`; true when one is a role word.
  bool SimilarTokens(const std::vector<std::string>& tokens, std::set<size_t>* out) const {
    bool role = false;
    for (const auto& t : tokens) {
      std::string s = Singular(FoldUmlauts(t));
      Take(by_token_, s, out);
      if (std::string stem = GermanPluralStem(s); !stem.empty()) Take(by_stem_, stem, out);
      if (s.size() >= 4) Take(by_prefix_, s, out);
      for (size_t len = s.size() >= 7 ? s.size() - 3 : 4; len < s.size(); ++len) {
        Take(by_token_, s.substr(0, len), out);
      }
      role = role || RoleTokens().count(t) > 0;
      if (lexicon_ == nullptr) continue;
      for (const std::string& word : {t, Singular(t)}) {
        for (const auto& translation : lexicon_->Of(word)) {
          Take(by_token_, FoldUmlauts(translation), out);
          Take(by_token_, Singular(FoldUmlauts(translation)), out);
        }
      }
    }
    return role;
  }
  static void Put(Map* map, std::string key, size_t id) {
    auto& ids = (*map)[std::move(key)];
    if (ids.empty() || ids.back() != id) ids.push_back(id);
  }
  const Lexicon* lexicon_ = nullptr;
  Map by_token_, by_prefix_, by_stem_, by_joined_, by_squash_, by_ending_;
  std::set<size_t> person_;
};

}  // namespace cairn::context::internal
