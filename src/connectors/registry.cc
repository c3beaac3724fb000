#include "connectors/registry.h"

#include "connectors/csv/csv_source.h"
#include "connectors/http/http_source.h"
#include "connectors/postgres/postgres_source.h"
#include "connectors/sqlite/sqlite_source.h"

namespace cairn::connectors {

const std::vector<KindSpec>& Kinds() {
  static const std::vector<KindSpec> kinds = {
      sqlite::Kind(),
      csv::Kind(),
      postgres::Kind(),
      http::Kind(),
  };
  return kinds;
}

const KindSpec* FindKind(const std::string& name) {
  for (const auto& kind : Kinds()) {
    if (kind.name == name) return &kind;
  }
  return nullptr;
}

Status ValidateSourceConfig(const SourceConfig& config) {
  const KindSpec* kind = FindKind(config.kind);
  if (kind == nullptr) {
    std::string known;
    for (const auto& k : Kinds()) known += (known.empty() ? "" : ", ") + k.name;
    return InvalidArgumentError("{}: sources.{}.kind: unknown source kind '{}' (known: {})",
                                config.mark.ToString(), config.name, config.kind, known);
  }
  for (const auto& [key, value] : config.options) {
    const OptionSpec* spec = nullptr;
    for (const auto& option : kind->options) {
      if (option.name == key) spec = &option;
    }
    if (spec == nullptr) {
      std::string known;
      for (const auto& option : kind->options) known += (known.empty() ? "" : ", ") + option.name;
      return config.ErrorAt(
          key, StatusCode::kInvalidArgument,
          fmt::format("unknown option for kind '{}' (expected: {})", config.kind, known));
    }
    if (value.is_list && !spec->list) {
      return config.ErrorAt(key, StatusCode::kInvalidArgument, "expected a scalar, got a list");
    }
    if (value.is_map && !spec->map) {
      return config.ErrorAt(key, StatusCode::kInvalidArgument, "expected a scalar, got a mapping");
    }
    if (spec->secret) {
      const std::string& s = value.scalar;
      bool reference =
          s.size() > 3 && s.rfind("${", 0) == 0 && s.back() == '}' && s.find('}') == s.size() - 1;
      if (!reference) {
        return config.ErrorAt(key, StatusCode::kInvalidArgument,
                              "secrets must be written as an ${ENV_VAR} reference, never in "
                              "clear text");
      }
    }
  }
  for (const auto& option : kind->options) {
    if (option.required && !config.Has(option.name)) {
      return config.ErrorAt(option.name, StatusCode::kInvalidArgument,
                            fmt::format("missing required option for kind '{}'", config.kind));
    }
  }
  return OkStatus();
}

Result<std::unique_ptr<Source>> OpenSource(const SourceConfig& config) {
  RETURN_IF_ERROR(ValidateSourceConfig(config));
  return FindKind(config.kind)->open(config);
}

}  // namespace cairn::connectors
