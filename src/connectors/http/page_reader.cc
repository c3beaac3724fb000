#include "connectors/http/page_reader.h"

#include <fmt/format.h>

#include <functional>

#include "connectors/http/json_rows.h"
#include "connectors/http/request_url.h"

namespace cairn::connectors::http {
namespace {

const Json& EmptyRows() {
  static const Json empty = Json::array();
  return empty;
}

}  // namespace

PageReader::PageReader(const SourceSpec& source, const TableSpec& table,
                       std::vector<QueryParam> pushed, FetchFn fetch)
    : source_(source),
      table_(table),
      pushed_(std::move(pushed)),
      fetch_(std::move(fetch)),
      rows_(&EmptyRows()) {
  for (const QueryParam& param : table_.params) {
    if (param.secret) secret_names_.insert(PercentEncode(param.name));
  }
}

std::string PageReader::Redacted(const std::string& url) const {
  return RedactUrl(url, secret_names_);
}

Result<bool> PageReader::Next() {
  rows_ = &EmptyRows();
  if (done_) return false;
  if (pages_ >= source_.max_pages) {
    return ResourceExhaustedError(
        "more than max_pages ({}) pages; raise max_pages or narrow the query with a filter",
        source_.max_pages);
  }
  const Pagination& pagination = table_.pagination;
  std::string url;
  std::string display;
  if (pagination.style == PageStyle::kLink && pages_ > 0) {
    url = next_url_;
    display = Redacted(url);
  } else {
    std::vector<QueryParam> params = table_.params;
    params.insert(params.end(), pushed_.begin(), pushed_.end());
    if (!pagination.size_param.empty()) {
      params.push_back({pagination.size_param, std::to_string(pagination.size), false});
    }
    switch (pagination.style) {
      case PageStyle::kPage:
        params.push_back({pagination.param, std::to_string(pagination.start + pages_), false});
        break;
      case PageStyle::kOffset:
        params.push_back({pagination.param, std::to_string(offset_), false});
        break;
      case PageStyle::kCursor:
        if (pages_ > 0) params.push_back({pagination.param, cursor_, false});
        break;
      case PageStyle::kNone:
      case PageStyle::kLink:
        break;
    }
    url = BuildUrl(source_.url, table_.path, params, /*redacted=*/false);
    display = BuildUrl(source_.url, table_.path, params, /*redacted=*/true);
    if (pagination.style == PageStyle::kLink) seen_.insert(url);
  }
  ASSIGN_OR_RETURN(net::HttpResponse response, fetch_(url, display));
  ++pages_;
  Status advanced = Advance(response, url);
  if (!advanced.ok()) return advanced.WithContext(fmt::format("GET {} (page {})", display, pages_));
  return true;
}

Status PageReader::Advance(const net::HttpResponse& response, const std::string& url) {
  ASSIGN_OR_RETURN(body_, ParseBody(response.body));
  ASSIGN_OR_RETURN(rows_, RowsAt(body_, table_.rows_at));
  const Pagination& pagination = table_.pagination;
  if (rows_->empty() || pagination.style == PageStyle::kNone) {
    done_ = true;
    return OkStatus();
  }
  switch (pagination.style) {
    case PageStyle::kPage:
    case PageStyle::kOffset: {
      const size_t hash = std::hash<std::string>{}(response.body);
      if (pages_ > 1 && hash == previous_hash_) {
        return InvalidArgumentError(
            "the page repeats the previous one: the server seems to ignore the '{}' parameter",
            pagination.param);
      }
      previous_hash_ = hash;
      offset_ += static_cast<int64_t>(rows_->size());
      return OkStatus();
    }
    case PageStyle::kCursor: {
      const Json* next = Find(body_, pagination.cursor_at);
      std::string cursor;
      if (next != nullptr && next->is_string()) {
        cursor = next->get<std::string>();
      } else if (next != nullptr && next->is_number_integer()) {
        cursor = next->dump();
      } else if (next != nullptr && !next->is_null()) {
        return InvalidArgumentError("the cursor at '{}' is {}, expected a string or an integer",
                                    JoinPath(pagination.cursor_at), Describe(*next));
      }
      if (cursor.empty()) {
        done_ = true;
        return OkStatus();
      }
      if (!seen_.insert(cursor).second) {
        return InvalidArgumentError(
            "the server sent the cursor at '{}' again: its pagination does not advance",
            JoinPath(pagination.cursor_at));
      }
      cursor_ = std::move(cursor);
      return OkStatus();
    }
    case PageStyle::kLink: {
      auto link = response.headers.find("link");
      if (link == response.headers.end()) {
        done_ = true;
        return OkStatus();
      }
      ASSIGN_OR_RETURN(std::string target, NextLink(link->second));
      if (target.empty()) {
        done_ = true;
        return OkStatus();
      }
      std::string next = ResolveUrl(url, target);
      if (OriginOf(next) != OriginOf(url)) {
        return InvalidArgumentError(
            "the Link rel=\"next\" points to another origin ({}); it is not followed with this "
            "source's credentials",
            OriginOf(next).empty() ? "not http(s)" : OriginOf(next));
      }
      if (!seen_.insert(next).second) {
        return InvalidArgumentError(
            "the Link rel=\"next\" repeats {}: its pagination does not "
            "advance",
            Redacted(next));
      }
      next_url_ = std::move(next);
      return OkStatus();
    }
    case PageStyle::kNone:
      break;
  }
  return OkStatus();
}

}  // namespace cairn::connectors::http
