#include "workflow/llm.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>
#include <vector>

#include "net/http_client.h"

namespace cairn::workflow {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kClosingTag = "</untrusted-data";

// <base>/chat/completions, keeping a query string of the base at the end.
std::string CompletionsUrl(const std::string& base) {
  const size_t query = base.find('?');
  std::string path = base.substr(0, query);
  while (!path.empty() && path.back() == '/') path.pop_back();
  path += "/chat/completions";
  if (query != std::string::npos) path += base.substr(query);
  return path;
}

Status Malformed(const std::string& url, std::string_view why) {
  return UnavailableError("llm endpoint {}: malformed response: {}", url, why);
}

Result<std::string> Expand(const LlmSettings& settings, const std::string& key,
                           const std::string& value) {
  Result<std::string> expanded = ExpandEnv(value);
  if (!expanded.ok()) {
    return InvalidArgumentError("{}: llm.{}: {}", settings.mark.ToString(), key,
                                expanded.status().message());
  }
  return expanded;
}

}  // namespace

Result<LlmConfig> ResolveLlm(const LlmSettings& settings) {
  LlmConfig config;
  ASSIGN_OR_RETURN(config.url, Expand(settings, "url", settings.url));
  ASSIGN_OR_RETURN(config.model, Expand(settings, "model", settings.model));
  ASSIGN_OR_RETURN(config.api_key, Expand(settings, "api_key", settings.api_key));
  config.timeout_ms = settings.timeout_ms;
  Result<net::Url> url = net::ParseUrl(config.url);
  if (!url.ok()) {
    return InvalidArgumentError("{}: llm.url: {}", settings.mark.ToString(),
                                url.status().message());
  }
  return config;
}

Result<std::string> Complete(const LlmConfig& config, const std::string& system,
                             const std::string& user) {
  const std::string url = CompletionsUrl(config.url);
  Json request = {{"model", config.model},
                  {"messages", Json::array({Json{{"role", "system"}, {"content", system}},
                                            Json{{"role", "user"}, {"content", user}}})},
                  {"temperature", 0}};
  // Evidence may hold bytes that are not UTF-8; they become U+FFFD rather than an error.
  const std::string body = request.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::vector<std::pair<std::string, std::string>> headers = {{"Content-Type", "application/json"},
                                                              {"Accept", "application/json"}};
  if (!config.api_key.empty()) headers.emplace_back("Authorization", "Bearer " + config.api_key);
  Result<net::HttpResponse> response =
      net::HttpPost(url, body, headers, config.timeout_ms, config.max_response_bytes);
  // (HttpPost never echoes header values, so the key stays out of messages.)
  if (!response.ok()) return response.status().WithContext("llm endpoint " + url);
  if (response->status < 200 || response->status >= 300) {
    return UnavailableError("llm endpoint {}: HTTP {}: {}", url, response->status,
                            net::BodySnippet(response->body));
  }
  Json answer = Json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (answer.is_discarded()) return Malformed(url, "the body is not JSON");
  if (!answer.is_object()) return Malformed(url, "the body is not a JSON object");
  auto choices = answer.find("choices");
  if (choices == answer.end() || !choices->is_array() || choices->empty()) {
    return Malformed(url, "no choices");
  }
  const Json& first = (*choices)[0];
  if (!first.is_object()) return Malformed(url, "choices[0] is not an object");
  auto message = first.find("message");
  if (message == first.end() || !message->is_object()) {
    return Malformed(url, "choices[0] has no message");
  }
  auto content = message->find("content");
  if (content == message->end() || !content->is_string()) {
    return Malformed(url, "choices[0].message.content is not a string");
  }
  return content->get<std::string>();
}

std::string WrapUntrusted(const std::string& label, const std::string& text) {
  std::string out = "<untrusted-data label=\"";
  for (char c : label) {
    switch (c) {
      case '"':
        out += "&quot;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      default:
        out += c;
    }
  }
  out += "\">\n";
  // The rule of server/mcp_json.cc's NeutralizeClosingTag: a '<' that starts the closing tag,
  // in any letter case, becomes "&lt;".
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '<' && text.size() - i >= kClosingTag.size()) {
      bool match = true;
      for (size_t k = 1; k < kClosingTag.size() && match; ++k) {
        match = std::tolower(static_cast<unsigned char>(text[i + k])) == kClosingTag[k];
      }
      if (match) {
        out += "&lt;";
        continue;
      }
    }
    out += text[i];
  }
  out += "\n</untrusted-data>";
  return out;
}

}  // namespace cairn::workflow
