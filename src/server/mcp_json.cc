// JSON-RPC plumbing, the argument validator and the untrusted-data envelope of the MCP door.

#include <cctype>
#include <cmath>
#include <string>

#include "server/common.h"
#include "server/mcp_internal.h"

namespace cairn::server::mcp {

namespace {

std::string Quoted(const std::string& path) {
  return path.empty() ? "arguments" : "'" + path + "'";
}

std::string Join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

bool IsIntegral(const Json& value) {
  if (value.is_number_integer()) return true;
  if (!value.is_number_float()) return false;
  const double d = value.get<double>();
  return std::isfinite(d) && std::trunc(d) == d;
}

bool TypeMatches(const std::string& type, const Json& value) {
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "string") return value.is_string();
  if (type == "boolean") return value.is_boolean();
  if (type == "null") return value.is_null();
  if (type == "integer") return IsIntegral(value);
  if (type == "number") return value.is_number();
  return false;
}

std::string Article(const std::string& type) {
  return (type == "object" || type == "array" || type == "integer") ? "an " + type : "a " + type;
}

// Unicode code points of a UTF-8 string (continuation bytes not counted).
size_t CodePoints(const std::string& text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

// Neutralizes a closing envelope tag inside wrapped text, in any letter case.
std::string NeutralizeClosingTag(std::string_view text) {
  static constexpr std::string_view kTag = "</untrusted-data";
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '<' && text.size() - i >= kTag.size()) {
      bool match = true;
      for (size_t k = 1; k < kTag.size() && match; ++k) {
        match = std::tolower(static_cast<unsigned char>(text[i + k])) == kTag[k];
      }
      if (match) {
        out += "&lt;";
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

}  // namespace

bool SupportedVersion(std::string_view version) {
  return version == "2025-11-25" || version == "2025-06-18" || version == "2025-03-26";
}

Json ErrorResponse(const Json& id, int code, std::string_view message, const Json& data) {
  Json error = {{"code", code}, {"message", std::string(message)}};
  if (!data.is_null()) error["data"] = data;
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}};
}

Json ResultResponse(const Json& id, Json result) {
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

std::optional<Json> ParseMessage(std::string_view text, Json* error) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: ..." -> from "parse".
    const size_t start = what.find("] ");
    if (start != std::string::npos) what = what.substr(start + 2);
    *error = ErrorResponse(nullptr, kParseError, "Parse error: " + what);
    return std::nullopt;
  } catch (const std::exception& e) {
    *error = ErrorResponse(nullptr, kParseError, std::string("Parse error: ") + e.what());
    return std::nullopt;
  }
}

std::string Dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string Validate(const Json& schema, const Json& value, const std::string& path) {
  if (schema.contains("type")) {
    const Json& type = schema["type"];
    bool matches = false;
    std::string wanted;
    if (type.is_string()) {
      matches = TypeMatches(type.get<std::string>(), value);
      wanted = Article(type.get<std::string>());
    } else if (type.is_array()) {
      for (const Json& t : type) {
        if (!t.is_string()) continue;
        matches = matches || TypeMatches(t.get<std::string>(), value);
        wanted += (wanted.empty() ? "" : " or ") + Article(t.get<std::string>());
      }
    }
    if (!matches) return Quoted(path) + " must be " + wanted;
  }
  if (schema.contains("enum")) {
    bool found = false;
    for (const Json& option : schema["enum"]) found = found || option == value;
    if (!found) return Quoted(path) + " must be one of " + Dump(schema["enum"]);
  }
  if (value.is_string()) {
    const size_t length = CodePoints(value.get_ref<const std::string&>());
    if (schema.contains("minLength") && length < schema["minLength"].get<size_t>()) {
      return schema["minLength"].get<size_t>() == 1
                 ? Quoted(path) + " must not be empty"
                 : Quoted(path) + " must have at least " + schema["minLength"].dump() +
                       " characters";
    }
    if (schema.contains("maxLength") && length > schema["maxLength"].get<size_t>()) {
      return Quoted(path) + " must have at most " + schema["maxLength"].dump() + " characters";
    }
  }
  if (value.is_number()) {
    if (schema.contains("minimum") && value.get<double>() < schema["minimum"].get<double>()) {
      return Quoted(path) + " must be at least " + schema["minimum"].dump();
    }
    if (schema.contains("maximum") && value.get<double>() > schema["maximum"].get<double>()) {
      return Quoted(path) + " must be at most " + schema["maximum"].dump();
    }
  }
  if (value.is_array()) {
    if (schema.contains("minItems") && value.size() < schema["minItems"].get<size_t>()) {
      return Quoted(path) + " must have at least " + schema["minItems"].dump() + " items";
    }
    if (schema.contains("maxItems") && value.size() > schema["maxItems"].get<size_t>()) {
      return Quoted(path) + " must have at most " + schema["maxItems"].dump() + " items";
    }
    if (schema.contains("items")) {
      for (size_t i = 0; i < value.size(); ++i) {
        std::string error =
            Validate(schema["items"], value[i], path + "[" + std::to_string(i) + "]");
        if (!error.empty()) return error;
      }
    }
  }
  if (value.is_object()) {
    const std::string noun = path.empty() ? "argument" : "field";
    if (schema.contains("required")) {
      for (const Json& name : schema["required"]) {
        if (!value.contains(name.get<std::string>())) {
          return "missing required " + noun + " '" + Join(path, name.get<std::string>()) + "'";
        }
      }
    }
    const Json* properties =
        schema.contains("properties") ? &schema["properties"] : static_cast<const Json*>(nullptr);
    const bool closed = schema.contains("additionalProperties") &&
                        schema["additionalProperties"].is_boolean() &&
                        !schema["additionalProperties"].get<bool>();
    for (const auto& [key, item] : value.items()) {
      if (properties != nullptr && properties->contains(key)) {
        std::string error = Validate((*properties)[key], item, Join(path, key));
        if (!error.empty()) return error;
      } else if (closed) {
        std::string allowed;
        if (properties != nullptr) {
          for (const auto& [name, unused] : properties->items()) {
            allowed += (allowed.empty() ? "" : ", ") + name;
          }
        }
        return "unexpected " + noun + " '" + Join(path, key) + "'" +
               (allowed.empty() ? " (this tool takes no arguments)"
                                : " (allowed: " + allowed + ")");
      }
    }
  }
  return "";
}

std::string WrapUntrusted(std::string_view label, std::string_view text) {
  std::string out = "<untrusted-data label=\"" + std::string(label) + "\">\n";
  out += kUntrustedNotice;
  out += "\n";
  out += NeutralizeClosingTag(text);
  out += "\n</untrusted-data>";
  return out;
}

Json EnvelopeResult(std::string_view label, Json data) {
  // The text says what structuredContent says once: the tag its label, the notice line its
  // notice, then the data. "</" can only occur inside JSON strings, where "<\/" is the same
  // string.
  std::string json = Dump(data);
  std::string escaped;
  escaped.reserve(json.size());
  for (size_t i = 0; i < json.size(); ++i) {
    escaped += json[i];
    if (json[i] == '<' && i + 1 < json.size() && json[i + 1] == '/') escaped += '\\';
  }
  return Json{
      {"content", Json::array({{{"type", "text"}, {"text", WrapUntrusted(label, escaped)}}})},
      {"structuredContent",
       {{"untrusted", true},
        {"label", std::string(label)},
        {"notice", kUntrustedNotice},
        {"data", std::move(data)}}},
      {"isError", false}};
}

Json ErrorResult(const Status& status) {
  const std::string code(ErrorCode(status.code()));
  Json structured = {{"error", {{"code", code}, {"message", status.message()}}}};
  return Json{
      {"content",
       Json::array({{{"type", "text"}, {"text", "Error [" + code + "]: " + status.message()}}})},
      {"structuredContent", std::move(structured)},
      {"isError", true}};
}

}  // namespace cairn::server::mcp
