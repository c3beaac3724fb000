#pragma once

// Translations between the nouns of two languages, so that a name written in one matches a
// table named in the other: `lehrer_id` and `instructors`, `event_id` and `veranstaltung`.
// Schemas mix languages where one was translated and another was not, or where a team names in
// its own language what a vendor's tables name in English.
//
// A lexicon is read from two dictionaries in dictd format, one each way (FreeDict's
// dict-freedict-deu-eng and dict-freedict-eng-deu in Debian: /usr/share/dictd/freedict-*.index
// and .dict.dz). Cairn ships no dictionary; the operator names the ones installed
// (cairn.yaml's `context.lexicon`).
//
// Which pairs are kept, so that a word's rare senses do not make joins ("Rang" is a rank, and
// only in an obsolete sense a station):
//   * nouns only, single words, as written on an entry's first line of translations;
//   * no sense marked obsolete, archaic, dated or rare ([obs.], [archaic], [veraltet], ...);
//   * both dictionaries agree: the first gives the pair, and the second gives it back.
// Words are kept lower-case (ASCII and Latin-1 letters: Ä, É, Ñ...).
//
// Errors name the file and, for a bad index line, its line number.
//
// Thread-safety: immutable once built; safe to share.

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/config.h"
#include "core/status.h"

namespace cairn::context {

class Lexicon {
 public:
  Lexicon() = default;

  // Reads `forward` and `backward`, each a dictd dictionary named by its path without suffix
  // (`/usr/share/dictd/freedict-deu-eng` reads .index and .dict.dz, or .dict when there is no
  // .dict.dz). Pairs given by `forward` as (headword, translation) and by `backward` as
  // (translation, headword) are kept.
  static Result<Lexicon> Load(const std::filesystem::path& forward,
                              const std::filesystem::path& backward);

  // A lexicon of the given pairs (tests, and callers with their own word lists).
  static Lexicon FromPairs(const std::vector<std::pair<std::string, std::string>>& pairs);

  // The words `word` translates to or from (lower-case), or none.
  const std::vector<std::string>& Of(const std::string& word) const;
  bool Translates(const std::string& a, const std::string& b) const;

  size_t pairs() const { return pairs_; }
  bool empty() const { return pairs_ == 0; }

 private:
  void Add(const std::string& a, const std::string& b);

  std::unordered_map<std::string, std::vector<std::string>> partners_;
  size_t pairs_ = 0;
};

// Words of names (NameTokens, lower-case), each with the words a lexicon translates it to or
// from, sorted: what discovery stores for search (CatalogStore::PutNameTranslations), so that a
// question in one language finds the tables and columns named in the other.
using NameTranslations = std::map<std::string, std::vector<std::string>>;

// The words of `names` that `lexicon` translates (as written, or as their singular), with
// their translations.
NameTranslations TranslateNameWords(const Lexicon& lexicon, const std::vector<std::string>& names);

// The translations in `translations` of the words of `name`, in the words' order, each once.
std::vector<std::string> TranslationsOf(const NameTranslations& translations,
                                        std::string_view name);

// The lexicon cairn.yaml's `context.lexicon` names, or null when it names none. Errors carry
// the key's mark: "cairn.yaml:12:3: context.lexicon: /usr/share/dictd/x.index: cannot open ...".
Result<std::shared_ptr<const Lexicon>> LoadConfiguredLexicon(const ContextSettings& settings);

// One entry of a dictd dictionary: the headword as the index gives it, the tags of the entry's
// first line, and its second line (the translations) as written.
struct DictdEntry {
  std::string headword;
  std::string tags;          // of the headword line: "masc, n, sg"; empty when none
  std::string translations;  // the line after the headword line
};
// Calls `each` with every entry of the dictionary at `prefix`, in the order of their offsets,
// reading the entries in one pass and holding only the index and a window of them (exposed for
// tests).
Status ReadDictd(const std::filesystem::path& prefix,
                 const std::function<void(const DictdEntry&)>& each);

}  // namespace cairn::context
