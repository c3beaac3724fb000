#include "workflow/definition.h"

#include <openssl/evp.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <functional>
#include <queue>
#include <regex>
#include <set>
#include <sstream>

#include "core/strings.h"

namespace cairn::workflow {
namespace {

// The keys a step may have, whatever its kind, and per kind (in the order messages list them).
constexpr std::string_view kCommonStepKeys[] = {"id", "kind", "title", "needs"};
const std::vector<std::string_view>& KindKeys(StepKind kind) {
  static const std::vector<std::string_view> query = {"sql"};
  static const std::vector<std::string_view> check = {"sql", "uses"};
  static const std::vector<std::string_view> llm = {"uses", "prompt"};
  static const std::vector<std::string_view> decide = {"role"};
  static const std::vector<std::string_view> action = {"when", "sink"};
  switch (kind) {
    case StepKind::kQuery:
      return query;
    case StepKind::kCheck:
      return check;
    case StepKind::kLlm:
      return llm;
    case StepKind::kDecide:
      return decide;
    case StepKind::kAction:
      break;
  }
  return action;
}

constexpr StepKind kKinds[] = {StepKind::kQuery, StepKind::kCheck, StepKind::kLlm,
                               StepKind::kDecide, StepKind::kAction};
constexpr Level kLevels[] = {Level::kObserve, Level::kSuggest, Level::kAutoWithExceptions,
                             Level::kAutonomous};

// "a, b or c".
std::string OrList(const std::vector<std::string_view>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " or " : ", ";
    out += items[i];
  }
  return out;
}

// "a, b, c".
std::string CommaList(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// [a-z][a-z0-9_]{0,62}: the names of workflows, steps and inputs.
bool IsIdentifier(std::string_view name) {
  if (name.empty() || name.size() > 63 || name[0] < 'a' || name[0] > 'z') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

constexpr std::string_view kIdentifierRule =
    "a lower case letter, then lower case letters, digits and '_' (at most 63 characters)";

std::string Trim(std::string_view text) {
  const auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return std::string(text);
}

// "a query", "an llm", "an action".
std::string AStep(StepKind kind) {
  const std::string_view name = StepKindName(kind);
  return fmt::format("{} {}", name[0] == 'a' || name[0] == 'l' ? "an" : "a", name);
}

std::string NodeTypeName(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "null";
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    default:
      return "nothing";
  }
}

// The position of the first byte of `text` that is not well-formed UTF-8 (1-based line and
// column, columns counted in characters), or nullopt when all of it is.
std::optional<std::pair<int, int>> FirstInvalidUtf8(std::string_view text) {
  int line = 1;
  int column = 1;
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char c = byte(i);
    size_t length = 0;
    uint32_t min = 0;
    uint32_t code = 0;
    if (c < 0x80) {
      length = 1;
      code = c;
    } else if ((c & 0xE0) == 0xC0) {
      length = 2;
      min = 0x80;
      code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      length = 3;
      min = 0x800;
      code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      length = 4;
      min = 0x10000;
      code = c & 0x07;
    } else {
      return std::make_pair(line, column);
    }
    if (i + length > text.size()) return std::make_pair(line, column);
    for (size_t k = 1; k < length; ++k) {
      if ((byte(i + k) & 0xC0) != 0x80) return std::make_pair(line, column);
      code = (code << 6) | (byte(i + k) & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return std::make_pair(line, column);
    }
    if (c == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += length;
  }
  return std::nullopt;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    return "";
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xF];
  }
  return out;
}

// The `:name` parameters of `sql`, in order of first appearance, skipping string literals,
// quoted identifiers ("...", `...`, [...]) and comments; `::` (a cast) is not a parameter.
// InvalidArgument (a message without a location) for `?`, `@name` and `$name` parameters and
// for an unterminated literal or identifier.
Result<std::vector<std::string>> SqlParameters(std::string_view sql) {
  std::vector<std::string> names;
  const size_t n = sql.size();
  size_t i = 0;
  const auto word_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
           static_cast<unsigned char>(c) >= 0x80;
  };
  while (i < n) {
    const char c = sql[i];
    if (c == '\'' || c == '"' || c == '`' || c == '[') {
      const char close = c == '[' ? ']' : c;
      size_t j = i + 1;
      for (;; ++j) {
        if (j >= n) {
          return InvalidArgumentError("unterminated {} starting '{}'",
                                      c == '\'' ? "string literal" : "quoted identifier",
                                      sql.substr(i, 20));
        }
        if (sql[j] != close) continue;
        if (close != ']' && j + 1 < n && sql[j + 1] == close) {
          ++j;  // a doubled quote stands for itself
          continue;
        }
        break;
      }
      i = j + 1;
    } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      const size_t end = sql.find('\n', i);
      i = end == std::string_view::npos ? n : end + 1;
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      const size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? n : end + 2;  // SQLite ends an open comment at the end
    } else if (c == ':') {
      if (i + 1 < n && sql[i + 1] == ':') {
        i += 2;
        continue;
      }
      size_t end = i + 1;
      while (end < n && word_char(sql[end])) ++end;
      if (end > i + 1) {
        std::string name(sql.substr(i + 1, end - i - 1));
        if (std::find(names.begin(), names.end(), name) == names.end()) {
          names.push_back(std::move(name));
        }
      }
      i = end;
    } else if (c == '?' || ((c == '@' || c == '$') && i + 1 < n && word_char(sql[i + 1]))) {
      size_t end = i + 1;
      while (end < n && word_char(sql[end])) ++end;
      return InvalidArgumentError(
          "parameter '{}': name parameters as :name (an input, :now or :today)",
          sql.substr(i, end - i));
    } else if (word_char(c) || c == '$') {
      // A word (keyword, identifier, number): a ':' or '$' inside it is not a parameter.
      while (i < n && (word_char(sql[i]) || sql[i] == '$')) ++i;
    } else {
      ++i;
    }
  }
  return names;
}

// One name written in a list of step ids (needs, uses, approve_when), with where it was.
struct Ref {
  std::string id;
  std::string key;  // "steps[2].uses[0]"
  ConfigMark mark;
};

// What the parser remembers about a step beyond the Step itself (for messages).
struct StepSource {
  std::string key;  // "steps[2]"
  ConfigMark kind_mark;
  std::optional<ConfigMark> needs_mark;  // of the `needs` value, when written
  std::optional<ConfigMark> uses_mark;
  ConfigMark sql_mark;
  std::vector<Ref> needs;  // as written
  std::vector<Ref> uses;
};

// Locates nodes and words errors: "<file>:<line>:<col>: <key>: <why>".
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  // Remembers the key of every null value under `node`: yaml-cpp places a null (`key:` with
  // nothing after it) where the next token starts, so errors about it point at its key. Walks
  // only as deep as a definition goes and a bounded number of nodes (aliases can make a graph
  // recursive or exponentially large).
  void IndexNulls(const YAML::Node& node, int depth = 0) {
    if (depth > 5 || ++visited_ > 100'000) return;
    if (node.IsMap()) {
      for (const auto& entry : node) {
        if (entry.second.IsNull()) {
          null_keys_.emplace_back(entry.second, entry.first.Mark());
        } else {
          IndexNulls(entry.second, depth + 1);
        }
      }
    } else if (node.IsSequence()) {
      for (const auto& item : node) IndexNulls(item, depth + 1);
    }
  }

  // The node's position (a null value's key's); 1:1 when yaml-cpp has none (an empty
  // document).
  ConfigMark Mark(const YAML::Node& node) const {
    ConfigMark mark;
    mark.file = file_;
    YAML::Mark m = node.Mark();
    if (node.IsNull()) {
      for (const auto& [value, key_mark] : null_keys_) {
        if (value.is(node)) m = key_mark;
      }
    }
    mark.line = m.line < 0 ? 1 : m.line + 1;
    mark.column = m.column < 0 ? 1 : m.column + 1;
    return mark;
  }
  static Status ErrorAt(const ConfigMark& mark, std::string_view key, std::string_view why) {
    return InvalidArgumentError("{}: {}: {}", mark.ToString(), key, why);
  }
  Status Error(const YAML::Node& node, std::string_view key, std::string_view why) const {
    return ErrorAt(Mark(node), key, why);
  }

  // Fails on a key of the mapping `node` not in `allowed`, and on a key written twice.
  Status OnlyKeys(const YAML::Node& node, const std::string& key,
                  const std::vector<std::string_view>& allowed) const {
    if (!node.IsMap()) {
      return Error(node, key, fmt::format("expected a mapping, got {}", NodeTypeName(node)));
    }
    std::set<std::string> seen;
    for (const auto& entry : node) {
      const std::string name = entry.first.IsScalar() ? entry.first.Scalar() : "";
      const std::string dotted = key.empty() ? name : key + "." + name;
      if (!entry.first.IsScalar() || name.empty()) {
        return Error(entry.first, key.empty() ? "(top level)" : key,
                     "keys must be text (a bare 'null' or '~' key is read as a null)");
      }
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        return Error(entry.first, dotted,
                     fmt::format("unknown key (expected {})", OrList(allowed)));
      }
      if (!seen.insert(name).second) return Error(entry.first, dotted, "written twice");
    }
    return OkStatus();
  }

  // A scalar; empty text is refused unless `allow_empty` (then null reads as "").
  Result<std::string> Text(const YAML::Node& node, const std::string& key,
                           bool allow_empty = false) const {
    if (allow_empty && node.IsNull()) return std::string();
    if (!node.IsScalar()) {
      return Error(node, key, fmt::format("expected text, got {}", NodeTypeName(node)));
    }
    if (!allow_empty && Trim(node.Scalar()).empty()) return Error(node, key, "expected text");
    return node.Scalar();
  }

  Result<int64_t> Integer(const YAML::Node& node, const std::string& key) const {
    const std::string text = node.IsScalar() ? node.Scalar() : "";
    int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
      return Error(node, key, fmt::format("expected an integer, got '{}'", text));
    }
    return value;
  }

  Result<double> Real(const YAML::Node& node, const std::string& key) const {
    const std::string text = node.IsScalar() ? node.Scalar() : "";
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
      return Error(node, key, fmt::format("expected a number, got '{}'", text));
    }
    return value;
  }

  Result<bool> Bool(const YAML::Node& node, const std::string& key) const {
    bool value = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
      return Error(node, key,
                   fmt::format("expected true or false, got '{}'",
                               node.IsScalar() ? node.Scalar() : NodeTypeName(node)));
    }
    return value;
  }

  // A list of step ids (a single id counts as a one-element list; null as none), each a valid
  // id written once.
  Result<std::vector<Ref>> Refs(const YAML::Node& node, const std::string& key) const {
    std::vector<Ref> refs;
    if (node.IsNull()) return refs;
    const auto add = [&](const YAML::Node& item, std::string item_key) -> Status {
      ASSIGN_OR_RETURN(std::string id, Text(item, item_key));
      for (const Ref& ref : refs) {
        if (ref.id == id) return Error(item, item_key, fmt::format("'{}' is listed twice", id));
      }
      refs.push_back(Ref{std::move(id), std::move(item_key), Mark(item)});
      return OkStatus();
    };
    if (node.IsScalar()) {
      RETURN_IF_ERROR(add(node, key));
    } else if (node.IsSequence()) {
      for (size_t i = 0; i < node.size(); ++i) {
        RETURN_IF_ERROR(add(node[i], fmt::format("{}[{}]", key, i)));
      }
    } else {
      return Error(node, key,
                   fmt::format("expected a list of step ids, got {}", NodeTypeName(node)));
    }
    return refs;
  }

 private:
  std::string file_;
  std::vector<std::pair<YAML::Node, YAML::Mark>> null_keys_;
  int visited_ = 0;
};

class Parser {
 public:
  Parser(const Reader& reader, const std::filesystem::path& file, Definition* definition)
      : r_(reader), file_(file), def_(*definition) {}

  Status Parse(const YAML::Node& root) {
    if (!root.IsNull() && !root.IsMap()) {
      return r_.Error(root, "(top level)",
                      fmt::format("expected a mapping, got {}", NodeTypeName(root)));
    }
    if (!root.IsNull()) {
      RETURN_IF_ERROR(r_.OnlyKeys(
          root, "",
          {"name", "description", "principal", "inputs", "steps", "recommend", "ladder"}));
    }
    const auto missing = [&](std::string_view key, std::string_view why) {
      return r_.Error(root, key, fmt::format("missing required key '{}' ({})", key, why));
    };
    const YAML::Node name = root["name"];
    if (!name) return missing("name", "the workflow's name");
    ASSIGN_OR_RETURN(def_.name, r_.Text(name, "name"));
    if (!IsIdentifier(def_.name)) {
      return r_.Error(name, "name",
                      fmt::format("'{}' is not a valid name ({})", def_.name, kIdentifierRule));
    }
    if (const YAML::Node description = root["description"]) {
      ASSIGN_OR_RETURN(def_.description, r_.Text(description, "description", true));
      def_.description = Trim(def_.description);
    }
    const YAML::Node principal = root["principal"];
    if (!principal) return missing("principal", "whose session gathers the evidence");
    ASSIGN_OR_RETURN(def_.principal, r_.Text(principal, "principal"));
    def_.principal = Trim(def_.principal);
    if (const YAML::Node inputs = root["inputs"]) RETURN_IF_ERROR(ParseInputs(inputs));
    const YAML::Node steps = root["steps"];
    if (!steps) return missing("steps", "a list of steps");
    RETURN_IF_ERROR(ParseSteps(steps));
    RETURN_IF_ERROR(ResolveReferences());
    RETURN_IF_ERROR(CheckParameters());
    RETURN_IF_ERROR(Order());
    if (const YAML::Node recommend = root["recommend"]; recommend && !recommend.IsNull()) {
      RETURN_IF_ERROR(r_.OnlyKeys(recommend, "recommend", {"approve_when"}));
      if (const YAML::Node approve_when = recommend["approve_when"]) {
        RETURN_IF_ERROR(ParseApproveWhen(approve_when));
      }
    }
    if (!approve_when_written_) {
      for (const Step& step : def_.steps) {
        if (step.kind == StepKind::kCheck) def_.approve_when.push_back(step.id);
      }
    }
    if (const YAML::Node ladder = root["ladder"]; ladder && !ladder.IsNull()) {
      RETURN_IF_ERROR(ParseLadder(ladder));
    }
    return OkStatus();
  }

 private:
  Status ParseInputs(const YAML::Node& inputs) {
    if (inputs.IsNull()) return OkStatus();
    if (!inputs.IsMap()) {
      return r_.Error(
          inputs, "inputs",
          fmt::format("expected a mapping of input names, got {}", NodeTypeName(inputs)));
    }
    RETURN_IF_ERROR(r_.OnlyKeys(inputs, "inputs", AnyKey(inputs)));  // duplicates
    for (const auto& entry : inputs) {
      InputSpec input;
      input.name = entry.first.Scalar();
      input.mark = r_.Mark(entry.first);
      const std::string key = "inputs." + input.name;
      if (!IsIdentifier(input.name)) {
        return r_.Error(
            entry.first, key,
            fmt::format("'{}' is not a valid input name ({})", input.name, kIdentifierRule));
      }
      if (input.name == "now" || input.name == "today") {
        return r_.Error(entry.first, key,
                        fmt::format("'{}' is bound by the runner (the case's as-of time); choose "
                                    "another input name",
                                    input.name));
      }
      const YAML::Node spec = entry.second;
      if (spec.IsScalar()) {
        input.description = Trim(spec.Scalar());  // `name: what it is` is its description
      } else if (spec.IsMap()) {
        RETURN_IF_ERROR(r_.OnlyKeys(spec, key, {"description", "pattern", "required"}));
        if (const YAML::Node description = spec["description"]) {
          ASSIGN_OR_RETURN(input.description, r_.Text(description, key + ".description", true));
          input.description = Trim(input.description);
        }
        if (const YAML::Node pattern = spec["pattern"]) {
          ASSIGN_OR_RETURN(input.pattern, r_.Text(pattern, key + ".pattern"));
          try {
            std::regex compiled(input.pattern, std::regex::ECMAScript);
          } catch (const std::regex_error& e) {
            return r_.Error(
                pattern, key + ".pattern",
                fmt::format("invalid regular expression '{}': {}", input.pattern, e.what()));
          }
        }
        if (const YAML::Node required = spec["required"]) {
          ASSIGN_OR_RETURN(input.required, r_.Bool(required, key + ".required"));
        }
      } else if (!spec.IsNull()) {
        return r_.Error(
            spec, key,
            fmt::format("expected {{description, pattern, required}}, got {}", NodeTypeName(spec)));
      }
      def_.inputs.push_back(std::move(input));
    }
    return OkStatus();
  }

  // Every key of `map` (so OnlyKeys checks only that none is written twice).
  static std::vector<std::string_view> AnyKey(const YAML::Node& map) {
    std::vector<std::string_view> keys;
    for (const auto& entry : map) {
      if (entry.first.IsScalar()) keys.push_back(entry.first.Scalar());
    }
    return keys;
  }

  Status ParseSteps(const YAML::Node& steps) {
    if (!steps.IsSequence() || steps.size() == 0) {
      return r_.Error(steps, "steps",
                      fmt::format("expected a non-empty list of steps, got {}",
                                  steps.IsSequence() ? "an empty list" : NodeTypeName(steps)));
    }
    std::vector<std::string_view> all_keys(std::begin(kCommonStepKeys), std::end(kCommonStepKeys));
    for (StepKind kind : kKinds) {
      for (std::string_view key : KindKeys(kind)) {
        if (std::find(all_keys.begin(), all_keys.end(), key) == all_keys.end()) {
          all_keys.push_back(key);
        }
      }
    }
    for (size_t i = 0; i < steps.size(); ++i) {
      const YAML::Node node = steps[i];
      StepSource source;
      source.key = fmt::format("steps[{}]", i);
      const std::string& key = source.key;
      if (!node.IsMap()) {
        return r_.Error(
            node, key,
            fmt::format("expected a mapping with id and kind, got {}", NodeTypeName(node)));
      }
      RETURN_IF_ERROR(r_.OnlyKeys(node, key, all_keys));
      Step step;
      step.mark = r_.Mark(node);

      const YAML::Node id = node["id"];
      if (!id) return r_.Error(node, key + ".id", "missing required key 'id'");
      ASSIGN_OR_RETURN(step.id, r_.Text(id, key + ".id"));
      if (!IsIdentifier(step.id)) {
        return r_.Error(id, key + ".id",
                        fmt::format("'{}' is not a valid step id ({})", step.id, kIdentifierRule));
      }
      if (step.id.rfind("sqlite_", 0) == 0) {
        return r_.Error(id, key + ".id",
                        fmt::format("'{}': ids starting with 'sqlite_' are reserved (a step's "
                                    "evidence is a table named by its id)",
                                    step.id));
      }
      for (size_t j = 0; j < def_.steps.size(); ++j) {
        if (def_.steps[j].id == step.id) {
          return r_.Error(id, key + ".id",
                          fmt::format("duplicate step id '{}' (also steps[{}])", step.id, j));
        }
      }

      const YAML::Node kind = node["kind"];
      if (!kind) {
        return r_.Error(node, key + ".kind",
                        "missing required key 'kind' (query, check, llm, decide or action)");
      }
      ASSIGN_OR_RETURN(std::string kind_name, r_.Text(kind, key + ".kind"));
      source.kind_mark = r_.Mark(kind);
      const auto* found = std::find_if(std::begin(kKinds), std::end(kKinds),
                                       [&](StepKind k) { return StepKindName(k) == kind_name; });
      if (found == std::end(kKinds)) {
        return r_.Error(kind, key + ".kind",
                        fmt::format("unknown kind '{}' (expected query, check, llm, decide or "
                                    "action)",
                                    kind_name));
      }
      step.kind = *found;

      // Keys that mean nothing for this kind are refused like unknown keys.
      std::vector<std::string_view> own(std::begin(kCommonStepKeys), std::end(kCommonStepKeys));
      own.insert(own.end(), KindKeys(step.kind).begin(), KindKeys(step.kind).end());
      for (const auto& entry : node) {
        const std::string name = entry.first.Scalar();
        if (std::find(own.begin(), own.end(), name) == own.end()) {
          return r_.Error(entry.first, key + "." + name,
                          fmt::format("{} step takes no '{}' (its keys: {})", AStep(step.kind),
                                      name, OrList(own)));
        }
      }

      step.title = step.id;
      if (const YAML::Node title = node["title"]) {
        ASSIGN_OR_RETURN(step.title, r_.Text(title, key + ".title"));
        step.title = Trim(step.title);
      }
      if (const YAML::Node needs = node["needs"]) {
        source.needs_mark = r_.Mark(needs);
        ASSIGN_OR_RETURN(source.needs, r_.Refs(needs, key + ".needs"));
      }
      RETURN_IF_ERROR(ParseKindFields(node, key, &step, &source));
      if (step.kind == StepKind::kDecide) {
        if (decide_ >= 0) {
          return r_.Error(kind, key + ".kind",
                          fmt::format("a second decide step (steps[{}] '{}' decides; a workflow "
                                      "has at most one)",
                                      decide_, def_.steps[decide_].id));
        }
        decide_ = static_cast<int>(i);
      }
      def_.steps.push_back(std::move(step));
      sources_.push_back(std::move(source));
    }
    return OkStatus();
  }

  Status ParseKindFields(const YAML::Node& node, const std::string& key, Step* step,
                         StepSource* source) {
    const auto require = [&](const char* field, std::string_view why) -> Result<YAML::Node> {
      const YAML::Node value = node[field];
      if (!value) {
        return r_.Error(node, key + "." + field,
                        fmt::format("{} step needs {} ({})", AStep(step->kind), field, why));
      }
      return value;
    };
    switch (step->kind) {
      case StepKind::kQuery:
      case StepKind::kCheck: {
        ASSIGN_OR_RETURN(
            YAML::Node sql,
            require("sql", step->kind == StepKind::kQuery
                               ? "the SELECT over the sources"
                               : "the SELECT over the evidence, with a 'pass' column"));
        ASSIGN_OR_RETURN(step->sql, r_.Text(sql, key + ".sql"));
        step->sql = Trim(step->sql);
        source->sql_mark = r_.Mark(sql);
        if (step->kind == StepKind::kQuery) break;
        ASSIGN_OR_RETURN(YAML::Node uses, require("uses", "the query or llm steps it reads"));
        RETURN_IF_ERROR(ParseUses(uses, key, step, source));
        break;
      }
      case StepKind::kLlm: {
        ASSIGN_OR_RETURN(YAML::Node prompt, require("prompt", "the question to the model"));
        ASSIGN_OR_RETURN(step->prompt, r_.Text(prompt, key + ".prompt"));
        step->prompt = Trim(step->prompt);
        ASSIGN_OR_RETURN(YAML::Node uses, require("uses", "the steps whose rows it reads"));
        RETURN_IF_ERROR(ParseUses(uses, key, step, source));
        break;
      }
      case StepKind::kDecide: {
        ASSIGN_OR_RETURN(YAML::Node role, require("role", "who decides a case"));
        ASSIGN_OR_RETURN(step->role, r_.Text(role, key + ".role"));
        step->role = Trim(step->role);
        break;
      }
      case StepKind::kAction: {
        if (const YAML::Node when = node["when"]) {
          ASSIGN_OR_RETURN(step->when, r_.Text(when, key + ".when"));
          if (step->when != "approve" && step->when != "reject") {
            return r_.Error(when, key + ".when",
                            fmt::format("expected approve or reject, got '{}'", step->when));
          }
        }
        ASSIGN_OR_RETURN(YAML::Node sink,
                         require("sink", "{outbox: file.sqlite} or {webhook: url}"));
        RETURN_IF_ERROR(ParseSink(sink, key + ".sink", &step->sink));
        break;
      }
    }
    return OkStatus();
  }

  Status ParseUses(const YAML::Node& uses, const std::string& key, Step* step, StepSource* source) {
    source->uses_mark = r_.Mark(uses);
    ASSIGN_OR_RETURN(source->uses, r_.Refs(uses, key + ".uses"));
    if (source->uses.empty()) {
      return r_.Error(uses, key + ".uses",
                      fmt::format("{} step uses at least one step", AStep(step->kind)));
    }
    for (const Ref& ref : source->uses) step->uses.push_back(ref.id);
    return OkStatus();
  }

  Status ParseSink(const YAML::Node& node, const std::string& key, ActionSink* sink) {
    RETURN_IF_ERROR(r_.OnlyKeys(node, key, {"outbox", "webhook", "timeout_ms"}));
    const YAML::Node outbox = node["outbox"];
    const YAML::Node webhook = node["webhook"];
    if (outbox && webhook) {
      return r_.Error(node, key, "exactly one of outbox or webhook, not both");
    }
    if (!outbox && !webhook) {
      return r_.Error(node, key, "expected {outbox: file.sqlite} or {webhook: url}");
    }
    if (outbox) {
      sink->kind = ActionSink::Kind::kOutbox;
      ASSIGN_OR_RETURN(std::string text, r_.Text(outbox, key + ".outbox"));
      std::filesystem::path path(Trim(text));
      if (!file_.empty()) {
        if (path.is_relative()) path = file_.parent_path() / path;
        std::error_code ec;
        std::filesystem::path absolute = std::filesystem::absolute(path, ec);
        if (!ec) path = std::move(absolute);
        path = path.lexically_normal();
      }
      sink->target = path.string();
      if (const YAML::Node timeout = node["timeout_ms"]) {
        return r_.Error(timeout, key + ".timeout_ms", "only a webhook takes a timeout");
      }
      return OkStatus();
    }
    sink->kind = ActionSink::Kind::kWebhook;
    ASSIGN_OR_RETURN(std::string url, r_.Text(webhook, key + ".webhook"));
    url = Trim(url);
    const std::string lower = AsciiLower(url);
    const size_t scheme = lower.rfind("http://", 0) == 0    ? 7
                          : lower.rfind("https://", 0) == 0 ? 8
                                                            : 0;
    if (scheme == 0 || url.size() == scheme || url[scheme] == '/' ||
        std::any_of(url.begin(), url.end(),
                    [](unsigned char c) { return std::isspace(c) || std::iscntrl(c); })) {
      return r_.Error(webhook, key + ".webhook",
                      fmt::format("expected an http:// or https:// URL, got '{}'", url));
    }
    sink->target = url;
    if (const YAML::Node timeout = node["timeout_ms"]) {
      ASSIGN_OR_RETURN(sink->timeout_ms, r_.Integer(timeout, key + ".timeout_ms"));
      if (sink->timeout_ms < 1) {
        return r_.Error(timeout, key + ".timeout_ms",
                        fmt::format("must be at least 1, got {}", sink->timeout_ms));
      }
    }
    return OkStatus();
  }

  int IndexOf(std::string_view id) const {
    for (size_t i = 0; i < def_.steps.size(); ++i) {
      if (def_.steps[i].id == id) return static_cast<int>(i);
    }
    return -1;
  }

  // Checks what needs and uses name, and fills every step's `needs`.
  Status ResolveReferences() {
    for (size_t i = 0; i < def_.steps.size(); ++i) {
      Step& step = def_.steps[i];
      const StepSource& source = sources_[i];
      const auto resolve = [&](const Ref& ref) -> Result<const Step*> {
        const int target = IndexOf(ref.id);
        if (target < 0)
          return Reader::ErrorAt(ref.mark, ref.key, fmt::format("unknown step '{}'", ref.id));
        const Step& other = def_.steps[target];
        if (other.kind == StepKind::kAction && step.kind != StepKind::kAction) {
          return Reader::ErrorAt(
              ref.mark, ref.key,
              fmt::format("'{}' is an action step; only another action may follow an action",
                          ref.id));
        }
        return &other;
      };
      for (const Ref& ref : source.needs) {
        ASSIGN_OR_RETURN(const Step* other, resolve(ref));
        step.needs.push_back(other->id);
      }
      for (const Ref& ref : source.uses) {
        ASSIGN_OR_RETURN(const Step* other, resolve(ref));
        const bool evidence = other->kind == StepKind::kQuery || other->kind == StepKind::kLlm ||
                              (step.kind == StepKind::kLlm && other->kind == StepKind::kCheck);
        if (!evidence) {
          return Reader::ErrorAt(
              ref.mark, ref.key,
              fmt::format("'{}' is {} step; {} step uses {}", ref.id, AStep(other->kind),
                          AStep(step.kind),
                          step.kind == StepKind::kCheck ? "query or llm steps"
                                                        : "query, check or llm steps"));
        }
        if (std::find(step.needs.begin(), step.needs.end(), ref.id) == step.needs.end()) {
          step.needs.push_back(ref.id);
        }
      }
      if (step.kind == StepKind::kAction) {
        if (decide_ < 0) {
          return Reader::ErrorAt(step.mark, source.key,
                                 "an action needs a decide step to trigger it (add a step of "
                                 "kind decide with the role that decides)");
        }
        const std::string& decide = def_.steps[decide_].id;
        if (std::find(step.needs.begin(), step.needs.end(), decide) == step.needs.end()) {
          step.needs.push_back(decide);
        }
      }
    }
    return OkStatus();
  }

  // Each `:name` of a query or check names an input, now or today.
  Status CheckParameters() {
    std::vector<std::string> known;
    for (const InputSpec& input : def_.inputs) known.push_back(input.name);
    const std::string inputs = known.empty() ? "none" : CommaList(known);
    known.push_back("now");
    known.push_back("today");
    for (size_t i = 0; i < def_.steps.size(); ++i) {
      const Step& step = def_.steps[i];
      if (step.kind != StepKind::kQuery && step.kind != StepKind::kCheck) continue;
      const ConfigMark& mark = sources_[i].sql_mark;
      const std::string key = sources_[i].key + ".sql";
      Result<std::vector<std::string>> names = SqlParameters(step.sql);
      if (!names.ok()) return Reader::ErrorAt(mark, key, names.status().message());
      for (const std::string& name : *names) {
        if (std::find(known.begin(), known.end(), name) == known.end()) {
          return Reader::ErrorAt(
              mark, key,
              fmt::format("unknown parameter ':{}' (inputs: {}; :now and :today are bound by "
                          "the runner)",
                          name, inputs));
        }
      }
    }
    return OkStatus();
  }

  // Kahn's algorithm, the lowest file index first among the ready steps.
  Status Order() {
    const size_t n = def_.steps.size();
    std::vector<std::vector<int>> needs(n);
    std::vector<std::vector<int>> dependents(n);
    std::vector<size_t> missing(n);
    for (size_t i = 0; i < n; ++i) {
      for (const std::string& id : def_.steps[i].needs) {
        const int j = IndexOf(id);
        needs[i].push_back(j);
        dependents[j].push_back(static_cast<int>(i));
      }
      missing[i] = needs[i].size();
    }
    std::priority_queue<int, std::vector<int>, std::greater<>> ready;
    for (size_t i = 0; i < n; ++i) {
      if (missing[i] == 0) ready.push(static_cast<int>(i));
    }
    std::vector<bool> placed(n, false);
    while (!ready.empty()) {
      const int i = ready.top();
      ready.pop();
      placed[i] = true;
      def_.order.push_back(def_.steps[i].id);
      for (int d : dependents[i]) {
        if (--missing[d] == 0) ready.push(d);
      }
    }
    if (def_.order.size() == n) return OkStatus();

    // A cycle: report the first step (in file order) that lies on one, with a shortest path
    // back to itself.
    for (size_t start = 0; start < n; ++start) {
      if (placed[start]) continue;
      std::vector<int> parent(n, -1);
      std::vector<bool> seen(n, false);
      std::queue<int> queue;
      queue.push(static_cast<int>(start));
      int last = -1;  // the step whose need closes the cycle
      while (!queue.empty() && last < 0) {
        const int at = queue.front();
        queue.pop();
        for (int next : needs[at]) {
          if (placed[next]) continue;
          if (next == static_cast<int>(start)) {
            last = at;
            break;
          }
          if (seen[next]) continue;
          seen[next] = true;
          parent[next] = at;
          queue.push(next);
        }
      }
      if (last < 0) continue;
      std::vector<int> path;
      for (int at = last; at != static_cast<int>(start); at = parent[at]) path.push_back(at);
      path.push_back(static_cast<int>(start));
      std::reverse(path.begin(), path.end());
      std::string text;
      for (int at : path) text += def_.steps[at].id + " -> ";
      text += def_.steps[start].id;
      // Locate the first edge: an explicit need, a use, or the decide step an action needs.
      const StepSource& source = sources_[start];
      const std::string& next = def_.steps[path.size() > 1 ? path[1] : start].id;
      const auto written = [&](const std::vector<Ref>& refs) {
        return std::any_of(refs.begin(), refs.end(),
                           [&](const Ref& ref) { return ref.id == next; });
      };
      ConfigMark mark = def_.steps[start].mark;
      std::string key = source.key + ".needs";
      if (written(source.needs)) {
        mark = *source.needs_mark;
      } else if (written(source.uses)) {
        mark = *source.uses_mark;
        key = source.key + ".uses";
      }
      return Reader::ErrorAt(mark, key, "cycle: " + text);
    }
    return InvalidArgumentError("{}: steps: the dependencies form a cycle",
                                def_.steps[0].mark.ToString());
  }

  Status ParseApproveWhen(const YAML::Node& node) {
    approve_when_written_ = true;
    ASSIGN_OR_RETURN(std::vector<Ref> refs, r_.Refs(node, "recommend.approve_when"));
    if (refs.empty()) {
      return r_.Error(node, "recommend.approve_when",
                      "expected a non-empty list of check step ids (leave it out to require "
                      "every check)");
    }
    for (const Ref& ref : refs) {
      const Step* step = def_.FindStep(ref.id);
      if (step == nullptr) {
        return Reader::ErrorAt(ref.mark, ref.key, fmt::format("unknown step '{}'", ref.id));
      }
      if (step->kind != StepKind::kCheck) {
        return Reader::ErrorAt(
            ref.mark, ref.key,
            fmt::format("'{}' is {} step, not a check", ref.id, AStep(step->kind)));
      }
      def_.approve_when.push_back(ref.id);
    }
    return OkStatus();
  }

  Status ParseLadder(const YAML::Node& node) {
    RETURN_IF_ERROR(
        r_.OnlyKeys(node, "ladder",
                    {"min_cases", "min_agreement", "forbid_rejected_disagreement",
                     "review_sample_rate", "review_window", "max_review_disagreement"}));
    LadderCriteria& ladder = def_.ladder;
    const auto count = [&](const char* name, int64_t* out) -> Status {
      const YAML::Node value = node[name];
      if (!value) return OkStatus();
      const std::string key = std::string("ladder.") + name;
      ASSIGN_OR_RETURN(*out, r_.Integer(value, key));
      if (*out < 1) return r_.Error(value, key, fmt::format("must be at least 1, got {}", *out));
      return OkStatus();
    };
    const auto rate = [&](const char* name, double* out) -> Status {
      const YAML::Node value = node[name];
      if (!value) return OkStatus();
      const std::string key = std::string("ladder.") + name;
      ASSIGN_OR_RETURN(*out, r_.Real(value, key));
      if (!(*out >= 0 && *out <= 1)) {
        return r_.Error(value, key, fmt::format("must be between 0 and 1, got {}", value.Scalar()));
      }
      return OkStatus();
    };
    RETURN_IF_ERROR(count("min_cases", &ladder.min_cases));
    RETURN_IF_ERROR(rate("min_agreement", &ladder.min_agreement));
    if (const YAML::Node forbid = node["forbid_rejected_disagreement"]) {
      ASSIGN_OR_RETURN(ladder.forbid_rejected_disagreement,
                       r_.Bool(forbid, "ladder.forbid_rejected_disagreement"));
    }
    RETURN_IF_ERROR(rate("review_sample_rate", &ladder.review_sample_rate));
    RETURN_IF_ERROR(count("review_window", &ladder.review_window));
    RETURN_IF_ERROR(rate("max_review_disagreement", &ladder.max_review_disagreement));
    return OkStatus();
  }

  const Reader& r_;
  const std::filesystem::path& file_;
  Definition& def_;
  std::vector<StepSource> sources_;  // parallel to def_.steps
  int decide_ = -1;                  // index of the decide step
  bool approve_when_written_ = false;
};

}  // namespace

std::string_view StepKindName(StepKind kind) {
  switch (kind) {
    case StepKind::kQuery:
      return "query";
    case StepKind::kCheck:
      return "check";
    case StepKind::kLlm:
      return "llm";
    case StepKind::kDecide:
      return "decide";
    case StepKind::kAction:
      return "action";
  }
  return "unknown";
}

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kObserve:
      return "observe";
    case Level::kSuggest:
      return "suggest";
    case Level::kAutoWithExceptions:
      return "auto_with_exceptions";
    case Level::kAutonomous:
      return "autonomous";
  }
  return "unknown";
}

Result<Level> ParseLevel(std::string_view name) {
  for (Level level : kLevels) {
    if (LevelName(level) == name) return level;
  }
  return InvalidArgumentError(
      "unknown level '{}' (expected observe, suggest, auto_with_exceptions or autonomous)", name);
}

const Step* Definition::FindStep(std::string_view id) const {
  for (const Step& step : steps) {
    if (step.id == id) return &step;
  }
  return nullptr;
}

const Step* Definition::DecideStep() const {
  for (const Step& step : steps) {
    if (step.kind == StepKind::kDecide) return &step;
  }
  return nullptr;
}

nlohmann::ordered_json Definition::ToJson() const {
  using Json = nlohmann::ordered_json;
  Json out = Json::object();
  out["name"] = name;
  out["description"] = description;
  out["principal"] = principal;
  Json input_list = Json::array();
  for (const InputSpec& input : inputs) {
    Json item = Json::object();
    item["name"] = input.name;
    item["description"] = input.description;
    item["pattern"] = input.pattern;
    item["required"] = input.required;
    input_list.push_back(std::move(item));
  }
  out["inputs"] = std::move(input_list);
  Json step_list = Json::array();
  for (const Step& step : steps) {
    Json item = Json::object();
    item["id"] = step.id;
    item["kind"] = StepKindName(step.kind);
    item["title"] = step.title;
    item["needs"] = step.needs;
    switch (step.kind) {
      case StepKind::kQuery:
        item["sql"] = step.sql;
        break;
      case StepKind::kCheck:
        item["sql"] = step.sql;
        item["uses"] = step.uses;
        break;
      case StepKind::kLlm:
        item["uses"] = step.uses;
        item["prompt"] = step.prompt;
        break;
      case StepKind::kDecide:
        item["role"] = step.role;
        break;
      case StepKind::kAction: {
        item["when"] = step.when;
        Json sink = Json::object();
        const bool webhook = step.sink.kind == ActionSink::Kind::kWebhook;
        sink["kind"] = webhook ? "webhook" : "outbox";
        sink["target"] = step.sink.target;
        if (webhook) sink["timeout_ms"] = step.sink.timeout_ms;
        item["sink"] = std::move(sink);
        break;
      }
    }
    step_list.push_back(std::move(item));
  }
  out["steps"] = std::move(step_list);
  out["order"] = order;
  out["approve_when"] = approve_when;
  Json criteria = Json::object();
  criteria["min_cases"] = ladder.min_cases;
  criteria["min_agreement"] = ladder.min_agreement;
  criteria["forbid_rejected_disagreement"] = ladder.forbid_rejected_disagreement;
  criteria["review_sample_rate"] = ladder.review_sample_rate;
  criteria["review_window"] = ladder.review_window;
  criteria["max_review_disagreement"] = ladder.max_review_disagreement;
  out["ladder"] = std::move(criteria);
  return out;
}

Result<Definition> ParseDefinition(const std::string& text, const std::filesystem::path& file) {
  const std::string where = file.empty() ? std::string("(workflow)") : file.string();
  if (auto bad = FirstInvalidUtf8(text)) {
    return InvalidArgumentError("{}:{}:{}: invalid YAML: the text is not valid UTF-8", where,
                                bad->first, bad->second);
  }
  Reader reader(where);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError("{}:{}:{}: invalid YAML: {}", where, std::max(e.mark.line, 0) + 1,
                                std::max(e.mark.column, 0) + 1, e.msg);
  }
  Definition definition;
  definition.file = file.string();
  definition.text = text;
  try {
    reader.IndexNulls(root);
    Parser parser(reader, file, &definition);
    RETURN_IF_ERROR(parser.Parse(root));
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError("{}:{}:{}: {}", where, std::max(e.mark.line, 0) + 1,
                                std::max(e.mark.column, 0) + 1, e.msg);
  }
  try {
    definition.version = Sha256Hex(definition.ToJson().dump());
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgumentError("{}: cannot write the canonical form: {}", where, e.what());
  }
  if (definition.version.empty()) return InternalError("{}: SHA-256 failed", where);
  return definition;
}

Result<Definition> LoadDefinition(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    if (ec && ec != std::errc::no_such_file_or_directory) {
      return UnavailableError("cannot read workflow file '{}': {}", file.string(), ec.message());
    }
    return NotFoundError("no workflow file '{}'", file.string());
  }
  if (std::filesystem::is_directory(file, ec)) {
    return UnavailableError("cannot read workflow file '{}': it is a directory", file.string());
  }
  std::ifstream in(file, std::ios::binary);
  std::stringstream buffer;
  if (in) buffer << in.rdbuf();
  if (!in || in.bad()) {
    return UnavailableError("cannot read workflow file '{}'", file.string());
  }
  return ParseDefinition(buffer.str(), file);
}

}  // namespace cairn::workflow
