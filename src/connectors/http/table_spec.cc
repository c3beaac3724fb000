#include "connectors/http/table_spec.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <initializer_list>
#include <string_view>

#include "net/http_client.h"

namespace cairn::connectors::http {
namespace {

// One value of the options tree with the dotted key and the marks to name it by.
struct Node {
  const SourceConfig* config;
  const OptionValue* value;
  std::string key;  // dotted, after "sources.<name>."
  ConfigMark key_mark;

  Status Error(const std::string& message) const { return ErrorAt(value->mark, key, message); }
  Status ErrorAt(const ConfigMark& mark, const std::string& at_key,
                 const std::string& message) const {
    return InvalidArgumentError("{}: sources.{}.{}: {}", mark.ToString(), config->name, at_key,
                                message);
  }

  Node Child(const OptionField& field) const {
    return Node{config, &field.value, key + "." + field.key, field.key_mark};
  }

  // The fields of a mapping, every key among `allowed`.
  Result<std::vector<Node>> Fields(std::initializer_list<std::string_view> allowed) const {
    if (!value->is_map) return Error("expected a mapping");
    std::vector<Node> out;
    for (const OptionField& field : value->fields) {
      bool known = false;
      for (std::string_view name : allowed) known = known || field.key == name;
      if (!known) {
        std::string expected;
        for (std::string_view name : allowed) {
          expected += (expected.empty() ? "" : ", ") + std::string(name);
        }
        return ErrorAt(field.key_mark, key + "." + field.key,
                       fmt::format("unknown key (expected: {})", expected));
      }
      out.push_back(Child(field));
    }
    return out;
  }

  // The scalar as written; a `${ENV}` reference is refused here (only secrets take one).
  Result<std::string> Text() const {
    if (value->is_list || value->is_map) return Error("expected a scalar");
    if (value->scalar.find("${") != std::string::npos) {
      return Error("only auth_token and params values may use ${ENV} references");
    }
    return value->scalar;
  }
  Result<std::string> NonEmptyText() const {
    ASSIGN_OR_RETURN(std::string text, Text());
    if (text.empty()) return Error("must not be empty");
    return text;
  }
  Result<int64_t> Integer(int64_t min, int64_t max) const {
    ASSIGN_OR_RETURN(std::string text, Text());
    size_t pos = 0;
    int64_t number = 0;
    try {
      number = std::stoll(text, &pos);
    } catch (const std::exception&) {
      pos = 0;
    }
    if (text.empty() || pos != text.size()) {
      return Error(fmt::format("expected an integer, got '{}'", text));
    }
    if (number < min || number > max) {
      return Error(fmt::format("must be between {} and {}, got {}", min, max, number));
    }
    return number;
  }
};

Node RootOption(const SourceConfig& config, const std::string& key) {
  const OptionValue& value = config.options.at(key);
  return Node{&config, &value, key, value.mark};
}

Result<ColumnType> ParseType(const Node& node) {
  ASSIGN_OR_RETURN(std::string text, node.Text());
  const std::string lower = AsciiLower(text);
  for (ColumnType type : {ColumnType::kInteger, ColumnType::kReal, ColumnType::kText,
                          ColumnType::kBoolean, ColumnType::kJson}) {
    if (lower == ColumnTypeName(type)) return type;
  }
  return node.Error(fmt::format(
      "unknown column type '{}' (expected integer, real, text, boolean or json)", text));
}

Result<std::vector<std::string>> ParsePath(const Node& node) {
  ASSIGN_OR_RETURN(std::string text, node.Text());
  std::vector<std::string> path = SplitPath(text);
  for (const std::string& part : path) {
    if (part.empty()) return node.Error(fmt::format("empty segment in the JSON path '{}'", text));
  }
  return path;
}

Result<Pagination> ParsePagination(const Node& node) {
  Pagination out;
  ASSIGN_OR_RETURN(std::vector<Node> fields,
                   node.Fields({"style", "param", "start", "size_param", "size", "cursor_at"}));
  const Node* style = nullptr;
  for (const Node& field : fields) {
    if (field.key == node.key + ".style") style = &field;
  }
  if (style == nullptr) {
    return node.Error("missing required key 'style' (none, page, offset, cursor or link)");
  }
  ASSIGN_OR_RETURN(std::string style_name, style->Text());
  const std::string lower = AsciiLower(style_name);
  if (lower == "none") {
    out.style = PageStyle::kNone;
  } else if (lower == "page") {
    out.style = PageStyle::kPage;
    out.param = "page";
  } else if (lower == "offset") {
    out.style = PageStyle::kOffset;
    out.param = "offset";
    out.size_param = "limit";
  } else if (lower == "cursor") {
    out.style = PageStyle::kCursor;
    out.param = "cursor";
  } else if (lower == "link") {
    out.style = PageStyle::kLink;
  } else {
    return style->Error(fmt::format(
        "unknown pagination style '{}' (expected none, page, offset, cursor or link)", style_name));
  }
  bool has_size = false;
  const Node* size_node = nullptr;
  for (const Node& field : fields) {
    const std::string name = field.key.substr(node.key.size() + 1);
    auto refuse = [&](const char* why) { return field.Error(fmt::format("{} ", why) + lower); };
    if (name == "param") {
      if (out.style == PageStyle::kNone || out.style == PageStyle::kLink) {
        return refuse("no parameter moves through the pages with style");
      }
      ASSIGN_OR_RETURN(out.param, field.NonEmptyText());
    } else if (name == "start") {
      if (out.style != PageStyle::kPage) return refuse("'start' is for style page, not");
      ASSIGN_OR_RETURN(out.start, field.Integer(0, int64_t{1} << 40));
    } else if (name == "size_param") {
      if (out.style == PageStyle::kNone) return refuse("no page size with style");
      ASSIGN_OR_RETURN(out.size_param, field.NonEmptyText());
    } else if (name == "size") {
      if (out.style == PageStyle::kNone) return refuse("no page size with style");
      ASSIGN_OR_RETURN(out.size, field.Integer(1, 1'000'000));
      has_size = true;
      size_node = &field;
    } else if (name == "cursor_at") {
      if (out.style != PageStyle::kCursor) return refuse("'cursor_at' is for style cursor, not");
      ASSIGN_OR_RETURN(out.cursor_at, ParsePath(field));
      if (out.cursor_at.empty()) return field.Error("must not be empty");
    }
  }
  if (out.style == PageStyle::kCursor && out.cursor_at.empty()) {
    return node.Error("style cursor needs 'cursor_at', the JSON path of the next cursor");
  }
  if (has_size && out.size_param.empty()) {
    return size_node->Error("'size' needs 'size_param', the query parameter that carries it");
  }
  if (!has_size) out.size_param.clear();  // no size asked: the server's default page size
  return out;
}

Result<std::vector<ColumnSpec>> ParseColumns(const Node& node) {
  if (!node.value->is_map || node.value->fields.empty()) {
    return node.Error(
        "expected a mapping of column names to types ({id: integer}) or to {at: path, type: t}");
  }
  std::vector<ColumnSpec> out;
  std::vector<std::string> seen;
  for (const OptionField& field : node.value->fields) {
    Node column = node.Child(field);
    ColumnSpec spec;
    spec.name = field.key;
    spec.path = SplitPath(field.key);
    const std::string lower = AsciiLower(field.key);
    for (const std::string& other : seen) {
      if (other == lower) {
        return column.ErrorAt(field.key_mark, column.key,
                              "duplicate column name (names ignore ASCII case)");
      }
    }
    seen.push_back(lower);
    if (!field.value.is_map) {
      ASSIGN_OR_RETURN(spec.type, ParseType(column));
    } else {
      ASSIGN_OR_RETURN(std::vector<Node> keys, column.Fields({"at", "type"}));
      bool typed = false;
      for (const Node& key : keys) {
        if (key.key == column.key + ".at") {
          ASSIGN_OR_RETURN(spec.path, ParsePath(key));
          if (spec.path.empty()) return key.Error("must not be empty");
        } else {
          ASSIGN_OR_RETURN(spec.type, ParseType(key));
          typed = true;
        }
      }
      if (!typed) return column.Error("missing required key 'type'");
    }
    out.push_back(std::move(spec));
  }
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> ParseFilters(const Node& node) {
  std::vector<std::pair<std::string, std::string>> out;
  if (node.value->is_list) {
    for (const std::string& column : node.value->list) {
      if (column.empty()) return node.Error("empty column name");
      out.emplace_back(column, column);
    }
    return out;
  }
  if (!node.value->is_map) {
    return node.Error("expected a mapping of columns to query parameters, or a list of columns");
  }
  for (const OptionField& field : node.value->fields) {
    ASSIGN_OR_RETURN(std::string param, node.Child(field).NonEmptyText());
    out.emplace_back(field.key, param);
  }
  return out;
}

Result<TableSpec> ParseTable(const Node& node, const std::string& name) {
  TableSpec table;
  table.name = name;
  table.mark = node.key_mark;
  if (!node.value->is_map) {
    ASSIGN_OR_RETURN(table.path, node.Text());
    return table;
  }
  ASSIGN_OR_RETURN(std::vector<Node> fields,
                   node.Fields({"path", "params", "rows_at", "paginate", "columns", "filters"}));
  for (const Node& field : fields) {
    const std::string key = field.key.substr(node.key.size() + 1);
    if (key == "path") {
      ASSIGN_OR_RETURN(table.path, field.Text());
    } else if (key == "params") {
      if (!field.value->is_map) return field.Error("expected a mapping of names to values");
      for (const OptionField& param : field.value->fields) {
        Node value = field.Child(param);
        if (value.value->is_list || value.value->is_map) return value.Error("expected a scalar");
        QueryParam query{param.key, value.value->scalar, false};
        // A value with a ${ENV} reference is a secret: sent, never shown.
        if (query.value.find("${") != std::string::npos) {
          Result<std::string> expanded = ExpandEnv(query.value);
          if (!expanded.ok()) return value.Error(expanded.status().message());
          query.value = *std::move(expanded);
          query.secret = true;
        }
        table.params.push_back(std::move(query));
      }
    } else if (key == "rows_at") {
      ASSIGN_OR_RETURN(table.rows_at, ParsePath(field));
    } else if (key == "paginate") {
      ASSIGN_OR_RETURN(table.pagination, ParsePagination(field));
    } else if (key == "columns") {
      ASSIGN_OR_RETURN(table.columns, ParseColumns(field));
    } else if (key == "filters") {
      ASSIGN_OR_RETURN(table.filters, ParseFilters(field));
      table.filters_mark = field.value->mark;
    }
  }
  if (!table.columns.empty()) {
    for (const auto& [column, param] : table.filters) {
      bool found = false;
      for (const ColumnSpec& spec : table.columns) found = found || spec.name == column;
      if (!found) {
        return node.ErrorAt(table.filters_mark, node.key + ".filters",
                            fmt::format("no column '{}' in this table's columns", column));
      }
    }
  }
  return table;
}

}  // namespace

const char* ColumnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kInteger:
      return "integer";
    case ColumnType::kReal:
      return "real";
    case ColumnType::kText:
      return "text";
    case ColumnType::kBoolean:
      return "boolean";
    case ColumnType::kJson:
      return "json";
  }
  return "text";
}

const char* SqlTypeOf(ColumnType type) {
  switch (type) {
    case ColumnType::kInteger:
    case ColumnType::kBoolean:
      return "INTEGER";
    case ColumnType::kReal:
      return "REAL";
    case ColumnType::kText:
    case ColumnType::kJson:
      return "TEXT";
  }
  return "TEXT";
}

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> out;
  if (path.empty()) return out;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    out.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return out;
}

std::string JoinPath(const std::vector<std::string>& path) {
  std::string out;
  for (const std::string& part : path) out += (out.empty() ? "" : ".") + part;
  return out;
}

Result<SourceSpec> ParseSourceSpec(const SourceConfig& config) {
  SourceSpec spec;
  {
    Node url = RootOption(config, "url");
    ASSIGN_OR_RETURN(spec.url, url.NonEmptyText());
    Result<net::Url> parsed = net::ParseUrl(spec.url);
    if (!parsed.ok()) return url.Error(parsed.status().message());
  }
  if (config.Has("auth_token")) {
    ASSIGN_OR_RETURN(std::string token, config.Get("auth_token"));
    ASSIGN_OR_RETURN(spec.auth_header, config.GetOr("auth_header", "Authorization"));
    ASSIGN_OR_RETURN(std::string scheme, config.GetOr("auth_scheme", "Bearer"));
    spec.auth_value = scheme.empty() ? token : scheme + " " + token;
    if (spec.auth_header.empty()) {
      return config.ErrorAt("auth_header", StatusCode::kInvalidArgument, "must not be empty");
    }
  } else {
    for (const char* key : {"auth_header", "auth_scheme"}) {
      if (config.Has(key)) {
        return config.ErrorAt(key, StatusCode::kInvalidArgument,
                              "has no effect without auth_token");
      }
    }
  }
  if (config.Has("rate_limit")) {
    ASSIGN_OR_RETURN(std::string text, config.Get("rate_limit"));
    size_t pos = 0;
    double rate = -1;
    try {
      rate = std::stod(text, &pos);
    } catch (const std::exception&) {
      pos = 0;
    }
    if (text.empty() || pos != text.size() || !std::isfinite(rate) || rate < 0) {
      return config.ErrorAt(
          "rate_limit", StatusCode::kInvalidArgument,
          fmt::format("expected requests per second (a number >= 0; 0: no limit), got '{}'", text));
    }
    spec.rate = rate;
  }
  ASSIGN_OR_RETURN(int64_t burst, config.GetInt("burst", 1));
  if (burst < 1 || burst > 10'000) {
    return config.ErrorAt("burst", StatusCode::kInvalidArgument,
                          fmt::format("must be between 1 and 10000, got {}", burst));
  }
  spec.burst = static_cast<double>(burst);
  ASSIGN_OR_RETURN(spec.timeout_ms, config.GetInt("timeout_ms", 30'000));
  if (spec.timeout_ms < 1 || spec.timeout_ms > 3'600'000) {
    return config.ErrorAt("timeout_ms", StatusCode::kInvalidArgument,
                          fmt::format("must be between 1 and 3600000, got {}", spec.timeout_ms));
  }
  ASSIGN_OR_RETURN(int64_t max_mb, config.GetInt("max_response_mb", 16));
  if (max_mb < 1 || max_mb > 4096) {
    return config.ErrorAt("max_response_mb", StatusCode::kInvalidArgument,
                          fmt::format("must be between 1 and 4096, got {}", max_mb));
  }
  spec.max_response_bytes = max_mb << 20;
  ASSIGN_OR_RETURN(spec.max_pages, config.GetInt("max_pages", 1000));
  if (spec.max_pages < 1) {
    return config.ErrorAt("max_pages", StatusCode::kInvalidArgument,
                          fmt::format("must be at least 1, got {}", spec.max_pages));
  }

  Node tables = RootOption(config, "tables");
  if (!tables.value->is_map || tables.value->fields.empty()) {
    return tables.Error("expected a mapping of table names to their endpoints");
  }
  std::vector<std::string> seen;
  for (const OptionField& field : tables.value->fields) {
    const std::string lower = AsciiLower(field.key);
    for (const std::string& other : seen) {
      if (other == lower) {
        return tables.ErrorAt(field.key_mark, tables.key + "." + field.key,
                              "duplicate table name (names ignore ASCII case)");
      }
    }
    seen.push_back(lower);
    ASSIGN_OR_RETURN(TableSpec table, ParseTable(tables.Child(field), field.key));
    spec.tables.push_back(std::move(table));
  }
  return spec;
}

}  // namespace cairn::connectors::http
