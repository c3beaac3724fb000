// The MCP resources: small Markdown documents of what the caller may see.
//   cairn://{source}/{table}  a table: columns (types, descriptions, labels), joins touching it
//   cairn://recipe/{id}       a recipe: question, SQL, freshness
//   cairn://joins             the join graph the caller may see, as a list
// Names are percent-encoded in URIs (RFC 3986 unreserved characters kept). Every document is
// wrapped in the untrusted-data tags (mcp_internal.h).

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "server/mcp_internal.h"

namespace cairn::server::mcp {

namespace {

constexpr char kScheme[] = "cairn://";
constexpr char kMarkdown[] = "text/markdown";

std::string Encode(const std::string& segment) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : segment) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> Decode(const std::string& segment) {
  std::string out;
  for (size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] != '%') {
      out += segment[i];
      continue;
    }
    if (i + 2 >= segment.size()) return std::nullopt;
    const int hi = HexValue(segment[i + 1]);
    const int lo = HexValue(segment[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// A field as text: strings as they are, numbers and booleans as JSON, anything else empty.
std::string Text(const Json& object, const char* key) {
  if (!object.is_object() || !object.contains(key)) return "";
  const Json& v = object[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number() || v.is_boolean()) return Dump(v);
  return "";
}

// Text fit for one Markdown table cell or list item: one line, pipes escaped.
std::string Cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\r') {
      out += ' ';
    } else if (c == '|') {
      out += "\\|";
    } else {
      out += c;
    }
  }
  return out;
}

std::string SideText(const Json& side) {
  std::string columns;
  if (side.is_object() && side.contains("columns") && side["columns"].is_array()) {
    for (const Json& c : side["columns"]) {
      if (!c.is_string()) continue;
      columns += (columns.empty() ? "" : ", ") + c.get<std::string>();
    }
  }
  return Text(side, "source") + "." + Text(side, "table") + "(" + columns + ")";
}

std::string JoinLine(const Json& join) {
  std::string line = "- `" + Cell(SideText(join["from"])) + "` → `" + Cell(SideText(join["to"])) +
                     "` — " + Cell(Text(join, "kind"));
  if (join.contains("score") && join["score"].is_number()) {
    char score[32];
    std::snprintf(score, sizeof(score), "%.2f", join["score"].get<double>());
    line += std::string(", score ") + score;
  }
  return line + "\n";
}

bool Touches(const Json& join, const std::string& source, const std::string& table) {
  for (const char* side : {"from", "to"}) {
    if (!join.contains(side)) continue;
    if (Text(join[side], "source") == source && Text(join[side], "table") == table) return true;
  }
  return false;
}

Json Contents(const std::string& uri, const std::string& markdown) {
  return Json{{"contents", Json::array({{{"uri", uri},
                                         {"mimeType", kMarkdown},
                                         {"text", WrapUntrusted("internal", markdown)}}})}};
}

Result<Json> ReadTable(const std::string& uri, const std::string& source, const std::string& table,
                       const service::Caller& caller, service::Api& api) {
  ASSIGN_OR_RETURN(Json described, api.Describe(caller, source, table));
  std::string md = "# " + source + "." + table + "\n\n";
  const std::string kind = Text(described, "kind");
  const std::string label = Text(described, "label");
  if (!kind.empty()) md += "Kind: " + Cell(kind) + "  \n";
  if (!label.empty()) md += "Label: " + Cell(label) + "  \n";
  md += "Query it as `" + source + "." + table + "`.\n\n";
  const std::string description = Text(described, "description");
  if (!description.empty()) md += description + "\n\n";
  md += "## Columns\n\n| column | type | key | label | description |\n|---|---|---|---|---|\n";
  if (described.contains("columns") && described["columns"].is_array()) {
    for (const Json& c : described["columns"]) {
      const bool key = c.is_object() && c.contains("primary_key") &&
                       c["primary_key"].is_boolean() && c["primary_key"].get<bool>();
      md += "| `" + Cell(Text(c, "name")) + "` | " + Cell(Text(c, "type")) + " | " +
            (key ? "PK" : "") + " | " + Cell(Text(c, "label")) + " | " +
            Cell(Text(c, "description")) + " |\n";
    }
  }
  md += "\n## Joins\n\n";
  Result<Json> joins = api.Joins(caller);
  size_t shown = 0;
  if (joins.ok() && joins->contains("joins") && (*joins)["joins"].is_array()) {
    for (const Json& join : (*joins)["joins"]) {
      if (!Touches(join, source, table) || Text(join, "kind") == "rejected") continue;
      md += JoinLine(join);
      ++shown;
    }
  }
  if (shown == 0) md += "None known.\n";
  return Contents(uri, md);
}

Result<Json> ReadRecipe(const std::string& uri, int64_t id, const service::Caller& caller,
                        service::Api& api) {
  ASSIGN_OR_RETURN(Json recipe, api.Recipe(caller, id));
  std::string md = "# Recipe " + std::to_string(id) + "\n\n";
  md += "**Question:** " + Cell(Text(recipe, "question")) + "\n\n";
  const std::string sql = Text(recipe, "sql");
  // A fence longer than any run of backticks in the SQL.
  size_t longest = 0, run = 0;
  for (char c : sql) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(std::max<size_t>(3, longest + 1), '`');
  md += fence + "sql\n" + sql + "\n" + fence + "\n\n";
  const std::string note = Text(recipe, "note");
  if (!note.empty()) md += "**Note:** " + Cell(note) + "\n\n";
  md += "Freshness: " + Cell(Text(recipe, "freshness"));
  const std::string reason = Text(recipe, "stale_reason");
  if (!reason.empty()) md += " (" + Cell(reason) + ")";
  md += "  \n";
  const std::string by = Text(recipe, "stated_by");
  if (!by.empty()) md += "Stated by: " + Cell(by) + "  \n";
  if (recipe.contains("tables") && recipe["tables"].is_array()) {
    std::string tables;
    for (const Json& t : recipe["tables"]) {
      tables += (tables.empty() ? "" : ", ") + Text(t, "source") + "." + Text(t, "table");
    }
    if (!tables.empty()) md += "Reads: " + Cell(tables) + "  \n";
  }
  return Contents(uri, md);
}

Result<Json> ReadJoins(const std::string& uri, const service::Caller& caller, service::Api& api) {
  ASSIGN_OR_RETURN(Json joins, api.Joins(caller));
  std::string md = "# Join graph\n\nThe joins between tables you may see (from → to, kind).\n\n";
  size_t shown = 0;
  if (joins.contains("joins") && joins["joins"].is_array()) {
    for (const Json& join : joins["joins"]) {
      if (Text(join, "kind") == "rejected") continue;
      md += JoinLine(join);
      ++shown;
    }
  }
  if (shown == 0) md += "None known (run `cairn discover`).\n";
  return Contents(uri, md);
}

Status Unknown(const std::string& uri) { return NotFoundError("resource not found: {}", uri); }

}  // namespace

Result<Json> ListResources(const service::Caller& caller, service::Api& api) {
  Json resources = Json::array();
  ASSIGN_OR_RETURN(Json tables, api.Tables(caller, ""));
  if (tables.is_array()) {
    for (const Json& t : tables) {
      const std::string source = Text(t, "source"), table = Text(t, "table");
      if (source.empty() || table.empty()) continue;
      resources.push_back({{"uri", kScheme + Encode(source) + "/" + Encode(table)},
                           {"name", source + "." + table},
                           {"description", "Columns, types, labels and joins of a table"},
                           {"mimeType", kMarkdown}});
    }
  }
  resources.push_back({{"uri", std::string(kScheme) + "joins"},
                       {"name", "joins"},
                       {"description", "The join graph between the tables you may see"},
                       {"mimeType", kMarkdown}});
  Result<Json> recipes = api.Recipes(caller);
  if (recipes.ok() && recipes->contains("recipes") && (*recipes)["recipes"].is_array()) {
    for (const Json& r : (*recipes)["recipes"]) {
      if (!r.is_object() || !r.contains("id") || !r["id"].is_number_integer()) continue;
      const std::string id = std::to_string(r["id"].get<int64_t>());
      resources.push_back({{"uri", std::string(kScheme) + "recipe/" + id},
                           {"name", "recipe-" + id},
                           {"description", "A remembered question and the SQL that answers it"},
                           {"mimeType", kMarkdown}});
    }
  }
  return Json{{"resources", std::move(resources)}};
}

const Json& ResourceTemplates() {
  static const Json* const kTemplates =
      new Json{{"resourceTemplates",
                Json::array({{{"uriTemplate", "cairn://{source}/{table}"},
                              {"name", "table"},
                              {"description", "A table as you may see it: columns, labels, joins"},
                              {"mimeType", kMarkdown}},
                             {{"uriTemplate", "cairn://recipe/{id}"},
                              {"name", "recipe"},
                              {"description", "A remembered recipe: question, SQL, freshness"},
                              {"mimeType", kMarkdown}}})}};
  return *kTemplates;
}

Result<Json> ReadResource(const std::string& uri, const service::Caller& caller,
                          service::Api& api) {
  if (uri.rfind(kScheme, 0) != 0) return Unknown(uri);
  const std::string rest = uri.substr(std::string(kScheme).size());
  if (rest == "joins") return ReadJoins(uri, caller, api);
  if (rest.rfind("recipe/", 0) == 0) {
    const std::string digits = rest.substr(7);
    if (digits.empty() || digits.size() > 18 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return Unknown(uri);
    }
    return ReadRecipe(uri, std::stoll(digits), caller, api);
  }
  const size_t slash = rest.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == rest.size() ||
      rest.find('/', slash + 1) != std::string::npos) {
    return Unknown(uri);
  }
  std::optional<std::string> source = Decode(rest.substr(0, slash));
  std::optional<std::string> table = Decode(rest.substr(slash + 1));
  if (!source || !table || source->empty() || table->empty()) return Unknown(uri);
  return ReadTable(uri, *source, *table, caller, api);
}

}  // namespace cairn::server::mcp
