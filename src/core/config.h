#pragma once

// The configuration file, cairn.yaml.
//
//   version: 1
//   limits: {max_rows: 1000000, timeout_ms: 30000, max_memory_mb: 512}
//   policy: policy.yaml            # grants, filters, masks, labels, sinks (policy module)
//   sources:
//     tos:      {kind: sqlite, path: data/tos.sqlite}
//     customs:  {kind: csv, path: data/customs}
//     ledger:   {kind: postgres, host: 127.0.0.1, dbname: erp, user: cairn,
//                password: "${ERP_PASSWORD}"}
//   llm:                           # optional: an OpenAI-compatible chat endpoint (workflows)
//     url: http://127.0.0.1:8080/v1
//     model: qwen2.5-7b-instruct
//     api_key: "${LLM_API_KEY}"    # optional; only as an ${ENV_VAR} reference
//     timeout_ms: 30000
//   context:                       # optional: how discovery reads names
//     lexicon:                     # translations, so that `lehrer_id` names `instructors`
//       forward: /usr/share/dictd/freedict-deu-eng    # two dictd dictionaries, one each way
//       backward: /usr/share/dictd/freedict-eng-deu
//   state:                         # optional: the state in PostgreSQL (default:
//   .cairn/state.sqlite)
//     url: postgres://cairn@127.0.0.1:5432/cairn
//     password: "${CAIRN_STATE_PASSWORD}"   # optional; only as an ${ENV_VAR} reference
//
// Guarantees:
//   * Every error names the file, line and column (1-based) and the dotted key, e.g.
//     "cairn.yaml:7:5: sources.tos.kind: unknown source kind 'oracle'".
//   * Values are kept as written. `${NAME}` references are expanded only by
//     SourceConfig::Get() (and, for the llm section, workflow::ResolveLlm()), so secrets never
//     sit in a Config that might be printed or stored.
//   * Which option keys a source kind accepts is checked by the connector registry, not here.
//   * Secrets (a source kind's secret options, llm.api_key) are refused unless written as one
//     `${NAME}` reference.
//
// Thread-safety: plain values; safe to share once loaded.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace cairn {

// Where something was written in the configuration file.
struct ConfigMark {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown.
  int column = 0;  // 1-based; 0 when unknown.

  // "cairn.yaml:7:5".
  std::string ToString() const;
};

struct OptionField;

// One option of a source, as written: a scalar, a list of scalars, or a mapping. Only a kind
// whose option spec asks for a mapping accepts one (the registry checks); the kind then reads
// the fields itself, naming each by its dotted key and mark in errors.
struct OptionValue {
  std::string scalar;             // when neither is_list nor is_map
  std::vector<std::string> list;  // when is_list
  bool is_list = false;
  std::vector<OptionField> fields;  // when is_map, in the order written (keys unique)
  bool is_map = false;
  ConfigMark mark;
};

// One key of a mapping option and its value (`tables: {orders: {path: /orders}}`).
struct OptionField {
  std::string key;
  ConfigMark key_mark;
  OptionValue value;
};

struct SourceConfig {
  std::string name;
  std::string kind;
  ConfigMark mark;                             // of the source's key
  std::filesystem::path base_dir;              // directory of the config file
  std::map<std::string, OptionValue> options;  // every key except `kind`

  bool Has(const std::string& key) const { return options.count(key) > 0; }

  // The option's scalar value with `${NAME}` references expanded from the environment.
  // NotFound if absent (and no default); InvalidArgument if it is a list or references an
  // unset variable. Errors carry the option's mark and dotted key.
  Result<std::string> Get(const std::string& key) const;
  Result<std::string> GetOr(const std::string& key, const std::string& fallback) const;
  Result<int64_t> GetInt(const std::string& key, int64_t fallback) const;
  // A path option resolved against base_dir.
  Result<std::filesystem::path> GetPath(const std::string& key) const;
  // A list option (a scalar counts as a one-element list); fallback when absent.
  Result<std::vector<std::string>> GetList(const std::string& key,
                                           std::vector<std::string> fallback) const;

  // An error located at `key` (or at the source when the key is absent):
  // "cairn.yaml:9:7: sources.tos.path: <message>".
  Status ErrorAt(const std::string& key, StatusCode code, const std::string& message) const;
};

// Per-query limits enforced by the engine.
struct Limits {
  int64_t max_rows = 1'000'000;
  int64_t timeout_ms = 60'000;
  int64_t max_memory_bytes = 512ll << 20;
};

// The LLM endpoint of cairn.yaml's `llm:` section (an OpenAI-compatible chat API). Values are
// as written; workflow::ResolveLlm() expands `${NAME}` references when the endpoint is used.
// ParseConfig guarantees: url non-empty and starting with http:// or https://, model
// non-empty, api_key empty or exactly one `${NAME}` reference, timeout_ms positive.
struct LlmSettings {
  std::string url;  // the API base, e.g. http://127.0.0.1:8080/v1
  std::string model;
  std::string api_key;  // as written: "${VAR}", or empty for none
  int64_t timeout_ms = 30000;
  ConfigMark mark;  // of the `llm` key
};

// The `context:` section: what discovery reads names with. A lexicon is two dictd
// dictionaries, one each way (context/lexicon.h), named by their paths without suffix,
// relative to the configuration file's directory. ParseConfig guarantees both or neither.
struct ContextSettings {
  std::filesystem::path lexicon_forward;  // empty: no lexicon
  std::filesystem::path lexicon_backward;
  ConfigMark lexicon_mark;  // of the `lexicon` key
};

// Where the state lives when it is not the embedded SQLite file: a PostgreSQL database shared by
// every node. ParseConfig guarantees: url starts with postgres:// or postgresql:// and carries no
// password; password empty or exactly one `${NAME}` reference (expanded when the state opens).
struct StateSettings {
  std::string url;
  std::string password;  // as written: "${VAR}", or empty (libpq's PGPASSWORD / ~/.pgpass)
  ConfigMark mark;       // of the `state` key (or "--state" when set on the command line)
};

// Checks a state URL as ParseConfig does; InvalidArgument saying what is wrong.
Status CheckStateUrl(const std::string& url);

struct Config {
  std::filesystem::path file;       // absolute path of cairn.yaml
  std::filesystem::path state_dir;  // .cairn/ beside it
  // The access policy (key `policy`, relative to this file); policy.yaml beside it by default.
  // A missing file means default deny for everyone but the administrator.
  std::filesystem::path policy_file;
  Limits limits;
  std::vector<SourceConfig> sources;
  std::optional<LlmSettings> llm;      // absent when cairn.yaml has no (or an empty) `llm:` section
  std::optional<StateSettings> state;  // absent: the embedded state in state_dir
  ContextSettings context;

  const SourceConfig* FindSource(const std::string& name) const;
};

// Parses `text` as the contents of `file` (used in error messages and to resolve paths).
Result<Config> ParseConfig(const std::string& text, const std::filesystem::path& file);
// Reads and parses a file. NotFound if it does not exist.
Result<Config> LoadConfig(const std::filesystem::path& file);

// Expands `${NAME}` references in `value` from the environment. InvalidArgument naming the
// variable when one is unset or a reference is unterminated.
Result<std::string> ExpandEnv(const std::string& value);

// True if `name` is usable as a source name: [A-Za-z_][A-Za-z0-9_]*, at most 63 chars, and not
// a name SQLite reserves for its own schemas (main, temp).
bool IsValidSourceName(const std::string& name);

}  // namespace cairn
