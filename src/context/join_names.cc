#include "context/internal/join_names.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "core/strings.h"

namespace cairn::context {
namespace internal {

const std::unordered_set<std::string>& KeyTokens() {
  static const std::unordered_set<std::string> kTokens = {
      "id", "ids", "key",    "fk",     "pk",  "code", "cd",      "nr",
      "no", "num", "number", "nummer", "ref", "nbr",  "kennung", "schluessel"};
  return kTokens;
}

const std::unordered_set<std::string>& RoleTokens() {
  static const std::unordered_set<std::string> kTokens = {
      "rep",         "representative", "manager",  "mgr",      "supervisor",   "boss",
      "reports",     "reportsto",      "head",     "leader",   "staff",        "agent",
      "salesperson", "salesman",       "employee", "worker",   "clerk",        "mitarbeiter",
      "leiter",      "vorgesetzter",   "chef",     "betreuer", "angestellter", "sachbearbeiter"};
  return kTokens;
}
const std::unordered_set<std::string>& PersonEntities() {
  static const std::unordered_set<std::string> kTokens = {
      "employee",    "staff",        "person", "people", "personal", "mitarbeiter",
      "angestellte", "angestellter", "worker", "user",   "member",   "personen"};
  return kTokens;
}

const std::unordered_set<std::string>& ParentTokens() {
  static const std::unordered_set<std::string> kTokens = {
      "parent", "super",        "übergeordnet", "übergeordnete", "übergeordneten",
      "eltern", "reports",      "reportsto",    "manager",       "boss",
      "head",   "vorgesetzter", "predecessor",  "vorgänger",     "previous",
      "prev",   "next",         "successor",    "nachfolger",    "original"};
  return kTokens;
}

std::string Squash(std::string_view s) {
  std::string out;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x80 || std::isalnum(u)) out += static_cast<char>(std::tolower(u));
  }
  return out;
}

const std::unordered_set<std::string>& HeadEnds() {
  static const std::unordered_set<std::string> kTokens = {"of",  "der", "des", "von", "vom",
                                                          "via", "by",  "for", "für"};
  return kTokens;
}

// Key words that close German compounds: "vereinskennung" is the club's key.
constexpr std::string_view kCompoundKeys[] = {"kennung", "nummer", "schluessel", "schlüssel"};

NameParts Parts(std::string_view name) {
  NameParts parts;
  parts.core = NameTokens(name);
  // Numbered roles: "team_1", "vereinskennung_2".
  while (parts.core.size() > 1 &&
         std::all_of(parts.core.back().begin(), parts.core.back().end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    parts.core.pop_back();
  }
  if (!parts.core.empty()) {
    std::string& last = parts.core.back();
    for (std::string_view key : kCompoundKeys) {
      if (last.size() >= key.size() + 3 && last.ends_with(key)) {
        last.resize(last.size() - key.size());
        if (last.ends_with("s")) last.pop_back();  // the linking s: "vereins|kennung"
        parts.key_suffix = true;
        break;
      }
    }
  }
  while (!parts.core.empty() && KeyTokens().count(parts.core.back()) > 0) {
    parts.core.pop_back();
    parts.key_suffix = true;
  }
  while (!parts.core.empty() && KeyTokens().count(parts.core.front()) > 0) {
    parts.core.erase(parts.core.begin());
    parts.key_suffix = true;
  }
  // "CustomerID" splits into customer/id; "customerid" (no separator) does not: strip "id".
  if (!parts.key_suffix && parts.core.size() == 1 && parts.core[0].size() > 4 &&
      parts.core[0].ends_with("id")) {
    parts.core[0].resize(parts.core[0].size() - 2);
    parts.key_suffix = true;
  }
  parts.head = parts.core;
  for (size_t i = 1; i < parts.core.size(); ++i) {
    if (HeadEnds().count(parts.core[i]) > 0) {
      parts.agent = parts.core[i] == "via" || parts.core[i] == "by";
      parts.head.resize(i);
      break;
    }
  }
  return parts;
}

bool Translated(const std::string& a, const std::string& b, const Lexicon* lexicon) {
  if (lexicon == nullptr || lexicon->empty()) return false;
  std::string sa = Singular(a), sb = Singular(b);
  return lexicon->Translates(a, b) || lexicon->Translates(sa, sb) || lexicon->Translates(a, sb) ||
         lexicon->Translates(sa, b);
}

std::optional<std::pair<std::string, std::string>> TranslatedWords(
    const std::vector<std::string>& f, const std::vector<std::string>& p, const Lexicon* lexicon) {
  for (const auto& a : f) {
    for (const auto& b : p) {
      if (TokenSim(a, b, /*agent=*/true) == 0 && Translated(a, b, lexicon)) return {{a, b}};
    }
  }
  return std::nullopt;
}

double TokenSim(const std::string& a, const std::string& b, bool agent, const Lexicon* lexicon) {
  if (a == b) return 1;
  std::string sa = Singular(a), sb = Singular(b);
  if (sa == sb) return 1;
  if (Translated(a, b, lexicon)) return 0.8;
  // Compared folded from here on: a plural by umlaut (Flughafen and Flughäfen) is the same word.
  sa = Singular(FoldUmlauts(a));
  sb = Singular(FoldUmlauts(b));
  if (sa == sb) return 0.8;
  // German plurals of words in -um and -a: Album and Alben, Datum and Daten, Firma and Firmen.
  const std::string ga = GermanPluralStem(sa), gb = GermanPluralStem(sb);
  if (!ga.empty() && ga == gb) return 0.8;
  const std::string& shorter = sa.size() <= sb.size() ? sa : sb;
  const std::string& longer = sa.size() <= sb.size() ? sb : sa;
  if (shorter.size() >= 4 && longer.size() - shorter.size() <= 3 &&
      longer.compare(0, shorter.size(), shorter) == 0) {
    // An agent noun is another thing: spiel (game) and spieler (player), custom and customer.
    if (!agent && longer.ends_with("er") && !shorter.ends_with("er")) return 0;
    return 0.8;
  }
  return 0;
}

std::string Joined(const std::vector<std::string>& tokens) {
  std::string out;
  for (size_t i = 0; i < tokens.size(); ++i) {
    out += i + 1 == tokens.size() ? Singular(tokens[i]) : tokens[i];
  }
  return out;
}

double CoreScore(const std::vector<std::string>& f, const std::vector<std::string>& p,
                 bool head_only, bool agent, const Lexicon* lexicon) {
  if (f.empty() || p.empty()) return 0;
  std::string jf = Joined(f), jp = Joined(p);
  if (jf == jp) return 1;
  jf = FoldUmlauts(jf);
  jp = FoldUmlauts(jp);
  if (f.size() >= p.size()) {
    double min_sim = 1;
    for (size_t i = 0; i < p.size() && min_sim > 0; ++i) {
      min_sim = std::min(min_sim, TokenSim(f[f.size() - p.size() + i], p[i], agent, lexicon));
    }
    if (min_sim > 0) return min_sim * (f.size() > p.size() ? 0.95 : 1.0);
  }
  if (jp.size() >= 4 && jf.ends_with(jp)) return 0.9;
  if (head_only) return TokenSim(f.back(), p.back(), agent, lexicon) >= 0.8 ? 0.5 : 0.0;
  bool all = true;
  for (const auto& pt : p) {
    bool found = false;
    for (const auto& ft : f) found = found || TokenSim(ft, pt, agent, lexicon) >= 0.8;
    all = all && found;
  }
  if (all) return 0.7;
  if (jp.size() >= 4 && jf.find(jp) != std::string::npos) return 0.7;
  for (const auto& pt : p) {
    for (const auto& ft : f) {
      if (TokenSim(ft, pt, agent, lexicon) >= 0.8) return 0.5;
    }
  }
  return 0;
}

bool RoleMatch(const std::vector<std::string>& f, const std::vector<std::string>& table) {
  bool role = false;
  for (const auto& t : f) role = role || RoleTokens().count(t) > 0;
  if (!role) return false;
  for (const auto& t : table) {
    if (PersonEntities().count(t) > 0 || PersonEntities().count(Singular(t)) > 0) return true;
  }
  return false;
}

}  // namespace internal

using namespace internal;

std::vector<std::string> NameTokens(std::string_view name) {
  std::vector<std::string> tokens;
  std::string current;
  auto flush = [&] {
    if (!current.empty()) tokens.push_back(AsciiLower(current));
    current.clear();
  };
  for (size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    bool word = c >= 0x80 || std::isalnum(c);
    if (!word) {
      flush();
      continue;
    }
    if (!current.empty() && c < 0x80 && std::isupper(c)) {
      unsigned char prev = static_cast<unsigned char>(current.back());
      bool prev_lower = prev < 0x80 && (std::islower(prev) || std::isdigit(prev));
      bool next_lower = i + 1 < name.size() && static_cast<unsigned char>(name[i + 1]) < 0x80 &&
                        std::islower(static_cast<unsigned char>(name[i + 1]));
      bool prev_upper = prev < 0x80 && std::isupper(prev);
      if (prev_lower || (prev_upper && next_lower)) flush();
    }
    current += static_cast<char>(c);
  }
  flush();
  return tokens;
}

std::string Singular(const std::string& w) {
  if (w.size() > 4 && w.ends_with("ies")) return w.substr(0, w.size() - 3) + "y";
  if (w.size() > 4 && (w.ends_with("sses") || w.ends_with("xes") || w.ends_with("ches") ||
                       w.ends_with("shes") || w.ends_with("uses"))) {
    return w.substr(0, w.size() - 2);
  }
  if (w.size() > 3 && w.ends_with("s") && !w.ends_with("ss") && !w.ends_with("us") &&
      !w.ends_with("is")) {
    return w.substr(0, w.size() - 1);
  }
  return w;
}

std::string internal::FoldUmlauts(std::string_view word) {
  std::string out;
  out.reserve(word.size());
  for (size_t i = 0; i < word.size(); ++i) {
    const char* folded = nullptr;
    if (static_cast<unsigned char>(word[i]) == 0xC3 && i + 1 < word.size()) {
      switch (static_cast<unsigned char>(word[i + 1])) {
        case 0xA4:  // ä
        case 0x84:  // Ä
          folded = "a";
          break;
        case 0xB6:  // ö
        case 0x96:  // Ö
          folded = "o";
          break;
        case 0xBC:  // ü
        case 0x9C:  // Ü
          folded = "u";
          break;
        case 0x9F:  // ß
          folded = "ss";
          break;
        default:
          break;
      }
    }
    if (folded != nullptr) {
      out += folded;
      ++i;  // the two bytes of the letter
    } else {
      out += word[i];
    }
  }
  return out;
}

std::string internal::GermanPluralStem(const std::string& w) {
  if (w.size() < 5) return "";
  for (const char* ending : {"um", "en", "a"}) {
    if (w.ends_with(ending)) return w.substr(0, w.size() - std::strlen(ending));
  }
  return "";
}

double NameScore(std::string_view from_column, std::string_view to_table,
                 std::string_view to_column, const Lexicon* lexicon) {
  NameParts f = Parts(from_column);
  if (f.core.empty()) return 0;
  NameParts k = Parts(to_column);
  std::vector<std::string> table = NameTokens(to_table);
  // A name without a key word ("produktmenge", "length") must name the entity with its head.
  const bool head_only = !f.key_suffix;
  const std::vector<std::string>& named = head_only ? f.head : f.core;
  double table_score = CoreScore(named, table, head_only, f.agent, lexicon);
  double column_score = 0;
  if (!k.core.empty()) {
    if (Squash(from_column) == Squash(to_column) &&
        (k.key_suffix || CoreScore(k.core, table, false, false, lexicon) >= 0.8)) {
      column_score = 1;
    } else {
      column_score = CoreScore(named, k.core, head_only, f.agent, lexicon);
    }
  }
  double role = RoleMatch(named, table) ? 0.6 : 0;
  double best = std::max({column_score, table_score, role});
  return std::clamp(0.8 * best + 0.2 * std::max(table_score, role), 0.0, 1.0);
}

}  // namespace cairn::context
