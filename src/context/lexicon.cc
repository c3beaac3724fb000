#include "context/lexicon.h"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <set>
#include <unordered_set>

#include "context/join_inference.h"

namespace cairn::context {
namespace {

// dictd writes offsets and lengths in base 64, most significant digit first.
bool DecodeBase64Number(std::string_view text, uint64_t* out) {
  static constexpr std::string_view kDigits =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (text.empty() || text.size() > 10) return false;
  uint64_t value = 0;
  for (char c : text) {
    size_t digit = kDigits.find(c);
    if (digit == std::string_view::npos) return false;
    value = value * 64 + digit;
  }
  *out = value;
  return true;
}

// Lower-case: ASCII letters, and the Latin-1 capitals nouns begin with in German, French,
// Spanish... (À to Þ but ×, in UTF-8 C3 80 to C3 9E).
std::string Lower(std::string_view word) {
  std::string out;
  out.reserve(word.size());
  for (size_t i = 0; i < word.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(word[i]);
    if (c == 0xC3 && i + 1 < word.size()) {
      unsigned char next = static_cast<unsigned char>(word[i + 1]);
      if (next >= 0x80 && next <= 0x9E && next != 0x97) next += 0x20;
      out += static_cast<char>(c);
      out += static_cast<char>(next);
      ++i;
      continue;
    }
    out += static_cast<char>(c < 0x80 ? std::tolower(c) : c);
  }
  return out;
}

// A single word: letters only (ASCII, or UTF-8 bytes), at least two.
bool OneWord(std::string_view word) {
  if (word.size() < 2) return false;
  for (char ch : word) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x80 && !std::isalpha(c)) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::vector<std::string> SplitTags(std::string_view tags) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= tags.size()) {
    size_t comma = tags.find(',', start);
    if (comma == std::string_view::npos) comma = tags.size();
    std::string_view tag = Trim(tags.substr(start, comma - start));
    if (!tag.empty()) out.emplace_back(tag);
    start = comma + 1;
  }
  return out;
}

bool NounTags(std::string_view tags) {
  for (const auto& tag : SplitTags(tags)) {
    if (tag == "n" || tag == "pl" || tag == "masc" || tag == "fem" || tag == "neut") return true;
  }
  return false;
}

// Senses a careful reader would not take for a name today.
bool DroppedLabel(std::string_view label) {
  static const std::unordered_set<std::string_view> kLabels = {
      "obs.", "obsolete", "archaic",  "dated",     "rare",
      "old",  "alt",      "veraltet", "veraltend", "selten"};
  return kLabels.count(Trim(label)) > 0;
}

// One translation as written: "[sport] place <n>" has the word "place", the tags "n" and the
// label "sport".
struct Translation {
  std::string word;  // trimmed, without tags, labels or parentheses; may be several words
  std::string tags;
  bool dropped = false;  // carries a label of a sense not kept
  bool leading = false;  // ... and that label comes before any word (it marks the whole line)
};

std::vector<Translation> SplitTranslations(std::string_view line) {
  std::vector<Translation> out;
  Translation current;
  int depth = 0;
  char open = 0;
  std::string inner;
  for (char c : line) {
    if (depth == 0 && (c == '[' || c == '<' || c == '(')) {
      open = c;
      depth = 1;
      inner.clear();
      continue;
    }
    if (depth > 0) {
      char close = open == '[' ? ']' : open == '<' ? '>' : ')';
      if (c == open) ++depth;
      if (c == close && --depth == 0) {
        if (open == '<') current.tags = inner;
        if (open == '[' && DroppedLabel(inner)) {
          current.dropped = true;
          current.leading = current.leading || Trim(current.word).empty();
        }
        current.word += ' ';
        continue;
      }
      inner += c;
      continue;
    }
    if (c == ',') {
      out.push_back(std::move(current));
      current = Translation();
      continue;
    }
    current.word += c;
  }
  out.push_back(std::move(current));
  for (auto& t : out) t.word = std::string(Trim(t.word));
  return out;
}

// The pairs (headword, translation) of nouns one dictionary gives, as "headword\ttranslation".
Result<std::unordered_set<std::string>> NounPairs(const std::filesystem::path& prefix) {
  std::unordered_set<std::string> pairs;
  RETURN_IF_ERROR(ReadDictd(prefix, [&](const DictdEntry& entry) {
    std::string headword = Lower(Trim(entry.headword));
    if (!OneWord(headword)) return;
    const bool head_noun = NounTags(entry.tags);
    const bool head_untagged = Trim(entry.tags).empty();
    if (!head_noun && !head_untagged) return;  // a verb, an adjective, ...
    std::vector<Translation> translations = SplitTranslations(entry.translations);
    if (!translations.empty() && translations.front().leading) return;
    for (const auto& t : translations) {
      if (t.dropped) continue;
      std::string word = Lower(t.word);
      if (!OneWord(word) || word == headword) continue;
      bool noun = NounTags(t.tags) || (head_noun && Trim(t.tags).empty());
      if (noun) pairs.insert(headword + '\t' + word);
    }
  }));
  return pairs;
}

struct IndexItem {
  uint64_t offset = 0;
  uint64_t length = 0;
  std::string headword;
};

struct GzCloser {
  void operator()(gzFile f) const { gzclose(f); }
};

}  // namespace

Status ReadDictd(const std::filesystem::path& prefix,
                 const std::function<void(const DictdEntry&)>& each) {
  const std::string index_path = prefix.string() + ".index";
  std::ifstream index(index_path, std::ios::binary);
  if (!index) return NotFoundError("{}: cannot open the dictionary's index", index_path);
  std::vector<IndexItem> items;
  std::string line;
  for (int number = 1; std::getline(index, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    size_t first = line.find('\t');
    size_t second = first == std::string::npos ? first : line.find('\t', first + 1);
    IndexItem item;
    if (second == std::string::npos ||
        !DecodeBase64Number(std::string_view(line).substr(first + 1, second - first - 1),
                            &item.offset) ||
        !DecodeBase64Number(std::string_view(line).substr(second + 1), &item.length)) {
      return InvalidArgumentError(
          "{}:{}: expected a headword, an offset and a length in base 64, separated by tabs",
          index_path, number);
    }
    item.headword = line.substr(0, first);
    items.push_back(std::move(item));
  }
  if (index.bad()) return InternalError("{}: read failed", index_path);

  std::string dict_path = prefix.string() + ".dict.dz";
  if (!std::filesystem::exists(dict_path)) dict_path = prefix.string() + ".dict";
  // gzread reads a dictzip file as the gzip file it also is, and a plain file as it is.
  std::unique_ptr<gzFile_s, GzCloser> dict(gzopen(dict_path.c_str(), "rb"));
  if (dict == nullptr) {
    return NotFoundError("{}: cannot open the dictionary's entries", dict_path);
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const IndexItem& a, const IndexItem& b) { return a.offset < b.offset; });
  // The entries are read in one pass, in the order of their offsets, through a window that
  // keeps only what the entries still to come need.
  std::string window;
  uint64_t window_start = 0;
  std::vector<char> buffer(1 << 20);
  for (const auto& item : items) {
    auto drop_before_entry = [&] {
      if (item.offset <= window_start) return;
      uint64_t drop = std::min<uint64_t>(item.offset - window_start, window.size());
      window.erase(0, drop);
      window_start += drop;
    };
    while (window_start + window.size() < item.offset + item.length) {
      int n = gzread(dict.get(), buffer.data(), static_cast<unsigned>(buffer.size()));
      if (n < 0) {
        int code = 0;
        return InvalidArgumentError("{}: cannot read the entries: {}", dict_path,
                                    gzerror(dict.get(), &code));
      }
      if (n == 0) {
        return InvalidArgumentError(
            "{}: the index's entry '{}' (offset {}, length {}) runs past the end, at {} bytes",
            dict_path, item.headword, item.offset, item.length, window_start + window.size());
      }
      // Compacting only before a read keeps the window's copying to one per read.
      drop_before_entry();
      window.append(buffer.data(), static_cast<size_t>(n));
      drop_before_entry();
    }
    std::string_view text =
        std::string_view(window).substr(item.offset - window_start, item.length);
    size_t first_end = text.find('\n');
    std::string_view head = text.substr(0, first_end);
    std::string_view rest =
        first_end == std::string_view::npos ? std::string_view() : text.substr(first_end + 1);
    DictdEntry entry;
    entry.headword = item.headword;
    size_t open = head.find('<');
    size_t close = open == std::string_view::npos ? open : head.find('>', open);
    if (close != std::string_view::npos) entry.tags = head.substr(open + 1, close - open - 1);
    entry.translations = rest.substr(0, rest.find('\n'));
    each(entry);
  }
  return OkStatus();
}

Result<Lexicon> Lexicon::Load(const std::filesystem::path& forward,
                              const std::filesystem::path& backward) {
  ASSIGN_OR_RETURN(auto there, NounPairs(forward));
  ASSIGN_OR_RETURN(auto back, NounPairs(backward));
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& pair : there) {
    size_t tab = pair.find('\t');
    std::string a = pair.substr(0, tab), b = pair.substr(tab + 1);
    if (back.count(b + '\t' + a) > 0) pairs.emplace_back(std::move(a), std::move(b));
  }
  std::sort(pairs.begin(), pairs.end());
  return FromPairs(pairs);
}

Lexicon Lexicon::FromPairs(const std::vector<std::pair<std::string, std::string>>& pairs) {
  Lexicon lexicon;
  for (const auto& [a, b] : pairs) lexicon.Add(Lower(a), Lower(b));
  return lexicon;
}

void Lexicon::Add(const std::string& a, const std::string& b) {
  if (a == b || Translates(a, b)) return;
  partners_[a].push_back(b);
  partners_[b].push_back(a);
  ++pairs_;
}

NameTranslations TranslateNameWords(const Lexicon& lexicon, const std::vector<std::string>& names) {
  NameTranslations out;
  if (lexicon.empty()) return out;
  std::set<std::string> seen;
  for (const std::string& name : names) {
    for (const std::string& word : NameTokens(name)) {
      if (!seen.insert(word).second) continue;
      std::set<std::string> words;
      for (const std::string& form : {word, Singular(word)}) {
        for (const std::string& other : lexicon.Of(form)) {
          if (other != word && other != form) words.insert(other);
        }
      }
      if (!words.empty()) out[word].assign(words.begin(), words.end());
    }
  }
  return out;
}

std::vector<std::string> TranslationsOf(const NameTranslations& translations,
                                        std::string_view name) {
  std::vector<std::string> out;
  if (translations.empty()) return out;
  for (const std::string& word : NameTokens(name)) {
    auto found = translations.find(word);
    if (found == translations.end()) continue;
    for (const std::string& other : found->second) {
      if (std::find(out.begin(), out.end(), other) == out.end()) out.push_back(other);
    }
  }
  return out;
}

Result<std::shared_ptr<const Lexicon>> LoadConfiguredLexicon(const ContextSettings& settings) {
  if (settings.lexicon_forward.empty()) return std::shared_ptr<const Lexicon>();
  Result<Lexicon> lexicon = Lexicon::Load(settings.lexicon_forward, settings.lexicon_backward);
  if (!lexicon.ok()) {
    return Status(lexicon.status().code(),
                  fmt::format("{}: context.lexicon: {}", settings.lexicon_mark.ToString(),
                              lexicon.status().message()));
  }
  return std::make_shared<const Lexicon>(std::move(*lexicon));
}

const std::vector<std::string>& Lexicon::Of(const std::string& word) const {
  static const std::vector<std::string> kNone;
  auto it = partners_.find(word);
  return it == partners_.end() ? kNone : it->second;
}

bool Lexicon::Translates(const std::string& a, const std::string& b) const {
  const auto& words = Of(a);
  return std::find(words.begin(), words.end(), b) != words.end();
}

}  // namespace cairn::context
