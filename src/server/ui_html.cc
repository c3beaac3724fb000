#include "server/ui_html.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

namespace cairn::server::ui {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The length of the valid UTF-8 sequence starting at text[i] (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), or 0 if it is not one. Sets `code_point`.
size_t Utf8Sequence(std::string_view text, size_t i, uint32_t* code_point) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  size_t length;
  uint32_t cp;
  if (lead < 0x80) {
    *code_point = lead;
    return 1;
  } else if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    cp = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    cp = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    cp = lead & 0x07;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  const bool overlong = (length == 3 && cp < 0x800) || (length == 4 && cp < 0x10000);
  if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  *code_point = cp;
  return length;
}

// The entity of a character HTML gives meaning to in text or a quoted attribute, else null.
const std::string_view* Entity(char c) {
  static constexpr std::pair<char, std::string_view> kEntities[] = {
      {'&', "&amp;"}, {'<', "&lt;"}, {'>', "&gt;"}, {'"', "&quot;"}, {'\'', "&#39;"}};
  for (const auto& [character, entity] : kEntities) {
    if (character == c) return &entity;
  }
  return nullptr;
}

}  // namespace

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (size_t i = 0; i < text.size();) {
    uint32_t cp = 0;
    const size_t length = Utf8Sequence(text, i, &cp);
    if (length == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    if (length > 1) {
      // C1 controls (U+0080..U+009F) are as unwelcome in a page as C0 ones.
      if (cp <= 0x9F) {
        out += kReplacement;
      } else {
        out.append(text.substr(i, length));
      }
      i += length;
      continue;
    }
    const char c = text[i++];
    if (const std::string_view* entity = Entity(c)) {
      out += *entity;
    } else if ((static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
               c == 0x7F) {
      out += kReplacement;
    } else {
      out += c;
    }
  }
  return out;
}

bool IsUtf8(std::string_view text) {
  uint32_t cp = 0;
  for (size_t i = 0; i < text.size();) {
    const size_t length = Utf8Sequence(text, i, &cp);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::string UrlSegment(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += c;
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return out;
}

std::string Text(const Json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

const Json& At(const Json& object, std::string_view key) {
  static const Json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

std::string Field(const Json& object, std::string_view key) { return Text(At(object, key)); }

std::string ShortHash(std::string_view hash) { return std::string(hash.substr(0, 12)); }

bool Viewer::HasRole(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

std::string CsrfField(const Viewer& viewer) {
  if (viewer.csrf.empty()) return "";
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + Escape(viewer.csrf) + "\">";
}

std::string Badge(std::string_view text) {
  static constexpr std::array<std::string_view, 17> kKnown = {
      "pass",      "fail",      "unknown", "waiting",
      "running",   "actioning", "done",    "approve",
      "reject",    "skipped",   "failed",  "pending",
      "delivered", "observe",   "suggest", "auto_with_exceptions",
      "autonomous"};
  const bool known = std::find(kKnown.begin(), kKnown.end(), text) != kKnown.end();
  return fmt::format("<span class=\"badge badge-{}\">{}</span>", known ? text : "other",
                     Escape(text));
}

std::string Frame(std::string_view title, const Viewer* viewer, std::string_view flash,
                  std::string_view body) {
  std::string page =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"referrer\" content=\"no-referrer\">\n<title>" +
      Escape(title) +
      " · Cairn</title>\n<link rel=\"stylesheet\" href=\"/ui/style.css\">\n</head>\n<body>\n";
  page += "<header><nav><a class=\"brand\" href=\"/ui/\">Cairn</a>";
  if (viewer != nullptr) {
    page += "<a href=\"/ui/\">Queue</a><a href=\"/ui/workflows\">Workflows</a>";
    page += "<span class=\"who\">Signed in as <strong id=\"viewer\">" + Escape(viewer->id) +
            "</strong> (" + Escape(viewer->kind);
    for (const std::string& role : viewer->roles) page += ", " + Escape(role);
    page += ")</span>";
    if (viewer->signed_in_with_cookie) {
      page += "<form class=\"inline\" method=\"post\" action=\"/ui/logout\">" + CsrfField(*viewer) +
              "<button type=\"submit\">Sign out</button></form>";
    }
  }
  page += "</nav></header>\n<main>\n";
  if (!flash.empty()) page += "<p class=\"flash\" role=\"status\">" + Escape(flash) + "</p>\n";
  page += "<h1>" + Escape(title) + "</h1>\n";
  page += body;
  page += "\n</main>\n</body>\n</html>\n";
  return page;
}

std::string_view StyleSheet() {
  return R"css(:root { color-scheme: light; --ink: #1d2329; --muted: #5b6670; --line: #d5dbe0;
  --pass: #17663a; --pass-bg: #e3f4e9; --fail: #9b1c1c; --fail-bg: #fbe4e4;
  --unknown: #7a5a00; --unknown-bg: #fdf3d3; --accent: #1f4f7a; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
  color: var(--ink); background: #f6f8f9; }
header { background: var(--accent); color: #fff; }
nav { display: flex; gap: 1.2em; align-items: center; max-width: 78em; margin: 0 auto;
  padding: .6em 1em; flex-wrap: wrap; }
nav a { color: #fff; text-decoration: none; }
nav a.brand { font-weight: 700; letter-spacing: .04em; }
nav .who { margin-left: auto; opacity: .9; }
main { max-width: 78em; margin: 0 auto; padding: 1em; }
h1 { font-size: 1.5em; margin: .3em 0 .6em; }
h2 { font-size: 1.2em; margin: 1.4em 0 .5em; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05em; margin: .2em 0; }
table { border-collapse: collapse; background: #fff; margin: .4em 0 .8em; }
th, td { border: 1px solid var(--line); padding: .25em .5em; text-align: left;
  vertical-align: top; }
th { background: #eef2f4; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.wide { width: 100%; }
.scroll { overflow-x: auto; }
pre, code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: .9em; }
pre { background: #fff; border: 1px solid var(--line); padding: .5em; white-space: pre-wrap;
  word-break: break-word; }
.muted { color: var(--muted); }
.null { color: var(--muted); font-style: italic; }
.badge { display: inline-block; padding: 0 .5em; border-radius: .8em; font-size: .85em;
  font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.badge-pass, .badge-approve, .badge-done, .badge-delivered { color: var(--pass);
  background: var(--pass-bg); }
.badge-fail, .badge-reject, .badge-failed { color: var(--fail); background: var(--fail-bg); }
.badge-unknown, .badge-waiting, .badge-pending, .badge-skipped { color: var(--unknown);
  background: var(--unknown-bg); }
.badge-other, .badge-running, .badge-actioning, .badge-observe, .badge-suggest,
.badge-auto_with_exceptions, .badge-autonomous { color: var(--accent); background: #e6eef6; }
.check { background: #fff; border: 1px solid var(--line); border-left: 5px solid var(--line);
  padding: .6em .9em; margin: .8em 0; }
.check-pass { border-left-color: var(--pass); }
.check-fail { border-left-color: var(--fail); }
.check-unknown { border-left-color: var(--unknown); }
.evidence { margin: .6em 0 .2em 1em; }
.box { background: #fff; border: 1px solid var(--line); padding: .6em .9em; margin: .8em 0; }
.llm { border: 2px dashed #8a6d00; background: #fffbea; }
.llm .marker { font-weight: 700; color: #6b5400; text-transform: uppercase; font-size: .85em; }
.flash { background: var(--pass-bg); color: var(--pass); border: 1px solid var(--pass);
  padding: .5em .8em; }
.error { background: var(--fail-bg); color: var(--fail); border: 1px solid var(--fail);
  padding: .5em .8em; }
form.inline { display: inline; margin: 0; }
form.decide fieldset { border: 1px solid var(--line); background: #fff; }
textarea { width: 100%; min-height: 6em; font: inherit; }
input[type=password] { width: 100%; max-width: 40em; font: inherit; padding: .3em; }
button { font: inherit; padding: .3em 1em; cursor: pointer; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
)css";
}

}  // namespace cairn::server::ui
