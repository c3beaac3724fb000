#pragma once

// URLs of the http connector: building a request's URL from the source's base URL, a table's
// path and query parameters; showing it in messages without secrets; following RFC 8288 Link
// headers safely.
//
// Thread-safety: pure functions over their arguments.

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace cairn::connectors::http {

// One query parameter of a request, its value not yet encoded. A secret parameter (its value
// came from a `${ENV}` reference) is sent but shown as "***".
struct QueryParam {
  std::string name;
  std::string value;
  bool secret = false;
};

// `text` with ASCII letters lower-cased (scheme and host names, Link relation types, and table and
// column names, which SQLite compares ignoring ASCII case).
std::string AsciiLower(std::string_view text);

// Percent-encodes `text` for a query component (RFC 3986): everything but unreserved characters
// (ALPHA / DIGIT / - . _ ~) becomes %XX, so '&', '=', '+', '#', spaces and non-ASCII bytes are
// safe in a value.
std::string PercentEncode(std::string_view text);

// `base` (scheme://host[:port][/path][?query]) joined with `path` (appended after one '/';
// may carry its own "?query") and `params` appended in order, encoded. `redacted` writes "***"
// for secret values: the form for messages.
std::string BuildUrl(const std::string& base, const std::string& path,
                     const std::vector<QueryParam>& params, bool redacted);

// `url` with the value of every query parameter named in `secret_names` replaced by "***"
// (for URLs the server handed back, e.g. in a Link header, which may echo a secret parameter).
std::string RedactUrl(const std::string& url, const std::set<std::string>& secret_names);

// The target of the first link with relation type "next" in an RFC 8288 Link header value
// (`<https://api/x?page=2>; rel="next", <...>; rel="last"`), rel compared case-insensitively
// and possibly one of several space-separated types; empty when there is none. InvalidArgument
// when the header cannot be parsed.
Result<std::string> NextLink(std::string_view header);

// Resolves `reference` (absolute, "//host/...", "/path", "?query" or a relative path) against
// the absolute URL `base` (RFC 3986 section 5.2, without dot-segment removal).
std::string ResolveUrl(const std::string& base, const std::string& reference);

// "scheme://host:port" of an absolute URL, lower-cased, with the scheme's default port made
// explicit; empty when `url` is not absolute http(s). Two URLs with the same origin may share
// credentials; a Link to another origin must not receive the source's auth header.
std::string OriginOf(const std::string& url);

}  // namespace cairn::connectors::http
