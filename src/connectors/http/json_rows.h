#pragma once

// From a response body to typed rows: the rows array at a JSON path, a column's value in a row
// object, the value as the column's type, and column types inferred from a sample of rows.
//
// Typing rule (documented for users in http_source.h): JSON null or a missing field is NULL in
// every column. Otherwise the value must fit the column's type or the row is an error naming
// the column and what was found; a value is never coerced into another type nor silently made
// NULL, because a filter or join over a silently changed value answers wrongly without a sign.
//
// Thread-safety: pure functions over their arguments.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "connectors/http/table_spec.h"
#include "core/status.h"

namespace cairn::connectors::http {

// Objects keep their fields in the order the server wrote them, so inferred columns do too.
using Json = nlohmann::ordered_json;

// A column value ready for SQLite: NULL, an integer, a real or text.
using Cell = std::variant<std::monostate, int64_t, double, std::string>;

// Parses `body` as JSON. InvalidArgument "malformed JSON at byte N: <why>" otherwise.
Result<Json> ParseBody(const std::string& body);

// The value at `path` in `value`; null when a step is missing or not an object. (Array elements
// are reached by a numeric step: "items.0".)
const Json* Find(const Json& value, const std::vector<std::string>& path);

// The rows array at `rows_at` in `body`. A JSON null there is an empty page. InvalidArgument
// naming the path and what is there when it is missing or not an array.
Result<const Json*> RowsAt(const Json& body, const std::vector<std::string>& rows_at);

// `value` as a value of a column of `type` (see the typing rule above). InvalidArgument
// "expected <type>, got <JSON type> <value>" when it does not fit.
Result<Cell> ToCell(const Json& value, ColumnType type);

// Columns inferred from sample rows: every scalar field, nested objects flattened into
// underscore-joined names (consignee.name -> consignee_name) up to kMaxInferDepth, arrays and
// fields of mixed kinds as json, numbers as integer unless one is fractional (then real), true
// and false as boolean, strings as text, a field that is only ever null as text. Columns come in
// first-seen order. Items that are not objects are skipped here (the scan reports them).
inline constexpr int kMaxInferDepth = 4;
std::vector<ColumnSpec> InferColumns(const Json& rows);

// "string \"n/a\"", "object", "number 3.5": how a message names a JSON value, cut to 40 bytes.
std::string Describe(const Json& value);

}  // namespace cairn::connectors::http
