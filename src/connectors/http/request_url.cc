#include "connectors/http/request_url.h"

#include <cctype>

namespace cairn::connectors::http {
namespace {

bool IsUnreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

void SkipSpaces(std::string_view text, size_t* pos) {
  while (*pos < text.size() && (text[*pos] == ' ' || text[*pos] == '\t')) ++*pos;
}

}  // namespace

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (IsUnreserved(u)) {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

std::string BuildUrl(const std::string& base, const std::string& path,
                     const std::vector<QueryParam>& params, bool redacted) {
  std::string url = base;
  if (!path.empty()) {
    const bool base_slash = !url.empty() && url.back() == '/';
    const bool path_slash = path.front() == '/';
    if (base_slash && path_slash) {
      url.pop_back();
    } else if (!base_slash && !path_slash && path.front() != '?') {
      url += '/';
    }
    url += path;
  }
  for (const QueryParam& param : params) {
    url += url.find('?') == std::string::npos ? '?' : '&';
    url += PercentEncode(param.name);
    url += '=';
    url += redacted && param.secret ? "***" : PercentEncode(param.value);
  }
  return url;
}

std::string RedactUrl(const std::string& url, const std::set<std::string>& secret_names) {
  const size_t question = url.find('?');
  if (question == std::string::npos || secret_names.empty()) return url;
  const size_t hash = url.find('#', question);
  const size_t end = hash == std::string::npos ? url.size() : hash;
  std::string out = url.substr(0, question + 1);
  size_t pos = question + 1;
  while (pos <= end) {
    size_t amp = url.find('&', pos);
    if (amp == std::string::npos || amp > end) amp = end;
    const std::string pair = url.substr(pos, amp - pos);
    const size_t eq = pair.find('=');
    if (eq != std::string::npos && secret_names.count(pair.substr(0, eq)) != 0) {
      out += pair.substr(0, eq + 1) + "***";
    } else {
      out += pair;
    }
    if (amp < end) out += '&';
    pos = amp + 1;
  }
  return out + url.substr(end);
}

Result<std::string> NextLink(std::string_view header) {
  size_t pos = 0;
  while (true) {
    SkipSpaces(header, &pos);
    while (pos < header.size() && header[pos] == ',') {
      ++pos;
      SkipSpaces(header, &pos);
    }
    if (pos >= header.size()) return std::string();
    if (header[pos] != '<') {
      return InvalidArgumentError("malformed Link header: expected '<' at offset {}", pos);
    }
    const size_t close = header.find('>', pos);
    if (close == std::string_view::npos) {
      return InvalidArgumentError("malformed Link header: unterminated '<'");
    }
    const std::string target(header.substr(pos + 1, close - pos - 1));
    pos = close + 1;
    bool next = false;
    // Parameters: ; name[=value|="quoted"] until ',' or the end.
    while (true) {
      SkipSpaces(header, &pos);
      if (pos >= header.size() || header[pos] == ',') break;
      if (header[pos] != ';') {
        return InvalidArgumentError("malformed Link header: expected ';' or ',' at offset {}", pos);
      }
      ++pos;
      SkipSpaces(header, &pos);
      const size_t name_begin = pos;
      while (pos < header.size() && header[pos] != '=' && header[pos] != ';' &&
             header[pos] != ',' && header[pos] != ' ') {
        ++pos;
      }
      const std::string name = AsciiLower(header.substr(name_begin, pos - name_begin));
      SkipSpaces(header, &pos);
      std::string value;
      if (pos < header.size() && header[pos] == '=') {
        ++pos;
        SkipSpaces(header, &pos);
        if (pos < header.size() && header[pos] == '"') {
          const size_t end = header.find('"', pos + 1);
          if (end == std::string_view::npos) {
            return InvalidArgumentError("malformed Link header: unterminated quoted value");
          }
          value = std::string(header.substr(pos + 1, end - pos - 1));
          pos = end + 1;
        } else {
          const size_t begin = pos;
          while (pos < header.size() && header[pos] != ';' && header[pos] != ',') ++pos;
          value = std::string(header.substr(begin, pos - begin));
          while (!value.empty() && value.back() == ' ') value.pop_back();
        }
      }
      if (name == "rel") {
        // rel may hold several space-separated relation types: rel="next last".
        size_t start = 0;
        const std::string types = AsciiLower(value);
        while (start <= types.size()) {
          size_t space = types.find(' ', start);
          if (space == std::string::npos) space = types.size();
          if (types.substr(start, space - start) == "next") next = true;
          start = space + 1;
        }
      }
    }
    if (next) return target;
  }
}

std::string ResolveUrl(const std::string& base, const std::string& reference) {
  const size_t scheme_end = reference.find("://");
  const size_t first_delimiter = reference.find_first_of("/?#");
  if (scheme_end != std::string::npos &&
      (first_delimiter == std::string::npos || scheme_end < first_delimiter)) {
    return reference;  // absolute
  }
  const size_t base_scheme_end = base.find("://");
  if (base_scheme_end == std::string::npos) return reference;
  if (reference.rfind("//", 0) == 0) return base.substr(0, base_scheme_end + 1) + reference;
  const size_t authority_end = base.find_first_of("/?#", base_scheme_end + 3);
  const std::string origin = base.substr(0, authority_end);
  if (reference.empty()) return base;
  if (reference[0] == '/') return origin + reference;
  std::string base_path = authority_end == std::string::npos ? "/" : base.substr(authority_end);
  const size_t query = base_path.find_first_of("?#");
  if (reference[0] == '?') return origin + base_path.substr(0, query) + reference;
  base_path = base_path.substr(0, query);
  return origin + base_path.substr(0, base_path.rfind('/') + 1) + reference;
}

std::string OriginOf(const std::string& url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return "";
  const std::string scheme = AsciiLower(url.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") return "";
  const size_t authority_end = url.find_first_of("/?#", scheme_end + 3);
  std::string authority = AsciiLower(url.substr(scheme_end + 3, authority_end - scheme_end - 3));
  const size_t bracket = authority.rfind(']');
  const size_t colon = authority.rfind(':');
  if (colon == std::string::npos || (bracket != std::string::npos && colon < bracket)) {
    authority += scheme == "https" ? ":443" : ":80";
  }
  return scheme + "://" + authority;
}

}  // namespace cairn::connectors::http
