#pragma once

// HTML building blocks of the reviewer web UI (server/ui.h): the one escaping function every
// value from a source, a case, a definition or a user goes through, URL segments, the page
// frame with its navigation, and the stylesheet served at /ui/style.css.
//
// Rule of the UI files: a value that did not come from a string literal in this code reaches
// the page only through Escape() (text and attribute values alike, attributes always in double
// quotes) or, inside a URL, through UrlSegment(). The frame refers to nothing outside this
// server: no script, no font, no image, no CDN.
//
// Thread-safety: every function is reentrant.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::server::ui {

using Json = nlohmann::ordered_json;

// `text` as HTML text or a double-quoted attribute value: & < > " ' become entities; invalid
// UTF-8 and control characters other than tab, newline and carriage return become U+FFFD (a
// NUL or a stray byte from a source must neither break the page nor hide what follows it).
std::string Escape(std::string_view text);

// Whether `text` is well-formed UTF-8 (what a form field must be before it is stored).
bool IsUtf8(std::string_view text);

// `text` percent-encoded for one URL path segment (everything but A-Z a-z 0-9 - . _ ~).
std::string UrlSegment(std::string_view text);

// A JSON value as the text a reviewer reads: strings as they are, null as "", numbers and
// booleans as JSON writes them, objects and arrays as compact JSON. Not escaped.
std::string Text(const Json& value);

// object[key], or null when `object` is not an object or has no `key` (pages never throw on a
// shape they did not expect: they show less).
const Json& At(const Json& object, std::string_view key);
// Text(At(object, key)).
std::string Field(const Json& object, std::string_view key);

// The first 12 characters of a content hash, for tables (the full hash goes in a title).
std::string ShortHash(std::string_view hash);

// Who is looking at a page, and what the page may offer them.
struct Viewer {
  std::string id;
  std::string kind;  // "person" | "agent"
  std::vector<std::string> roles;
  // This session's CSRF token for the forms of the page (empty for bearer-token callers,
  // whose requests carry no ambient credential and need none).
  std::string csrf;
  bool signed_in_with_cookie = false;
  bool HasRole(std::string_view role) const;
};

// A complete page: doctype, head (title, the stylesheet), the navigation with the viewer and
// a sign-out form (when `viewer` is given), an optional flash message, then `body` (HTML).
std::string Frame(std::string_view title, const Viewer* viewer, std::string_view flash,
                  std::string_view body);

// <input type="hidden" name="csrf" value="..."> for the viewer's forms ("" without a token).
std::string CsrfField(const Viewer& viewer);

// A badge for an outcome or a status: <span class="badge badge-CLASS">TEXT</span>, where
// CLASS is `text` when it is one of the known states and "other" otherwise.
std::string Badge(std::string_view text);

// The stylesheet (/ui/style.css).
std::string_view StyleSheet();

}  // namespace cairn::server::ui
