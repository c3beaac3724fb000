#include "context/export.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "context/catalog_store.h"
#include "context/join_store.h"
#include "context/semantic.h"

namespace cairn::context {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxFileName = 120;
constexpr std::string_view kMarker = ".cairn-context";

// Markdown table cell: one line, pipes escaped.
std::string Cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

// A relative link target: '%' (from SafeFileName) and spaces must survive URL decoding.
std::string Link(std::string_view path) {
  std::string out;
  for (char c : path) {
    if (c == '%') {
      out += "%25";
    } else if (c == ' ' || c == '(' || c == ')') {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out;
}

std::string TablePath(const std::string& source, const std::string& table) {
  return "tables/" + SafeFileName(source) + "/" + SafeFileName(table) + ".md";
}

std::string RecipePath(int64_t id) { return "recipes/" + std::to_string(id) + ".md"; }

std::string SideText(const JoinSide& side) {
  std::string columns;
  for (const auto& column : side.columns) columns += (columns.empty() ? "" : ", ") + column;
  return fmt::format("{}.{}({})", side.source, side.table, columns);
}

std::string Figure(double value) { return fmt::format("{:.3g}", value); }

// A fenced code block that the text cannot close early.
std::string Fenced(std::string_view language, std::string_view text) {
  std::string fence = "```";
  while (text.find(fence) != std::string_view::npos) fence += '`';
  return fmt::format("{}{}\n{}\n{}\n", fence, language, text, fence);
}

// The files of the tree, path relative to DIR -> content.
using Tree = std::map<std::string, std::string>;

struct Index {
  std::map<std::pair<std::string, std::string>, const TableProfile*> profiles;
  std::map<std::tuple<std::string, std::string, std::string>, const Description*> descriptions;
  std::map<std::pair<std::string, std::string>, std::vector<const Join*>> joins;
  std::map<std::pair<std::string, std::string>, std::vector<const Recipe*>> recipes;

  explicit Index(const ExportSnapshot& snapshot) {
    for (const auto& profile : snapshot.profiles) {
      profiles[{profile.source, profile.table}] = &profile;
    }
    for (const auto& description : snapshot.descriptions) {
      descriptions[{description.source, description.table, description.column}] = &description;
    }
    for (const auto& join : snapshot.joins) {
      joins[{join.from.source, join.from.table}].push_back(&join);
      if (join.to.table_ref() != join.from.table_ref()) {
        joins[{join.to.source, join.to.table}].push_back(&join);
      }
    }
    for (const auto& recipe : snapshot.recipes) {
      for (const auto& table : recipe.tables) {
        recipes[{table.source, table.table}].push_back(&recipe);
      }
    }
  }

  const Description* Describe(const std::string& source, const std::string& table,
                              const std::string& column) const {
    auto it = descriptions.find({source, table, column});
    return it == descriptions.end() ? nullptr : it->second;
  }
};

std::string TableFile(const ExportSnapshot::Source& source, const connectors::TableInfo& table,
                      const Index& index) {
  std::ostringstream out;
  out << "# " << source.name << "." << table.name << "\n\n";
  out << "- source: [" << source.name << "]("
      << Link("../../sources/" + SafeFileName(source.name) + ".md") << ") (" << source.kind
      << ")\n";
  out << "- kind: " << table.kind << "\n";
  out << "- fingerprint: `" << TableFingerprint(table) << "`\n";
  auto found = index.profiles.find({source.name, table.name});
  const TableProfile* profile = found == index.profiles.end() ? nullptr : found->second;
  if (profile != nullptr) {
    out << "- rows: "
        << (profile->row_count >= 0 ? std::to_string(profile->row_count)
                                    : "~" + std::to_string(profile->row_estimate))
        << " (profiled " << profile->profiled_at << " from " << profile->sample_size << " rows, "
        << profile->sampling << ")\n";
  } else if (table.row_estimate >= 0) {
    out << "- rows (estimate): " << table.row_estimate << "\n";
  }
  if (const Description* d = index.Describe(source.name, table.name, "")) {
    out << "\n> " << Cell(d->text) << "\n>\n> — stated by " << d->stated_by << ", " << d->stated_at
        << "\n";
  }
  out << "\n## Columns\n\n"
      << "| column | type | key | semantic type | nulls | distinct | min | max | top values | "
         "description |\n"
      << "|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& column : table.columns) {
    const ColumnProfile* stats = profile ? profile->FindColumn(column.name) : nullptr;
    const Description* d = index.Describe(source.name, table.name, column.name);
    std::string top;
    if (stats != nullptr) {
      for (const auto& value : stats->top_values) {
        top += (top.empty() ? "" : ", ") + value.value.substr(0, 40) + " (" +
               std::to_string(value.count) + ")";
      }
    }
    out << "| " << Cell(column.name) << " | "
        << Cell(column.source_type.empty() ? column.type : column.source_type) << " | "
        << (column.primary_key ? "PK" : "") << " | "
        << (stats && stats->semantic_type != SemanticType::kUnknown
                ? std::string(SemanticTypeName(stats->semantic_type))
                : "")
        << " | " << (stats ? Figure(stats->null_fraction * 100) + "%" : "") << " | "
        << (stats ? (stats->distinct_exact ? "" : "~") + std::to_string(stats->distinct_count) : "")
        << " | " << Cell(stats && stats->min ? stats->min->substr(0, 40) : "") << " | "
        << Cell(stats && stats->max ? stats->max->substr(0, 40) : "") << " | " << Cell(top) << " | "
        << Cell(d ? d->text : "") << " |\n";
  }
  if (profile != nullptr && !profile->keys.empty()) {
    out << "\n## Declared keys\n\n";
    for (const auto& key : profile->keys) {
      std::string columns, refs;
      for (const auto& c : key.columns) columns += (columns.empty() ? "" : ", ") + c;
      for (const auto& c : key.ref_columns) refs += (refs.empty() ? "" : ", ") + c;
      if (key.type == DeclaredKey::Type::kPrimary) {
        out << "- primary key (" << columns << ")\n";
      } else {
        out << "- foreign key (" << columns << ") references " << key.ref_table << "(" << refs
            << ")\n";
      }
    }
  }
  auto joins = index.joins.find({source.name, table.name});
  if (joins != index.joins.end()) {
    out << "\n## Joins\n\n";
    for (const Join* join : joins->second) {
      const JoinSide& other =
          join->from.table_ref() == TableRef{source.name, table.name} ? join->to : join->from;
      out << "- " << SideText(join->from) << " → " << SideText(join->to) << " — "
          << JoinKindName(join->kind) << ", score " << Figure(join->score) << " (see ["
          << other.source << "." << other.table << "]("
          << Link("../../" + TablePath(other.source, other.table)) << "))\n";
    }
  }
  auto recipes = index.recipes.find({source.name, table.name});
  if (recipes != index.recipes.end()) {
    out << "\n## Recipes using it\n\n";
    for (const Recipe* recipe : recipes->second) {
      out << "- [" << Cell(recipe->question) << "](" << Link("../../" + RecipePath(recipe->id))
          << ") (" << FreshnessName(recipe->freshness) << ")\n";
    }
  }
  return out.str();
}

std::string SourceFile(const ExportSnapshot::Source& source, const Index& index) {
  std::ostringstream out;
  out << "# Source " << source.name << "\n\n- kind: " << source.kind
      << "\n- location: " << source.location << "\n";
  if (!source.status.ok())
    out << "- status: unavailable — " << Cell(source.status.ToString()) << "\n";
  out << "\n| table | kind | columns | rows (estimate) | description |\n|---|---|---|---|---|\n";
  for (const auto& table : source.tables) {
    const Description* d = index.Describe(source.name, table.name, "");
    out << "| [" << Cell(table.name) << "](" << Link("../" + TablePath(source.name, table.name))
        << ") | " << table.kind << " | " << table.columns.size() << " | "
        << (table.row_estimate >= 0 ? std::to_string(table.row_estimate) : "") << " | "
        << Cell(d ? d->text : "") << " |\n";
  }
  return out.str();
}

std::string RecipeFile(const Recipe& recipe) {
  std::ostringstream out;
  out << "# Recipe " << recipe.id << ": " << Cell(recipe.question) << "\n\n";
  out << "- freshness: " << FreshnessName(recipe.freshness);
  if (!recipe.stale_reason.empty()) out << " — " << Cell(recipe.stale_reason);
  out << " (checked " << recipe.checked_at << ")\n";
  out << "- stated by " << recipe.stated_by << ", " << recipe.created_at << "\n";
  out << "- reused " << recipe.reuse_count << " times\n\n";
  if (!recipe.note.empty()) out << "> " << Cell(recipe.note) << "\n\n";
  out << Fenced("sql", recipe.sql) << "\n## Tables\n\n";
  for (const auto& table : recipe.tables) {
    out << "- [" << table.source << "." << table.table << "]("
        << Link("../" + TablePath(table.source, table.table)) << ") fingerprint `"
        << table.fingerprint << "`\n";
  }
  if (!recipe.columns.empty()) {
    out << "\n## Columns read\n\n";
    for (const auto& column : recipe.columns) {
      out << "- " << column.source << "." << column.table << "." << column.column << "\n";
    }
  }
  return out.str();
}

std::string GlossaryFile(const ExportSnapshot& snapshot) {
  std::ostringstream out;
  out << "# Glossary\n";
  if (snapshot.terms.empty())
    out << "\nNo terms yet (`cairn glossary add TERM --definition ...`).\n";
  for (const auto& term : snapshot.terms) {
    out << "\n## " << Cell(term.term) << "\n\n" << term.definition << "\n";
    if (!term.synonyms.empty()) {
      out << "\nAlso called:";
      for (size_t i = 0; i < term.synonyms.size(); ++i) {
        out << (i == 0 ? " " : ", ") << term.synonyms[i];
      }
      out << "\n";
    }
    if (!term.see.empty()) {
      out << "\nSee:";
      for (const auto& ref : term.see) {
        Result<ObjectRef> parsed = ParseObjectRef(ref);
        if (parsed.ok()) {
          out << " [" << ref << "](" << Link(TablePath(parsed->source, parsed->table)) << ")";
        } else {
          out << " " << ref;
        }
      }
      out << "\n";
    }
    out << "\n_stated by " << term.stated_by << ", " << term.stated_at << "_\n";
  }
  return out.str();
}

std::string MermaidLabel(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '"') {
      out += "#quot;";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string JoinsFile(const ExportSnapshot& snapshot) {
  std::ostringstream out;
  out << "# Joins\n\n";
  std::vector<const Join*> joins;
  for (const auto& join : snapshot.joins) joins.push_back(&join);
  std::sort(joins.begin(), joins.end(), [](const Join* a, const Join* b) {
    return std::tie(a->from.source, a->from.table, a->from.columns, a->to.source, a->to.table,
                    a->to.columns) < std::tie(b->from.source, b->from.table, b->from.columns,
                                              b->to.source, b->to.table, b->to.columns);
  });
  if (joins.empty()) out << "No joins known yet (`cairn discover`).\n";
  for (const Join* join : joins) {
    out << "- " << SideText(join->from) << " → " << SideText(join->to) << " — "
        << JoinKindName(join->kind) << ", score " << Figure(join->score) << "\n";
  }
  std::map<TableRef, int> nodes;
  for (const Join* join : joins) {
    if (join->kind == JoinKind::kRejected) continue;
    nodes.emplace(join->from.table_ref(), 0);
    nodes.emplace(join->to.table_ref(), 0);
  }
  out << "\n```mermaid\ngraph LR\n";
  int next = 0;
  for (auto& [ref, id] : nodes) {
    id = next++;
    out << "  n" << id << "[\"" << MermaidLabel(ref.ToString()) << "\"]\n";
  }
  for (const Join* join : joins) {
    if (join->kind == JoinKind::kRejected) continue;
    std::string label;
    for (size_t i = 0; i < join->from.columns.size(); ++i) {
      label += (i ? ", " : "") + join->from.columns[i] + " = " +
               (i < join->to.columns.size() ? join->to.columns[i] : "");
    }
    out << "  n" << nodes[join->from.table_ref()]
        << (join->kind == JoinKind::kInferred ? " -.->|\"" : " -->|\"") << MermaidLabel(label)
        << "\"| n" << nodes[join->to.table_ref()] << "\n";
  }
  out << "```\n";
  return out.str();
}

std::string ReadmeFile(const ExportSnapshot& snapshot) {
  std::ostringstream out;
  size_t tables = 0;
  for (const auto& source : snapshot.sources) tables += source.tables.size();
  out << "# Cairn context\n\n"
      << "What Cairn knows about " << snapshot.sources.size() << " sources and " << tables
      << " tables. Read a source file for its tables, a table file for its columns, joins and "
         "recipes.\n\n## Sources\n\n";
  for (const auto& source : snapshot.sources) {
    out << "- [" << source.name << "](" << Link("sources/" + SafeFileName(source.name) + ".md")
        << ") — " << source.kind << ", " << source.tables.size() << " tables"
        << (source.status.ok() ? "" : " (unavailable)") << "\n";
  }
  out << "\n## Recipes\n\n";
  if (snapshot.recipes.empty()) out << "None yet (`cairn remember`).\n";
  for (const auto& recipe : snapshot.recipes) {
    out << "- [" << Cell(recipe.question) << "](" << Link(RecipePath(recipe.id)) << ") — "
        << FreshnessName(recipe.freshness) << ", reused " << recipe.reuse_count << "\n";
  }
  out << "\n## More\n\n- [Glossary](glossary.md) — " << snapshot.terms.size() << " terms\n"
      << "- [Joins](joins.md) — " << snapshot.joins.size() << " joins\n";
  return out.str();
}

Status WriteFile(const fs::path& path, const std::string& content) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec)
    return UnavailableError("{}: cannot create: {}", path.parent_path().string(), ec.message());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) return UnavailableError("{}: cannot write", path.string());
  return OkStatus();
}

}  // namespace

std::string SafeFileName(std::string_view name) {
  if (name.empty()) return "%00";
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    unsigned char c = name[i];
    bool keep = (c < 0x80 && std::isalnum(c)) || c == '-' || c == '_' || (c == '.' && i > 0);
    if (keep) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  if (out.size() > kMaxFileName) {
    uint64_t hash = 14695981039346656037ull;
    for (unsigned char c : name) hash = (hash ^ c) * 1099511628211ull;
    out = out.substr(0, kMaxFileName - 17);
    // Do not leave a cut %XX escape behind.
    size_t percent = out.rfind('%');
    if (percent != std::string::npos && percent + 3 > out.size()) out.resize(percent);
    out += fmt::format("-{:016x}", hash);
  }
  return out;
}

Result<ExportSnapshot> GatherExport(store::StateDb* db, engine::Session* session) {
  ExportSnapshot snapshot;
  for (const auto& status : session->Sources()) {
    ExportSnapshot::Source source{status.name, status.kind, status.location, status.status, {}};
    if (source.status.ok()) {
      Result<std::vector<connectors::TableInfo>> tables = session->Tables(source.name);
      if (tables.ok()) {
        source.tables = std::move(tables).value();
      } else {
        source.status = tables.status();
      }
    }
    std::sort(source.tables.begin(), source.tables.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
    snapshot.sources.push_back(std::move(source));
  }
  std::sort(snapshot.sources.begin(), snapshot.sources.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  ASSIGN_OR_RETURN(CatalogStore catalog, CatalogStore::Open(db));
  ASSIGN_OR_RETURN(snapshot.profiles, catalog.ListTables(std::nullopt, ColumnDetail::kProfiles));
  ASSIGN_OR_RETURN(Glossary glossary, Glossary::Open(db));
  ASSIGN_OR_RETURN(snapshot.descriptions, glossary.ListDescriptions());
  ASSIGN_OR_RETURN(snapshot.terms, glossary.ListTerms());
  ASSIGN_OR_RETURN(JoinStore joins, JoinStore::Open(db));
  ASSIGN_OR_RETURN(snapshot.joins, joins.List());
  ASSIGN_OR_RETURN(RecipeStore recipes, RecipeStore::Open(db));
  ASSIGN_OR_RETURN(snapshot.recipes, recipes.List());
  return snapshot;
}

Result<ExportStats> WriteContextTree(const ExportSnapshot& snapshot, const fs::path& dir) {
  fs::path target = fs::absolute(dir).lexically_normal();
  if (!target.has_filename()) target = target.parent_path();
  std::error_code ec;
  if (fs::exists(target, ec)) {
    if (!fs::is_directory(target, ec)) {
      return FailedPreconditionError("{} exists and is not a directory", target.string());
    }
    if (!fs::is_empty(target, ec) && !fs::exists(target / kMarker, ec)) {
      return FailedPreconditionError(
          "{} is not empty and was not written by 'cairn export-context'; choose another "
          "directory",
          target.string());
    }
  }
  Index index(snapshot);
  Tree tree;
  ExportStats stats;
  tree["README.md"] = ReadmeFile(snapshot);
  tree["glossary.md"] = GlossaryFile(snapshot);
  tree["joins.md"] = JoinsFile(snapshot);
  tree[std::string(kMarker)] = "Written by cairn export-context; replaced on every export.\n";
  for (const auto& source : snapshot.sources) {
    tree["sources/" + SafeFileName(source.name) + ".md"] = SourceFile(source, index);
    for (const auto& table : source.tables) {
      tree[TablePath(source.name, table.name)] = TableFile(source, table, index);
      ++stats.tables;
    }
  }
  for (const auto& recipe : snapshot.recipes) {
    tree[RecipePath(recipe.id)] = RecipeFile(recipe);
    ++stats.recipes;
  }

  fs::path parent = target.parent_path();
  std::string base = target.filename().string();
  fs::path staging = parent / ("." + base + ".cairn-tmp-" + std::to_string(getpid()));
  fs::path old = parent / ("." + base + ".cairn-old-" + std::to_string(getpid()));
  fs::remove_all(staging, ec);
  fs::create_directories(staging, ec);
  if (ec) return UnavailableError("{}: cannot create: {}", staging.string(), ec.message());
  for (const auto& [path, content] : tree) {
    Status written = WriteFile(staging / path, content);
    if (!written.ok()) {
      fs::remove_all(staging, ec);
      return written;
    }
    ++stats.files;
  }
  bool had_old = fs::exists(target, ec);
  if (had_old) {
    fs::remove_all(old, ec);
    fs::rename(target, old, ec);
    if (ec) {
      fs::remove_all(staging, ec);
      return UnavailableError("{}: cannot replace: {}", target.string(), ec.message());
    }
  }
  fs::rename(staging, target, ec);
  if (ec) {
    std::error_code ignored;
    if (had_old) fs::rename(old, target, ignored);
    fs::remove_all(staging, ignored);
    return UnavailableError("{}: cannot move the export in place: {}", target.string(),
                            ec.message());
  }
  if (had_old) fs::remove_all(old, ec);
  return stats;
}

}  // namespace cairn::context
