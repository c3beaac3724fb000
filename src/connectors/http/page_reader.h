#pragma once

// Walks the pages of one table's endpoint, one request per Next(), with the table's pagination
// style (http_source.h, "Pagination"), and stops robustly:
//   * every style ends after a page with no rows;
//   * page/offset end there only (a short page is not the end: servers cap page sizes), and a
//     page whose body repeats the previous one is an error (the server ignores the parameter);
//   * cursor ends when the next cursor is missing, null or ""; a cursor seen before is an error;
//   * link ends without a rel="next" link; a URL seen before is an error, and so is a link to
//     another origin (it would receive the source's credentials);
//   * asking for page max_pages + 1 is ResourceExhausted (never a silent truncation).
// Errors do not name the source or table (the caller adds them) but do name the request
// ("GET <url>", secrets shown as ***) and, for the page itself, the page number.
//
// Ownership: the reader keeps references to the specs, which must outlive it; the current
// page's rows live until the next call of Next().
//
// Thread-safety: one reader, one thread.

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "connectors/http/json_rows.h"
#include "connectors/http/table_spec.h"
#include "core/status.h"
#include "net/http_client.h"

namespace cairn::connectors::http {

// GETs `url` and returns a 2xx response; otherwise an error that names `display` (the URL as
// messages may show it) and, for an HTTP error, the status.
using FetchFn =
    std::function<Result<net::HttpResponse>(const std::string& url, const std::string& display)>;

class PageReader {
 public:
  // `pushed`: equality filters sent as query parameters with every built request.
  PageReader(const SourceSpec& source, const TableSpec& table, std::vector<QueryParam> pushed,
             FetchFn fetch);

  // Fetches the next page; false (and no request) when the last page was reached.
  Result<bool> Next();

  // The current page's rows (a JSON array) and its 1-based number.
  const Json& rows() const { return *rows_; }
  int64_t page() const { return pages_; }

 private:
  Status Advance(const net::HttpResponse& response, const std::string& url);
  std::string Redacted(const std::string& url) const;

  const SourceSpec& source_;
  const TableSpec& table_;
  std::vector<QueryParam> pushed_;
  FetchFn fetch_;
  std::set<std::string> secret_names_;  // query parameters whose values are secrets

  bool done_ = false;
  int64_t pages_ = 0;  // fetched so far
  int64_t offset_ = 0;
  std::string cursor_;
  std::string next_url_;        // style link: the next page's URL
  std::set<std::string> seen_;  // cursors or URLs already followed
  size_t previous_hash_ = 0;    // page/offset: the previous body's hash
  Json body_;
  const Json* rows_;
};

}  // namespace cairn::connectors::http
