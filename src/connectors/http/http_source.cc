#include "connectors/http/http_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "connectors/common/pushdown.h"
#include "connectors/common/vtab.h"
#include "connectors/http/json_rows.h"
#include "connectors/http/page_reader.h"
#include "connectors/http/request_url.h"
#include "connectors/http/table_spec.h"
#include "connectors/http/token_bucket.h"
#include "net/http_client.h"

namespace cairn::connectors::http {
namespace {

namespace pd = pushdown;

// One HTTP request in the units of one row, for the planner: a round trip costs about what
// reading a thousand rows does, so SQLite scans an endpoint once rather than probing it per
// outer row unless a pushed filter makes each probe small.
constexpr double kRequestCost = 1000.0;
// Rows assumed per page of a paginated table whose size is not known yet.
constexpr int64_t kAssumedPages = 10;

// The status code of an HTTP error status: the server may recover (5xx, 408, 429) or the
// request itself is wrong (other 4xx, a redirect that is not followed).
StatusCode CodeOfHttpStatus(int status) {
  if (status >= 500 || status == 408 || status == 429) return StatusCode::kUnavailable;
  return StatusCode::kFailedPrecondition;
}

class HttpSource : public Source {
 public:
  HttpSource(std::string name, SourceSpec spec)
      : Source(std::move(name), "http"), spec_(std::move(spec)), bucket_(spec_.rate, spec_.burst) {
    if (!spec_.auth_value.empty()) secrets_.push_back(spec_.auth_value);
    for (const TableSpec& table : spec_.tables) {
      for (const QueryParam& param : table.params) {
        if (param.secret && !param.value.empty()) {
          secrets_.push_back(param.value);
          secrets_.push_back(PercentEncode(param.value));
        }
      }
    }
    // The token alone too, in case a server echoes it without its scheme.
    const size_t space = spec_.auth_value.find(' ');
    if (space != std::string::npos && space + 1 < spec_.auth_value.size()) {
      secrets_.push_back(spec_.auth_value.substr(space + 1));
    }
  }

  std::string Location() const override { return "http:" + spec_.url; }

  Status Check() override {
    const TableSpec& table = spec_.tables.front();
    PageReader reader(spec_, table, {}, Fetcher());
    return Located(table, reader.Next().status());
  }

  Result<std::vector<TableInfo>> Tables() override {
    RETURN_IF_ERROR(EnsureTables());
    std::vector<TableInfo> out;
    for (const Table& table : *tables_) out.push_back(table.info);
    return out;
  }

  const sqlite3_module* Module() const override;

  struct Table {
    TableSpec spec;  // columns resolved (declared or inferred)
    TableInfo info;
    std::vector<int> filter_column;  // per column: index in spec.filters, or -1
  };

  // The table named exactly `name`. NotFound when there is none.
  Result<const Table*> FindTable(const std::string& name) {
    RETURN_IF_ERROR(EnsureTables());
    for (const Table& table : *tables_) {
      if (table.info.name == name) return &table;
    }
    return NotFoundError("{}: no table '{}'", this->name(), name);
  }

  const SourceSpec& spec() const { return spec_; }

  // GETs through the rate limit with the auth header; errors name `display` and are scrubbed.
  FetchFn Fetcher() {
    return
        [this](const std::string& url, const std::string& display) { return Fetch(url, display); };
  }

  // `status` prefixed with "<source>.<table>: ", every secret masked.
  Status Located(const TableSpec& table, const Status& status) const {
    if (status.ok()) return status;
    return Status(status.code(),
                  Scrub(fmt::format("{}.{}: {}", name(), table.name, status.message())));
  }

 private:
  Result<net::HttpResponse> Fetch(const std::string& url, const std::string& display) {
    if (spec_.rate > 0) {
      TokenBucket::Clock::duration wait;
      {
        std::lock_guard<std::mutex> lock(bucket_mutex_);
        wait = bucket_.Take(TokenBucket::Clock::now());
      }
      if (wait > TokenBucket::Clock::duration::zero()) std::this_thread::sleep_for(wait);
    }
    std::vector<std::pair<std::string, std::string>> headers = {{"Accept", "application/json"}};
    if (!spec_.auth_header.empty()) headers.emplace_back(spec_.auth_header, spec_.auth_value);
    Result<net::HttpResponse> response =
        net::HttpGet(url, headers, spec_.timeout_ms, spec_.max_response_bytes);
    if (!response.ok()) {
      // The client's messages name host:port (and, for a bad URL, the URL: hence the scrub).
      return Status(response.status().code(),
                    Scrub(fmt::format("GET {}: {}", display, response.status().message())));
    }
    if (response->status < 200 || response->status > 299) {
      return Status(
          CodeOfHttpStatus(response->status),
          Scrub(fmt::format(
              "GET {}: HTTP {}{}", display, response->status,
              response->body.empty() ? std::string() : ": " + net::BodySnippet(response->body))));
    }
    return response;
  }

  std::string Scrub(std::string message) const {
    for (const std::string& secret : secrets_) {
      for (size_t pos = message.find(secret); pos != std::string::npos;
           pos = message.find(secret, pos + 3)) {
        message.replace(pos, secret.size(), "***");
      }
    }
    return message;
  }

  Status EnsureTables() {
    if (tables_.has_value()) return OkStatus();
    std::vector<Table> tables;
    for (const TableSpec& spec : spec_.tables) {
      Table table;
      table.spec = spec;
      table.info.name = spec.name;
      if (spec.columns.empty()) {
        // Infer from the first page, requested as a scan would request it.
        PageReader reader(spec_, spec, {}, Fetcher());
        Result<bool> page = reader.Next();
        if (!page.ok()) return Located(spec, page.status());
        table.spec.columns = InferColumns(reader.rows());
        if (table.spec.columns.empty()) {
          return Located(spec, FailedPreconditionError(
                                   "cannot infer columns: the first page has no rows (or no "
                                   "fields); declare the table's columns"));
        }
        const int64_t rows = static_cast<int64_t>(reader.rows().size());
        table.info.row_estimate =
            spec.pagination.style == PageStyle::kNone ? rows : rows * kAssumedPages;
        for (ColumnSpec& column : table.spec.columns) {
          ColumnInfo info;
          info.name = column.name;
          info.type = SqlTypeOf(column.type);
          info.source_type =
              fmt::format("http: inferred {} from {} rows", ColumnTypeName(column.type), rows);
          table.info.columns.push_back(std::move(info));
        }
      } else {
        for (const ColumnSpec& column : spec.columns) {
          ColumnInfo info;
          info.name = column.name;
          info.type = SqlTypeOf(column.type);
          info.source_type = fmt::format("http: declared {} at {}", ColumnTypeName(column.type),
                                         JoinPath(column.path));
          table.info.columns.push_back(std::move(info));
        }
      }
      table.filter_column.assign(table.spec.columns.size(), -1);
      for (size_t f = 0; f < spec.filters.size(); ++f) {
        bool found = false;
        for (size_t c = 0; c < table.spec.columns.size(); ++c) {
          if (table.spec.columns[c].name == spec.filters[f].first) {
            table.filter_column[c] = static_cast<int>(f);
            found = true;
          }
        }
        if (!found) {
          return InvalidArgumentError(
              "{}: sources.{}.tables.{}.filters: no column '{}' among the inferred columns",
              spec.filters_mark.ToString(), name(), spec.name, spec.filters[f].first);
        }
      }
      tables.push_back(std::move(table));
    }
    tables_ = std::move(tables);
    return OkStatus();
  }

  SourceSpec spec_;
  std::vector<std::string> secrets_;  // values masked in every message
  std::mutex bucket_mutex_;           // guards bucket_
  TokenBucket bucket_;
  std::optional<std::vector<Table>> tables_;
};

// ---- The virtual table ----------------------------------------------------------------------

struct HttpVtab : sqlite3_vtab {
  HttpSource* source = nullptr;
  const HttpSource::Table* table = nullptr;  // owned by the source, which outlives the vtab
};

struct HttpCursor : sqlite3_vtab_cursor {
  std::unique_ptr<PageReader> reader;
  size_t item = 0;  // index of the current row in reader->rows()
  int64_t row = 0;  // 1-based row of the scan
  bool eof = true;
  uint64_t columns_used = ~uint64_t{0};
  // A pushed LIMIT and OFFSET (see XFilter): rows still to skip, rows still to return (-1: all).
  int64_t skip = 0;
  int64_t remaining = -1;
  std::vector<Cell> cells;  // the current row's values (NULL for columns not read)
};

int Fail(HttpVtab* vtab, const Status& status) {
  return SetVtabError(vtab, vtab->source->Located(vtab->table->spec, status));
}

int XConnect(sqlite3* db, void* aux, int argc, const char* const* argv, sqlite3_vtab** out,
             char** error) {
  auto* source = static_cast<HttpSource*>(aux);
  try {
    if (argc < 4 || argv[3] == nullptr) {
      *error = sqlite3_mprintf("%s: expected the table name as the module argument",
                               source->name().c_str());
      return SQLITE_ERROR;
    }
    Result<const HttpSource::Table*> table = source->FindTable(UnquoteIdentifier(argv[3]));
    if (!table.ok()) {
      *error = sqlite3_mprintf("%s", table.status().message().c_str());
      return SQLITE_ERROR;
    }
    std::string sql = DeclareVtabSql((*table)->info);
    int rc = sqlite3_declare_vtab(db, sql.c_str());
    if (rc != SQLITE_OK) {
      *error = sqlite3_mprintf("%s: cannot declare table '%s': %s", source->name().c_str(),
                               (*table)->info.name.c_str(), sqlite3_errmsg(db));
      return rc;
    }
    auto vtab = std::make_unique<HttpVtab>();
    vtab->pModule = nullptr;
    vtab->nRef = 0;
    vtab->zErrMsg = nullptr;
    vtab->source = source;
    vtab->table = *table;
    *out = vtab.release();
    return SQLITE_OK;
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  } catch (const std::exception& e) {
    *error = sqlite3_mprintf("%s: %s", source->name().c_str(), e.what());
    return SQLITE_ERROR;
  }
}

int XCreate(sqlite3* db, void* aux, int argc, const char* const* argv, sqlite3_vtab** out,
            char** error) {
  return XConnect(db, aux, argc, argv, out, error);
}

int XDisconnect(sqlite3_vtab* vtab) {
  delete static_cast<HttpVtab*>(vtab);
  return SQLITE_OK;
}

// Equality on a column with a configured filter parameter is sent to the server; SQLite
// re-checks every row (kSuperset), so a server that ignores the parameter is still correct.
int XBestIndex(sqlite3_vtab* base, sqlite3_index_info* info) {
  auto* vtab = static_cast<HttpVtab*>(base);
  return Guard(base, [&] {
    const HttpSource::Table& table = *vtab->table;
    pd::CostModel cost;
    cost.startup_cost = kRequestCost;
    return pd::PlanBestIndex(
        info, table.info,
        [&](int column, pd::Op op) {
          const bool filtered = column >= 0 &&
                                static_cast<size_t>(column) < table.filter_column.size() &&
                                table.filter_column[static_cast<size_t>(column)] >= 0;
          return filtered && op == pd::Op::kEq ? pd::Support::kSuperset : pd::Support::kNo;
        },
        cost);
  });
}

int XOpen(sqlite3_vtab* vtab, sqlite3_vtab_cursor** out) {
  return Guard(vtab, [&]() -> int {
    *out = new HttpCursor();
    return SQLITE_OK;
  });
}

int XClose(sqlite3_vtab_cursor* cursor) {
  delete static_cast<HttpCursor*>(cursor);
  return SQLITE_OK;
}

// Converts the current item into cells, checking each column the statement reads.
Status LoadRow(HttpCursor* cursor, const HttpSource::Table& table) {
  const Json& item = cursor->reader->rows()[cursor->item];
  const std::string where = fmt::format("row {} (page {})", cursor->row, cursor->reader->page());
  if (!item.is_object()) {
    return InvalidArgumentError("{}: expected an object, got {}", where, Describe(item));
  }
  const auto& columns = table.spec.columns;
  cursor->cells.assign(columns.size(), Cell{});
  for (size_t c = 0; c < columns.size(); ++c) {
    if (((cursor->columns_used >> (c < 63 ? c : 63)) & 1) == 0) continue;
    const Json* value = Find(item, columns[c].path);
    if (value == nullptr) continue;
    Result<Cell> cell = ToCell(*value, columns[c].type);
    if (!cell.ok()) {
      return InvalidArgumentError("{}: column {}: {}", where, columns[c].name,
                                  cell.status().message());
    }
    cursor->cells[c] = std::move(cell).value();
  }
  return OkStatus();
}

// Moves to the next row, fetching pages as needed (the reader ends the scan at an empty page),
// skipping a pushed OFFSET and stopping at a pushed LIMIT.
int Advance(HttpCursor* cursor) {
  auto* vtab = static_cast<HttpVtab*>(cursor->pVtab);
  return Guard(vtab, [&]() -> int {
    for (;;) {
      if (cursor->reader == nullptr || cursor->remaining == 0) {
        cursor->eof = true;
        cursor->reader.reset();  // once the LIMIT is reached no further page is fetched
        return SQLITE_OK;
      }
      ++cursor->item;
      while (cursor->item >= cursor->reader->rows().size()) {
        Result<bool> page = cursor->reader->Next();
        if (!page.ok()) {
          cursor->eof = true;
          return Fail(vtab, page.status());
        }
        if (!*page) {
          cursor->eof = true;
          cursor->reader.reset();
          return SQLITE_OK;
        }
        cursor->item = 0;
      }
      if (cursor->skip == 0) break;
      --cursor->skip;
    }
    if (cursor->remaining > 0) --cursor->remaining;
    ++cursor->row;
    Status loaded = LoadRow(cursor, *vtab->table);
    if (!loaded.ok()) {
      cursor->eof = true;
      return Fail(vtab, loaded);
    }
    cursor->eof = false;
    return SQLITE_OK;
  });
}

// The text a pushed value is sent as; nullopt when it is not sent (a BLOB).
std::optional<std::string> ParamText(sqlite3_value* value) {
  switch (sqlite3_value_type(value)) {
    case SQLITE_INTEGER:
      return std::to_string(sqlite3_value_int64(value));
    case SQLITE_FLOAT:
      return fmt::format("{}", sqlite3_value_double(value));
    case SQLITE_TEXT:
      return std::string(reinterpret_cast<const char*>(sqlite3_value_text(value)),
                         static_cast<size_t>(sqlite3_value_bytes(value)));
    default:
      return std::nullopt;
  }
}

int XFilter(sqlite3_vtab_cursor* base, int, const char* idx_str, int argc, sqlite3_value** argv) {
  auto* cursor = static_cast<HttpCursor*>(base);
  auto* vtab = static_cast<HttpVtab*>(cursor->pVtab);
  cursor->reader.reset();
  cursor->eof = true;
  cursor->row = 0;
  int rc = Guard(vtab, [&]() -> int {
    Result<pd::ScanPlan> plan = pd::ScanPlan::Decode(idx_str);
    if (!plan.ok() || static_cast<int>(plan->terms.size()) != argc) {
      return Fail(vtab, InternalError("bad scan plan"));
    }
    const HttpSource::Table& table = *vtab->table;
    std::vector<QueryParam> pushed;
    std::vector<bool> sent(table.spec.filters.size(), false);
    cursor->skip = 0;
    cursor->remaining = -1;
    for (int i = 0; i < argc; ++i) {
      const pd::Term& term = plan->terms[static_cast<size_t>(i)];
      // PlanBestIndex pushes LIMIT/OFFSET (omitted) when nothing else is left to SQLite, which
      // then no longer applies the OFFSET itself: the cursor must honour both.
      if (term.op == pd::Op::kLimit) {
        const int64_t limit = sqlite3_value_int64(argv[i]);
        if (limit >= 0) cursor->remaining = limit;
        continue;
      }
      if (term.op == pd::Op::kOffset) {
        cursor->skip = std::max<int64_t>(0, sqlite3_value_int64(argv[i]));
        continue;
      }
      if (term.op != pd::Op::kEq || term.column < 0) continue;
      if (sqlite3_value_type(argv[i]) == SQLITE_NULL) return SQLITE_DONE;  // `= NULL`: no row
      const int filter = table.filter_column[static_cast<size_t>(term.column)];
      std::optional<std::string> text = ParamText(argv[i]);
      // One value per parameter: a second equality on the column is left to SQLite.
      if (filter < 0 || !text || sent[static_cast<size_t>(filter)]) continue;
      sent[static_cast<size_t>(filter)] = true;
      pushed.push_back({table.spec.filters[static_cast<size_t>(filter)].second, *text, false});
    }
    cursor->columns_used = plan->columns_used;
    cursor->reader = std::make_unique<PageReader>(vtab->source->spec(), table.spec,
                                                  std::move(pushed), vtab->source->Fetcher());
    cursor->item = 0;
    return SQLITE_OK;
  });
  if (rc == SQLITE_DONE) return SQLITE_OK;
  if (rc != SQLITE_OK) return rc;
  // Advance() starts by moving past the current item; start one before the first.
  cursor->item = static_cast<size_t>(-1);
  return Advance(cursor);
}

int XNext(sqlite3_vtab_cursor* base) { return Advance(static_cast<HttpCursor*>(base)); }

int XEof(sqlite3_vtab_cursor* base) { return static_cast<HttpCursor*>(base)->eof ? 1 : 0; }

int XColumn(sqlite3_vtab_cursor* base, sqlite3_context* context, int column) {
  auto* cursor = static_cast<HttpCursor*>(base);
  if (cursor->eof || column < 0 || static_cast<size_t>(column) >= cursor->cells.size()) {
    sqlite3_result_null(context);
    return SQLITE_OK;
  }
  const Cell& cell = cursor->cells[static_cast<size_t>(column)];
  if (const auto* i = std::get_if<int64_t>(&cell)) {
    sqlite3_result_int64(context, *i);
  } else if (const auto* d = std::get_if<double>(&cell)) {
    sqlite3_result_double(context, *d);
  } else if (const auto* s = std::get_if<std::string>(&cell)) {
    sqlite3_result_text64(context, s->data(), s->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  } else {
    sqlite3_result_null(context);
  }
  return SQLITE_OK;
}

int XRowid(sqlite3_vtab_cursor* base, sqlite3_int64* rowid) {
  *rowid = static_cast<HttpCursor*>(base)->row;
  return SQLITE_OK;
}

const sqlite3_module kModule = ReadOnlyModule({XConnect, XBestIndex, XDisconnect, XOpen, XClose,
                                               XFilter, XNext, XEof, XColumn, XRowid, XCreate});

const sqlite3_module* HttpSource::Module() const { return &kModule; }

}  // namespace

KindSpec Kind() {
  KindSpec spec;
  spec.name = "http";
  spec.summary = "REST/JSON endpoints, one table per endpoint";
  spec.options = {
      {"url", true, false, false, "base URL of the API (http:// or https://)"},
      {"tables", true, false, false, "table name -> endpoint path or {path, rows_at, ...}",
       /*map=*/true},
      {"auth_token", false, true, false, "token sent with every request, as ${ENV_VAR}"},
      {"auth_header", false, false, false, "header carrying the token (default Authorization)"},
      {"auth_scheme", false, false, false, "written before the token (default Bearer)"},
      {"rate_limit", false, false, false, "requests per second (default 10; 0: no limit)"},
      {"burst", false, false, false, "requests at once before the rate applies (default 1)"},
      {"timeout_ms", false, false, false, "deadline of one request (default 30000)"},
      {"max_response_mb", false, false, false, "cap on one response body, MiB (default 16)"},
      {"max_pages", false, false, false, "pages one scan may fetch (default 1000)"},
  };
  spec.open = [](const SourceConfig& config) -> Result<std::unique_ptr<Source>> {
    ASSIGN_OR_RETURN(SourceSpec source, ParseSourceSpec(config));
    return std::unique_ptr<Source>(new HttpSource(config.name, std::move(source)));
  };
  return spec;
}

}  // namespace cairn::connectors::http
