#include "core/config.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/strings.h"

namespace cairn {
namespace {

ConfigMark MarkOf(const YAML::Mark& mark, const std::string& file) {
  ConfigMark m;
  m.file = file;
  if (!mark.is_null()) {
    m.line = mark.line + 1;
    m.column = mark.column + 1;
  }
  return m;
}

Status ErrorAtMark(const ConfigMark& mark, const std::string& key, StatusCode code,
                   const std::string& message) {
  return Status(code, fmt::format("{}: {}: {}", mark.ToString(), key, message));
}

std::string_view NodeTypeName(const YAML::Node& node) {
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
      return "undefined";
  }
}

Result<int64_t> ParseInt(const std::string& text, const ConfigMark& mark, const std::string& key) {
  if (text.empty())
    return ErrorAtMark(mark, key, StatusCode::kInvalidArgument, "expected an integer");
  size_t pos = 0;
  int64_t value = 0;
  try {
    value = std::stoll(text, &pos);
  } catch (const std::exception&) {
    pos = 0;
  }
  if (pos != text.size()) {
    return ErrorAtMark(mark, key, StatusCode::kInvalidArgument,
                       fmt::format("expected an integer, got '{}'", text));
  }
  return value;
}

Status ParseLimits(const YAML::Node& node, const std::string& file, Limits* limits) {
  if (!node.IsMap()) {
    return ErrorAtMark(MarkOf(node.Mark(), file), "limits", StatusCode::kInvalidArgument,
                       fmt::format("expected a mapping, got {}", NodeTypeName(node)));
  }
  for (const auto& entry : node) {
    const std::string key = entry.first.Scalar();
    const std::string dotted = "limits." + key;
    const ConfigMark mark = MarkOf(entry.first.Mark(), file);
    if (!entry.second.IsScalar()) {
      return ErrorAtMark(mark, dotted, StatusCode::kInvalidArgument, "expected an integer");
    }
    ASSIGN_OR_RETURN(int64_t value, ParseInt(entry.second.Scalar(), mark, dotted));
    if (value <= 0) {
      return ErrorAtMark(mark, dotted, StatusCode::kInvalidArgument, "must be positive");
    }
    if (key == "max_rows") {
      limits->max_rows = value;
    } else if (key == "timeout_ms") {
      limits->timeout_ms = value;
    } else if (key == "max_memory_mb") {
      limits->max_memory_bytes = value << 20;
    } else {
      return ErrorAtMark(mark, dotted, StatusCode::kInvalidArgument,
                         "unknown key (expected max_rows, timeout_ms or max_memory_mb)");
    }
  }
  return OkStatus();
}

// True if `value` is exactly one `${NAME}` reference (how secrets must be written).
bool IsEnvReference(const std::string& value) {
  return value.size() > 3 && value.rfind("${", 0) == 0 && value.back() == '}' &&
         value.find('}') == value.size() - 1;
}

Status ParseLlm(const YAML::Node& key_node, const YAML::Node& node, const std::string& file,
                std::optional<LlmSettings>* out) {
  LlmSettings llm;
  llm.mark = MarkOf(key_node.Mark(), file);
  if (node.IsNull()) return OkStatus();  // `llm:` with everything commented out: no endpoint
  if (!node.IsMap()) {
    return ErrorAtMark(
        llm.mark, "llm", StatusCode::kInvalidArgument,
        fmt::format("expected a mapping with url and model, got {}", NodeTypeName(node)));
  }
  bool has_url = false;
  bool has_model = false;
  for (const auto& entry : node) {
    const std::string key = entry.first.Scalar();
    const std::string dotted = "llm." + key;
    const ConfigMark mark = MarkOf(entry.first.Mark(), file);
    if (!entry.first.IsScalar() || key.empty()) {
      return ErrorAtMark(mark, "llm", StatusCode::kInvalidArgument,
                         "keys must be text (a bare 'null' or '~' key is read as a null)");
    }
    if (key != "url" && key != "model" && key != "api_key" && key != "timeout_ms") {
      return ErrorAtMark(mark, dotted, StatusCode::kInvalidArgument,
                         "unknown key (expected url, model, api_key or timeout_ms)");
    }
    if (!entry.second.IsScalar()) {
      return ErrorAtMark(mark, dotted, StatusCode::kInvalidArgument,
                         fmt::format("expected a scalar, got {}", NodeTypeName(entry.second)));
    }
    const std::string value = entry.second.Scalar();
    if (key == "url") {
      const bool http = value.rfind("http://", 0) == 0 && value.size() > 7;
      const bool https = value.rfind("https://", 0) == 0 && value.size() > 8;
      if (!http && !https) {
        return ErrorAtMark(mark, dotted, StatusCode::kInvalidArgument,
                           fmt::format("expected an http:// or https:// URL, got '{}'", value));
      }
      llm.url = value;
      has_url = true;
    } else if (key == "model") {
      if (value.empty()) {
        return ErrorAtMark(mark, dotted, StatusCode::kInvalidArgument, "expected a model name");
      }
      llm.model = value;
      has_model = true;
    } else if (key == "api_key") {
      if (!value.empty() && !IsEnvReference(value)) {
        return ErrorAtMark(mark, dotted, StatusCode::kInvalidArgument,
                           "secrets must be written as an ${ENV_VAR} reference, never in "
                           "clear text");
      }
      llm.api_key = value;
    } else {
      ASSIGN_OR_RETURN(llm.timeout_ms, ParseInt(value, mark, dotted));
      if (llm.timeout_ms <= 0) {
        return ErrorAtMark(mark, dotted, StatusCode::kInvalidArgument, "must be positive");
      }
    }
  }
  if (!has_url) {
    return ErrorAtMark(llm.mark, "llm.url", StatusCode::kInvalidArgument,
                       "missing required key 'url'");
  }
  if (!has_model) {
    return ErrorAtMark(llm.mark, "llm.model", StatusCode::kInvalidArgument,
                       "missing required key 'model'");
  }
  *out = std::move(llm);
  return OkStatus();
}

// `context: {lexicon: {forward: PATH, backward: PATH}}`.
Status ParseContext(const YAML::Node& node, const std::filesystem::path& file,
                    ContextSettings* out) {
  const std::string file_name = file.string();
  if (node.IsNull()) return OkStatus();
  if (!node.IsMap()) {
    return ErrorAtMark(MarkOf(node.Mark(), file_name), "context", StatusCode::kInvalidArgument,
                       fmt::format("expected a mapping, got {}", NodeTypeName(node)));
  }
  for (const auto& entry : node) {
    const std::string key = entry.first.Scalar();
    const ConfigMark mark = MarkOf(entry.first.Mark(), file_name);
    if (key != "lexicon") {
      return ErrorAtMark(mark, "context." + key, StatusCode::kInvalidArgument,
                         "unknown key (expected lexicon)");
    }
    out->lexicon_mark = mark;
    if (!entry.second.IsMap()) {
      return ErrorAtMark(mark, "context.lexicon", StatusCode::kInvalidArgument,
                         fmt::format("expected a mapping with forward and backward, got {}",
                                     NodeTypeName(entry.second)));
    }
    for (const auto& side : entry.second) {
      const std::string name = side.first.Scalar();
      const std::string dotted = "context.lexicon." + name;
      const ConfigMark side_mark = MarkOf(side.first.Mark(), file_name);
      if (name != "forward" && name != "backward") {
        return ErrorAtMark(side_mark, dotted, StatusCode::kInvalidArgument,
                           "unknown key (expected forward or backward)");
      }
      if (!side.second.IsScalar() || side.second.Scalar().empty()) {
        return ErrorAtMark(side_mark, dotted, StatusCode::kInvalidArgument,
                           "expected the path of a dictd dictionary without its suffix "
                           "(e.g. /usr/share/dictd/freedict-deu-eng)");
      }
      std::filesystem::path path = file.parent_path() / side.second.Scalar();
      (name == "forward" ? out->lexicon_forward : out->lexicon_backward) = path;
    }
    if (out->lexicon_forward.empty()) {
      return ErrorAtMark(mark, "context.lexicon.forward", StatusCode::kInvalidArgument,
                         "missing required key 'forward'");
    }
    if (out->lexicon_backward.empty()) {
      return ErrorAtMark(mark, "context.lexicon.backward", StatusCode::kInvalidArgument,
                         "missing required key 'backward'");
    }
  }
  return OkStatus();
}

}  // namespace

Status CheckStateUrl(const std::string& url) {
  std::string rest;
  for (const char* scheme : {"postgresql://", "postgres://"}) {
    if (url.rfind(scheme, 0) == 0) rest = url.substr(std::string(scheme).size());
  }
  if (rest.empty()) {
    return InvalidArgumentError("expected a postgres:// URL, got '{}'", url);
  }
  // user:password@host: the password belongs in an ${ENV_VAR} (state.password) or PGPASSWORD.
  const size_t at = rest.find('@');
  const size_t slash = rest.find('/');
  if (at != std::string::npos && (slash == std::string::npos || at < slash) &&
      rest.substr(0, at).find(':') != std::string::npos) {
    return InvalidArgumentError(
        "the URL must not carry a password: write it as state.password: \"${{ENV_VAR}}\" (or set "
        "PGPASSWORD)");
  }
  if (rest.find("password=") != std::string::npos) {
    return InvalidArgumentError(
        "the URL must not carry a password parameter: write it as state.password: "
        "\"${{ENV_VAR}}\" (or set PGPASSWORD)");
  }
  return OkStatus();
}

namespace {

Status ParseState(const YAML::Node& key_node, const YAML::Node& node, const std::string& file,
                  std::optional<StateSettings>* out) {
  StateSettings state;
  state.mark = MarkOf(key_node.Mark(), file);
  if (node.IsNull()) return OkStatus();  // `state:` with everything commented out: embedded
  if (!node.IsMap()) {
    return ErrorAtMark(
        state.mark, "state", StatusCode::kInvalidArgument,
        fmt::format("expected a mapping with url (and password), got {}", NodeTypeName(node)));
  }
  for (const auto& entry : node) {
    const std::string key = entry.first.Scalar();
    const std::string dotted = "state." + key;
    const ConfigMark mark = MarkOf(entry.first.Mark(), file);
    if (key != "url" && key != "password") {
      return ErrorAtMark(mark, dotted, StatusCode::kInvalidArgument,
                         "unknown key (expected url or password)");
    }
    if (!entry.second.IsScalar()) {
      return ErrorAtMark(mark, dotted, StatusCode::kInvalidArgument,
                         fmt::format("expected a scalar, got {}", NodeTypeName(entry.second)));
    }
    const std::string value = entry.second.Scalar();
    if (key == "url") {
      Status valid = CheckStateUrl(value);
      if (!valid.ok()) {
        return ErrorAtMark(mark, dotted, StatusCode::kInvalidArgument,
                           std::string(valid.message()));
      }
      state.url = value;
    } else {
      if (!value.empty() && !IsEnvReference(value)) {
        return ErrorAtMark(mark, dotted, StatusCode::kInvalidArgument,
                           "secrets must be written as an ${ENV_VAR} reference, never in "
                           "clear text");
      }
      state.password = value;
    }
  }
  if (state.url.empty()) {
    return ErrorAtMark(state.mark, "state.url", StatusCode::kInvalidArgument,
                       "missing required key 'url'");
  }
  *out = std::move(state);
  return OkStatus();
}

// A source option's value: a scalar, a list of scalars, or a mapping of such values (nested
// mappings allowed). `mark` is the key's, for errors about the value as a whole.
Result<OptionValue> ParseOptionValue(const YAML::Node& node, const ConfigMark& mark,
                                     const std::string& dotted, const std::string& file_name) {
  OptionValue value;
  value.mark = MarkOf(node.Mark(), file_name);
  if (node.IsScalar()) {
    value.scalar = node.Scalar();
  } else if (node.IsSequence()) {
    value.is_list = true;
    for (const auto& item : node) {
      if (!item.IsScalar()) {
        return ErrorAtMark(MarkOf(item.Mark(), file_name), dotted, StatusCode::kInvalidArgument,
                           "list items must be scalars");
      }
      value.list.push_back(item.Scalar());
    }
  } else if (node.IsMap()) {
    value.is_map = true;
    for (const auto& entry : node) {
      const ConfigMark key_mark = MarkOf(entry.first.Mark(), file_name);
      if (!entry.first.IsScalar() || entry.first.Scalar().empty()) {
        return ErrorAtMark(key_mark, dotted, StatusCode::kInvalidArgument,
                           "keys must be text (a bare 'null' or '~' key is read as a null; "
                           "quote it)");
      }
      const std::string key = entry.first.Scalar();
      for (const OptionField& field : value.fields) {
        if (field.key == key) {
          return ErrorAtMark(key_mark, dotted + "." + key, StatusCode::kInvalidArgument,
                             fmt::format("duplicate key (also at {})", field.key_mark.ToString()));
        }
      }
      OptionField field;
      field.key = key;
      field.key_mark = key_mark;
      ASSIGN_OR_RETURN(field.value,
                       ParseOptionValue(entry.second, key_mark, dotted + "." + key, file_name));
      value.fields.push_back(std::move(field));
    }
  } else if (node.IsNull()) {
    value.scalar = "";
  } else {
    return ErrorAtMark(
        mark, dotted, StatusCode::kInvalidArgument,
        fmt::format("expected a scalar, a list or a mapping, got {}", NodeTypeName(node)));
  }
  return value;
}

Result<SourceConfig> ParseSource(const std::string& name, const YAML::Node& key_node,
                                 const YAML::Node& node, const std::filesystem::path& file) {
  const std::string file_name = file.string();
  SourceConfig source;
  source.name = name;
  source.mark = MarkOf(key_node.Mark(), file_name);
  source.base_dir = file.parent_path();
  const std::string prefix = "sources." + name;
  if (!IsValidSourceName(name)) {
    return ErrorAtMark(source.mark, prefix, StatusCode::kInvalidArgument,
                       "a source name must match [A-Za-z_][A-Za-z0-9_]* (at most 63 characters) "
                       "and not be 'main' or 'temp'");
  }
  if (!node.IsMap()) {
    return ErrorAtMark(
        source.mark, prefix, StatusCode::kInvalidArgument,
        fmt::format("expected a mapping with at least 'kind', got {}", NodeTypeName(node)));
  }
  for (const auto& entry : node) {
    const std::string key = entry.first.Scalar();
    const ConfigMark mark = MarkOf(entry.first.Mark(), file_name);
    const std::string dotted = prefix + "." + key;
    if (!entry.first.IsScalar() || key.empty()) {
      // YAML reads a bare `null` or `~` key as a null, not as text.
      return ErrorAtMark(mark, prefix, StatusCode::kInvalidArgument,
                         "option names must be text (a bare 'null' or '~' key is read as a "
                         "null; quote it)");
    }
    if (key == "kind") {
      if (!entry.second.IsScalar() || entry.second.Scalar().empty()) {
        return ErrorAtMark(mark, dotted, StatusCode::kInvalidArgument, "expected a kind name");
      }
      source.kind = entry.second.Scalar();
      continue;
    }
    ASSIGN_OR_RETURN(source.options[key], ParseOptionValue(entry.second, mark, dotted, file_name));
  }
  if (source.kind.empty()) {
    return ErrorAtMark(source.mark, prefix + ".kind", StatusCode::kInvalidArgument,
                       "missing required key 'kind'");
  }
  return source;
}

}  // namespace

std::string ConfigMark::ToString() const {
  if (line == 0) return file;
  return fmt::format("{}:{}:{}", file, line, column);
}

Result<std::string> SourceConfig::Get(const std::string& key) const {
  auto it = options.find(key);
  if (it == options.end()) {
    return ErrorAt(key, StatusCode::kNotFound, "missing required option");
  }
  if (it->second.is_list || it->second.is_map) {
    return ErrorAt(key, StatusCode::kInvalidArgument, "expected a scalar");
  }
  Result<std::string> expanded = ExpandEnv(it->second.scalar);
  if (!expanded.ok()) return ErrorAt(key, expanded.status().code(), expanded.status().message());
  return expanded;
}

Result<std::string> SourceConfig::GetOr(const std::string& key, const std::string& fallback) const {
  if (!Has(key)) return fallback;
  return Get(key);
}

Result<int64_t> SourceConfig::GetInt(const std::string& key, int64_t fallback) const {
  if (!Has(key)) return fallback;
  ASSIGN_OR_RETURN(std::string text, Get(key));
  return ParseInt(text, options.at(key).mark, "sources." + name + "." + key);
}

Result<std::filesystem::path> SourceConfig::GetPath(const std::string& key) const {
  ASSIGN_OR_RETURN(std::string text, Get(key));
  if (text.empty()) return ErrorAt(key, StatusCode::kInvalidArgument, "expected a path");
  std::filesystem::path path(text);
  if (path.is_relative()) path = base_dir / path;
  return path.lexically_normal();
}

Result<std::vector<std::string>> SourceConfig::GetList(const std::string& key,
                                                       std::vector<std::string> fallback) const {
  auto it = options.find(key);
  if (it == options.end()) return fallback;
  if (it->second.is_map) return ErrorAt(key, StatusCode::kInvalidArgument, "expected a list");
  std::vector<std::string> raw =
      it->second.is_list ? it->second.list : std::vector<std::string>{it->second.scalar};
  std::vector<std::string> out;
  for (const auto& item : raw) {
    Result<std::string> expanded = ExpandEnv(item);
    if (!expanded.ok()) return ErrorAt(key, expanded.status().code(), expanded.status().message());
    out.push_back(*expanded);
  }
  return out;
}

Status SourceConfig::ErrorAt(const std::string& key, StatusCode code,
                             const std::string& message) const {
  auto it = options.find(key);
  const ConfigMark& where = it == options.end() ? mark : it->second.mark;
  return ErrorAtMark(where, "sources." + name + "." + key, code, message);
}

const SourceConfig* Config::FindSource(const std::string& name) const {
  for (const auto& source : sources) {
    if (source.name == name) return &source;
  }
  return nullptr;
}

Result<std::string> ExpandEnv(const std::string& value) {
  std::string out;
  size_t pos = 0;
  while (pos < value.size()) {
    size_t start = value.find("${", pos);
    if (start == std::string::npos) {
      out.append(value, pos, std::string::npos);
      break;
    }
    out.append(value, pos, start - pos);
    size_t end = value.find('}', start + 2);
    if (end == std::string::npos) {
      return InvalidArgumentError("unterminated '${{' reference");
    }
    std::string name = value.substr(start + 2, end - start - 2);
    if (name.empty()) return InvalidArgumentError("empty '${{}}' reference");
    const char* env = std::getenv(name.c_str());
    if (env == nullptr) {
      return InvalidArgumentError("environment variable {} is not set", name);
    }
    out += env;
    pos = end + 1;
  }
  return out;
}

bool IsValidSourceName(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(name[0])) return false;
  for (char c : name) {
    if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
  }
  const std::string lower = AsciiLower(name);
  return lower != "main" && lower != "temp";
}

Result<Config> ParseConfig(const std::string& text, const std::filesystem::path& file) {
  const std::string file_name = file.string();
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError("{}: invalid YAML: {}", MarkOf(e.mark, file_name).ToString(),
                                e.msg);
  }
  Config config;
  config.file = file;
  config.state_dir = file.parent_path() / ".cairn";
  config.policy_file = file.parent_path() / "policy.yaml";
  if (root.IsNull()) return config;  // an empty file: no sources yet
  if (!root.IsMap()) {
    return ErrorAtMark(MarkOf(root.Mark(), file_name), "(top level)", StatusCode::kInvalidArgument,
                       fmt::format("expected a mapping, got {}", NodeTypeName(root)));
  }
  try {
    for (const auto& entry : root) {
      const std::string key = entry.first.Scalar();
      const ConfigMark mark = MarkOf(entry.first.Mark(), file_name);
      if (key == "version") {
        if (!entry.second.IsScalar() || entry.second.Scalar() != "1") {
          return ErrorAtMark(mark, key, StatusCode::kInvalidArgument,
                             "unsupported version (this Cairn reads version 1)");
        }
      } else if (key == "limits") {
        RETURN_IF_ERROR(ParseLimits(entry.second, file_name, &config.limits));
      } else if (key == "policy") {
        if (!entry.second.IsScalar() || entry.second.Scalar().empty()) {
          return ErrorAtMark(mark, key, StatusCode::kInvalidArgument,
                             "expected the path of the policy file");
        }
        config.policy_file = file.parent_path() / entry.second.Scalar();
      } else if (key == "sources") {
        if (entry.second.IsNull()) continue;
        if (!entry.second.IsMap()) {
          return ErrorAtMark(mark, key, StatusCode::kInvalidArgument,
                             fmt::format("expected a mapping of source names, got {}",
                                         NodeTypeName(entry.second)));
        }
        for (const auto& source_entry : entry.second) {
          const std::string name = source_entry.first.Scalar();
          if (config.FindSource(name) != nullptr) {
            return ErrorAtMark(MarkOf(source_entry.first.Mark(), file_name), "sources." + name,
                               StatusCode::kInvalidArgument, "duplicate source name");
          }
          ASSIGN_OR_RETURN(SourceConfig source,
                           ParseSource(name, source_entry.first, source_entry.second, file));
          config.sources.push_back(std::move(source));
        }
      } else if (key == "llm") {
        RETURN_IF_ERROR(ParseLlm(entry.first, entry.second, file_name, &config.llm));
      } else if (key == "state") {
        RETURN_IF_ERROR(ParseState(entry.first, entry.second, file_name, &config.state));
      } else if (key == "context") {
        RETURN_IF_ERROR(ParseContext(entry.second, file, &config.context));
      } else {
        return ErrorAtMark(mark, key, StatusCode::kInvalidArgument,
                           "unknown key (expected version, limits, policy, sources, llm, "
                           "state or context)");
      }
    }
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError("{}: {}", MarkOf(e.mark, file_name).ToString(), e.msg);
  }
  return config;
}

Result<Config> LoadConfig(const std::filesystem::path& file) {
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(file, ec);
  if (ec) absolute = file;
  std::ifstream in(absolute, std::ios::binary);
  if (!in) {
    if (!std::filesystem::exists(absolute)) {
      return NotFoundError("{}: no such configuration file (run 'cairn init' to write one)",
                           file.string());
    }
    return UnavailableError("{}: cannot read the configuration file", file.string());
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseConfig(buffer.str(), absolute.lexically_normal());
}

}  // namespace cairn
