#include "core/config_edit.h"

#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace cairn {
namespace {

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  std::istringstream in(text);
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

// A YAML scalar, quoted when plain style would change its meaning.
std::string Scalar(const std::string& value) {
  YAML::Emitter out;
  out << value;
  return out.c_str();
}

bool IsBlankOrComment(const std::string& line) {
  size_t i = line.find_first_not_of(" \t\r");
  return i == std::string::npos || line[i] == '#';
}

}  // namespace

Result<std::string> AddSourceToConfigText(const std::string& text,
                                          const std::filesystem::path& file,
                                          const NewSource& source) {
  ASSIGN_OR_RETURN(Config config, ParseConfig(text, file));
  if (!IsValidSourceName(source.name)) {
    return InvalidArgumentError(
        "'{}' is not a valid source name: use [A-Za-z_][A-Za-z0-9_]*, not 'main' or 'temp'",
        source.name);
  }
  if (config.FindSource(source.name) != nullptr) {
    return AlreadyExistsError("{}: a source named '{}' already exists", file.string(), source.name);
  }
  YAML::Node root = YAML::Load(text);  // parsed above, cannot throw
  std::vector<std::string> lines = SplitLines(text);

  int indent = 2;
  int sources_line = -1;                          // 0-based line of the `sources:` key
  int end_line = static_cast<int>(lines.size());  // insert before this line
  bool flow_style = false;
  if (root.IsMap()) {
    for (const auto& entry : root) {
      if (entry.first.Scalar() == "sources") {
        sources_line = entry.first.Mark().line;
        if (entry.second.IsMap() && entry.second.size() > 0) {
          indent = entry.second.begin()->first.Mark().column;
        }
        flow_style = entry.second.IsMap() && entry.second.Mark().line == sources_line &&
                     entry.second.Mark().column > entry.first.Mark().column;
      }
    }
    if (sources_line >= 0) {
      for (const auto& entry : root) {
        int line = entry.first.Mark().line;
        if (line > sources_line && line < end_line) end_line = line;
      }
      if (end_line < static_cast<int>(lines.size())) {
        // Comments directly above the next key belong to it.
        while (end_line - 1 > sources_line && IsBlankOrComment(lines[end_line - 1])) --end_line;
      }
    }
  }
  if (flow_style || indent <= 0) {
    return InvalidArgumentError(
        "{}: 'sources' is written in flow style ({{...}}); rewrite it in block style to let "
        "'cairn sources add' edit it",
        file.string());
  }

  const std::string pad(indent, ' ');
  std::string block = pad + source.name + ":\n";
  block += pad + pad + "kind: " + Scalar(source.kind) + "\n";
  for (const auto& [key, value] : source.options) {
    block += pad + pad + key + ": " + Scalar(value) + "\n";
  }
  for (const auto& [key, values] : source.lists) {
    block += pad + pad + key + ": [";
    for (size_t i = 0; i < values.size(); ++i) block += (i ? ", " : "") + Scalar(values[i]);
    block += "]\n";
  }

  std::string out;
  if (sources_line < 0) {
    out = text;
    if (!out.empty() && out.back() != '\n') out += '\n';
    out += "sources:\n" + block;
  } else {
    for (int i = 0; i < end_line; ++i) out += lines[i] + "\n";
    out += block;
    for (size_t i = end_line; i < lines.size(); ++i) out += lines[i] + "\n";
  }
  Result<Config> reparsed = ParseConfig(out, file);
  if (!reparsed.ok() || reparsed->FindSource(source.name) == nullptr) {
    return InternalError("{}: adding source '{}' produced a file that does not load: {}",
                         file.string(), source.name,
                         reparsed.ok() ? "source missing" : reparsed.status().message());
  }
  return out;
}

std::string ExampleConfigText() {
  return R"(# cairn.yaml: the systems Cairn connects to. Each source appears as its own schema in SQL:
#   cairn query "SELECT ... FROM tos.containers c JOIN finance.invoices i ON ..."
# Secrets are written only as ${ENV_VAR} references; Cairn never stores or prints them.
version: 1

# Per-query limits (the defaults are shown).
limits:
  max_rows: 1000000     # a larger result is an error, not a silent cut
  timeout_ms: 60000     # wall-clock time per query
  max_memory_mb: 512    # SQLite memory a query may grow by

sources:
  # A SQLite database file, opened read-only:
  #   tos:
  #     kind: sqlite
  #     path: data/tos.sqlite          # relative to this file
  #
  # A directory of CSV files, one table per file (header row; types inferred):
  #   customs:
  #     kind: csv
  #     path: data/customs
  #     delimiter: ","
  #
  # A PostgreSQL database (every table and view of the listed schemas):
  #   erp:
  #     kind: postgres
  #     host: 127.0.0.1
  #     port: 5432
  #     dbname: erp
  #     user: cairn_reader
  #     password: ${ERP_PASSWORD}
  #     schemas: [public]
  #
  # Add one with: cairn sources add NAME --kind sqlite|csv|postgres --option key=value ...
)";
}

Status WriteFileAtomically(const std::filesystem::path& file, const std::string& text) {
  std::filesystem::path tmp = file;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return UnavailableError("{}: cannot write", tmp.string());
    out << text;
    out.flush();
    if (!out) return UnavailableError("{}: write failed", tmp.string());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return UnavailableError("{}: cannot replace: {}", file.string(), ec.message());
  }
  return OkStatus();
}

}  // namespace cairn
