#include "connectors/http/json_rows.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <limits>
#include <map>

namespace cairn::connectors::http {
namespace {

// What the sample has seen at one path, in the order of first sight.
struct Seen {
  std::vector<std::string> path;
  bool boolean = false, integer = false, real = false, text = false, other = false;
  bool object = false;
};

void Observe(const Json& value, std::vector<std::string>& path, int depth, std::vector<Seen>& seen,
             std::map<std::string, size_t>& index) {
  const std::string key = JoinPath(path);
  auto [it, inserted] = index.emplace(key, seen.size());
  if (inserted) seen.push_back(Seen{path});
  // `seen` may grow below; take the index, not a reference.
  const size_t at = it->second;
  switch (value.type()) {
    case Json::value_t::null:
    case Json::value_t::discarded:
      return;
    case Json::value_t::boolean:
      seen[at].boolean = true;
      return;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      seen[at].integer = true;
      return;
    case Json::value_t::number_float:
      seen[at].real = true;
      return;
    case Json::value_t::string:
      seen[at].text = true;
      return;
    case Json::value_t::object:
      if (depth >= kMaxInferDepth) {
        seen[at].other = true;
        return;
      }
      seen[at].object = true;
      for (const auto& [name, child] : value.items()) {
        path.push_back(name);
        Observe(child, path, depth + 1, seen, index);
        path.pop_back();
      }
      return;
    default:
      seen[at].other = true;
      return;
  }
}

std::string ColumnNameOf(const std::vector<std::string>& path) {
  std::string name;
  for (const std::string& part : path) name += (name.empty() ? "" : "_") + part;
  return name;
}

}  // namespace

Result<Json> ParseBody(const std::string& body) {
  try {
    return Json::parse(body);
  } catch (const Json::parse_error& e) {
    // e.what() reads "[json.exception.parse_error.101] parse error at line 1, column 9: ...";
    // keep the part after the id, which says where and why.
    std::string why = e.what();
    const size_t close = why.find("] ");
    if (close != std::string::npos) why = why.substr(close + 2);
    return InvalidArgumentError("malformed JSON at byte {}: {}", e.byte, why);
  }
}

const Json* Find(const Json& value, const std::vector<std::string>& path) {
  const Json* node = &value;
  for (const std::string& step : path) {
    if (node->is_object()) {
      auto it = node->find(step);
      if (it == node->end()) return nullptr;
      node = &*it;
    } else if (node->is_array() && !step.empty() &&
               step.find_first_not_of("0123456789") == std::string::npos && step.size() < 10) {
      const size_t i = std::stoul(step);
      if (i >= node->size()) return nullptr;
      node = &(*node)[i];
    } else {
      return nullptr;
    }
  }
  return node;
}

Result<const Json*> RowsAt(const Json& body, const std::vector<std::string>& rows_at) {
  static const Json kEmpty = Json::array();
  const Json* rows = Find(body, rows_at);
  const std::string where = rows_at.empty() ? "the top level" : "'" + JoinPath(rows_at) + "'";
  if (rows == nullptr) {
    return InvalidArgumentError("no rows at {} of the response (check rows_at)", where);
  }
  if (rows->is_null()) return &kEmpty;
  if (!rows->is_array()) {
    return InvalidArgumentError("expected an array of rows at {} of the response, got {}", where,
                                Describe(*rows));
  }
  return rows;
}

Result<Cell> ToCell(const Json& value, ColumnType type) {
  if (value.is_null()) return Cell{};
  auto mismatch = [&]() {
    return InvalidArgumentError("expected {}, got {}", ColumnTypeName(type), Describe(value));
  };
  switch (type) {
    case ColumnType::kInteger:
      if (value.is_number_integer()) {
        if (value.is_number_unsigned() &&
            value.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
          return mismatch();
        }
        return Cell{value.get<int64_t>()};
      }
      if (value.is_number_float()) {
        // 12.0 from a serialiser that writes every number as a double is still 12.
        const double d = value.get<double>();
        if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9.007199254740992e15) {
          return Cell{static_cast<int64_t>(d)};
        }
      }
      return mismatch();
    case ColumnType::kReal:
      if (value.is_number()) return Cell{value.get<double>()};
      return mismatch();
    case ColumnType::kText:
      if (value.is_string()) return Cell{value.get<std::string>()};
      return mismatch();
    case ColumnType::kBoolean:
      if (value.is_boolean()) return Cell{int64_t{value.get<bool>() ? 1 : 0}};
      return mismatch();
    case ColumnType::kJson:
      return Cell{value.dump()};
  }
  return mismatch();
}

std::vector<ColumnSpec> InferColumns(const Json& rows) {
  std::vector<Seen> seen;
  std::map<std::string, size_t> index;
  for (const Json& row : rows) {
    if (!row.is_object()) continue;
    for (const auto& [name, value] : row.items()) {
      std::vector<std::string> path{name};
      Observe(value, path, 1, seen, index);
    }
  }
  std::vector<ColumnSpec> columns;
  std::map<std::string, int> names;  // lower-cased name -> times used
  for (const Seen& s : seen) {
    const bool scalar = s.boolean || s.integer || s.real || s.text || s.other;
    if (s.object && !scalar) continue;  // its fields are columns
    ColumnSpec column;
    column.path = s.path;
    const int kinds = (s.boolean ? 1 : 0) + (s.integer || s.real ? 1 : 0) + (s.text ? 1 : 0);
    if (s.other || s.object || kinds > 1) {
      column.type = ColumnType::kJson;
    } else if (s.boolean) {
      column.type = ColumnType::kBoolean;
    } else if (s.real) {
      column.type = ColumnType::kReal;
    } else if (s.integer) {
      column.type = ColumnType::kInteger;
    } else {
      column.type = ColumnType::kText;
    }
    column.name = ColumnNameOf(s.path);
    // Flattened names may collide ("a_b" and "a.b"); the later one gets a suffix.
    const int used = ++names[AsciiLower(column.name)];
    if (used > 1) column.name += fmt::format("_{}", used);
    columns.push_back(std::move(column));
  }
  return columns;
}

std::string Describe(const Json& value) {
  std::string text;
  switch (value.type()) {
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::string:
      text = "string " + value.dump();
      break;
    case Json::value_t::boolean:
      text = "boolean " + value.dump();
      break;
    case Json::value_t::null:
      return "null";
    default:
      text = "number " + value.dump();
      break;
  }
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return text;
}

}  // namespace cairn::connectors::http
