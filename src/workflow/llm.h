#pragma once

// The LLM endpoint of workflows' llm steps: an OpenAI-compatible chat completions API
// (llama.cpp's server, vLLM, Ollama's /v1, a hosted API), configured by cairn.yaml's `llm:`
// section (core/config.h, LlmSettings).
//
// Complete() POSTs <url>/chat/completions with
//   {"model": <model>, "messages": [{"role": "system", "content": <system>},
//                                   {"role": "user", "content": <user>}], "temperature": 0}
// (invalid UTF-8 in the texts is replaced by U+FFFD), "Authorization: Bearer <api_key>" when a
// key is set, and returns choices[0].message.content. Temperature 0 asks for the most
// deterministic answer the server gives; it is still advice, never evidence.
//
// Anything taken from the sources that goes into a prompt must be wrapped with
// WrapUntrusted(), so the model can tell data from instructions and no data can close the
// envelope early.
//
// Error codes of Complete():
//   kInvalidArgument     a malformed URL, a non-positive timeout or cap.
//   kUnavailable         the endpoint cannot be reached or timed out, answered a status other
//                        than 2xx ("llm endpoint <url>: HTTP <status>: <first 200 bytes>"), or
//                        answered something that is not a chat completion
//                        ("llm endpoint <url>: malformed response: <why>").
//   kResourceExhausted   the response is over max_response_bytes.
// Messages name the endpoint URL, never the API key.
//
// Thread-safety: every function is reentrant.

#include <cstdint>
#include <string>

#include "core/config.h"
#include "core/status.h"

namespace cairn::workflow {

struct LlmConfig {
  std::string url;  // the API base, e.g. http://127.0.0.1:8080/v1 (no trailing /chat/...)
  std::string model;
  std::string api_key;  // expanded; empty for none
  int64_t timeout_ms = 30000;
  int64_t max_response_bytes = 1 << 20;
};

// The endpoint of `settings` with its `${NAME}` references (in url, model and api_key)
// expanded from the environment. InvalidArgument naming the configuration mark, the dotted key
// and the variable when one is unset ("cairn.yaml:12:1: llm.api_key: environment variable
// LLM_KEY is not set"), or when the expanded URL is malformed.
Result<LlmConfig> ResolveLlm(const LlmSettings& settings);

// Asks the endpoint for a completion; see above.
Result<std::string> Complete(const LlmConfig& config, const std::string& system,
                             const std::string& user);

// `text` in the untrusted-data envelope of the MCP door (server/mcp_json.cc), without its
// notice:
//   <untrusted-data label="LABEL">\nTEXT\n</untrusted-data>
// Inside TEXT, every '<' that starts "</untrusted-data" (in any letter case) is written
// "&lt;", so the data cannot close the envelope; nothing else changes. In LABEL, '"', '<', '>'
// and '&' are written as character references.
std::string WrapUntrusted(const std::string& label, const std::string& text);

}  // namespace cairn::workflow
