#pragma once

// The configuration of an http source, read from its cairn.yaml options (the format is in
// http_source.h). Parsing checks every value and names the option by its dotted key and
// file:line:column; secrets stay `${ENV}` references until ResolveSecrets-style reads at open.
//
// Thread-safety: plain values.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "connectors/http/request_url.h"
#include "core/config.h"
#include "core/status.h"

namespace cairn::connectors::http {

// How a value of the response becomes a column value (see http_source.h, "Types").
enum class ColumnType { kInteger, kReal, kText, kBoolean, kJson };

// "integer", "real", "text", "boolean", "json".
const char* ColumnTypeName(ColumnType type);
// The SQLite declared type: INTEGER (integer, boolean), REAL, TEXT (text, json).
const char* SqlTypeOf(ColumnType type);

struct ColumnSpec {
  std::string name;
  std::vector<std::string> path;  // the field's JSON path in a row object, split at '.'
  ColumnType type = ColumnType::kText;
};

enum class PageStyle { kNone, kPage, kOffset, kCursor, kLink };

struct Pagination {
  PageStyle style = PageStyle::kNone;
  // The query parameter that moves through the pages: the page number (kPage), the offset
  // (kOffset) or the cursor (kCursor). Unused for kNone and kLink.
  std::string param;
  int64_t start = 1;  // kPage: the first page's number
  // The page-size parameter and the size asked for; not sent when size_param is empty.
  std::string size_param;
  int64_t size = 0;
  std::vector<std::string> cursor_at;  // kCursor: JSON path of the next cursor in the body
};

struct TableSpec {
  std::string name;
  std::string path;                  // appended to the source URL
  std::vector<QueryParam> params;    // sent with every request, in order
  std::vector<std::string> rows_at;  // JSON path of the rows array; empty: the body is it
  Pagination pagination;
  std::vector<ColumnSpec> columns;  // empty: inferred from the first page
  // Column name -> query parameter that filters on it by equality (pushdown).
  std::vector<std::pair<std::string, std::string>> filters;
  ConfigMark mark;          // of the table's key
  ConfigMark filters_mark;  // of `filters`, for errors found once columns are inferred
};

struct SourceSpec {
  std::string url;  // base URL, without secrets
  // The auth header (name and full value, e.g. "Authorization", "Bearer <token>"); empty name:
  // none. The value is a secret: never logged, never in a message.
  std::string auth_header;
  std::string auth_value;
  double rate = 10;  // requests per second
  double burst = 1;  // requests at once
  int64_t timeout_ms = 30'000;
  int64_t max_response_bytes = int64_t{16} << 20;
  int64_t max_pages = 1000;
  std::vector<TableSpec> tables;
};

// Reads and checks the options of an http source (already validated by the registry for names
// and shapes). InvalidArgument at the offending option's file:line:column and dotted key.
Result<SourceSpec> ParseSourceSpec(const SourceConfig& config);

// Splits a dotted JSON path ("data.items"); "" is the empty path (the value itself).
std::vector<std::string> SplitPath(const std::string& path);
std::string JoinPath(const std::vector<std::string>& path);

}  // namespace cairn::connectors::http
