#pragma once

// A workflow definition: the YAML file that says how one business decision is made — which
// evidence is gathered (queries through the engine as the workflow's principal), which checks
// are asserted over it, what is recommended, who decides, and what a decision does.
//
//   name: container_release
//   description: Release an import container from the terminal
//   principal: release-bot            # whose session gathers the evidence (grants, masks apply)
//   inputs:
//     container_no: {pattern: "[A-Z]{4}[0-9]{7}", description: ISO 6346 container number}
//   steps:
//     - id: holds
//       kind: query
//       title: Customs holds
//       sql: SELECT hold_id, reason, released_at FROM customs.holds WHERE container_no =
//       :container_no
//     - id: hold_released
//       kind: check
//       title: Customs hold released
//       uses: [holds]
//       sql: |
//         SELECT count(*) = 0 AS pass,
//                count(*) || ' open hold(s)' AS reason
//         FROM holds WHERE released_at IS NULL
//     - id: advice
//       kind: llm                      # optional; skipped when cairn.yaml has no llm endpoint
//       uses: [holds]
//       prompt: Should this container be released?
//     - id: review
//       kind: decide
//       role: customs_agent            # who decides a case that waits for a human
//     - id: release
//       kind: action
//       when: approve                  # approve (default) or reject
//       sink: {outbox: releases.sqlite}            # or {webhook: "http://127.0.0.1:9000/x"}
//   recommend:
//     approve_when: [hold_released]    # the checks that must pass; default: every check
//   ladder:                            # promotion criteria; defaults shown in LadderCriteria
//     min_cases: 50
//
// Rules checked by ParseDefinition (each error names file:line:column and the dotted key, e.g.
// "workflows/release.yaml:12:7: steps[2].uses[0]: unknown step 'hold'"):
//   * name: [a-z][a-z0-9_]{0,62}; principal: required; step ids: [a-z][a-z0-9_]{0,62}, unique;
//     input names: [a-z][a-z0-9_]{0,62}, unique, not "now" or "today" (bound by the runner);
//   * unknown keys are errors (a typo is never ignored);
//   * query steps need `sql`; check steps need `sql` and a non-empty `uses` naming query or llm
//     steps; llm steps need `prompt` and `uses`; decide steps need `role`; action steps need a
//     sink (exactly one of outbox / webhook; webhook URLs http:// or https://);
//   * `needs` (explicit dependencies) and `uses` name existing steps; the graph they form is
//     acyclic (a cycle is reported with its path, "a -> b -> a");
//   * at most one decide step; every action step comes after it (needs it, directly or not —
//     the parser adds that dependency itself); an action without a decide step is an error;
//   * recommend.approve_when names check steps;
//   * a query's `:name` parameters name inputs (or now/today).
//
// Versions. A definition's version is the SHA-256 (hex) of its canonical JSON (ToJson(), keys
// in a fixed order, no whitespace): editing comments or layout does not make a new version;
// changing any meaning does.
//
// Thread-safety: plain values.

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "core/status.h"

namespace cairn::workflow {

enum class StepKind { kQuery, kCheck, kLlm, kDecide, kAction };
std::string_view StepKindName(StepKind kind);  // "query", "check", "llm", "decide", "action"

// The trust ladder, lowest first.
enum class Level { kObserve = 0, kSuggest = 1, kAutoWithExceptions = 2, kAutonomous = 3 };
std::string_view LevelName(Level level);  // "observe", "suggest", "auto_with_exceptions", ...
Result<Level> ParseLevel(std::string_view name);  // InvalidArgument naming the valid levels

struct InputSpec {
  std::string name;
  std::string description;
  // An ECMAScript regular expression the whole value must match; empty for any non-empty text.
  std::string pattern;
  bool required = true;
  ConfigMark mark;
};

struct ActionSink {
  enum class Kind { kOutbox, kWebhook };
  Kind kind = Kind::kOutbox;
  // Outbox: an SQLite file (relative paths resolve against the definition's directory when
  // loaded from a file, else as given). Webhook: the URL.
  std::string target;
  int64_t timeout_ms = 5000;
};

struct Step {
  std::string id;
  StepKind kind = StepKind::kQuery;
  std::string title;  // defaults to the id
  ConfigMark mark;    // of the step's mapping
  // Direct dependencies: explicit `needs`, plus `uses`, plus (for actions) the decide step.
  std::vector<std::string> needs;
  std::string sql;                // query: over the sources; check: over the evidence tables
  std::vector<std::string> uses;  // check, llm: the steps whose rows are its evidence
  std::string prompt;             // llm
  std::string role;               // decide
  std::string when = "approve";   // action: the decision that triggers it
  ActionSink sink;                // action
};

struct LadderCriteria {
  // Promotion out of a level needs at least this many human-decided cases at that level...
  int64_t min_cases = 50;
  // ...an agreement of the recommendation with the human at least this high...
  double min_agreement = 0.98;
  // ...and, when true, no case the human rejected that the recommendation would have approved.
  bool forbid_rejected_disagreement = true;
  // Share of automatically decided cases (auto_with_exceptions, autonomous) still sent to a
  // human for a sampled review, chosen deterministically from the case id.
  double review_sample_rate = 0.1;
  // Automatic demotion: among the last `review_window` sampled reviews, a disagreement share
  // above `max_review_disagreement` moves the version down one level.
  int64_t review_window = 20;
  double max_review_disagreement = 0.1;
};

struct Definition {
  std::string name;
  std::string description;
  std::string principal;
  std::vector<InputSpec> inputs;
  std::vector<Step> steps;                // in file order
  std::vector<std::string> order;         // a topological order of step ids (ties in file order)
  std::vector<std::string> approve_when;  // check ids; every check when not written
  LadderCriteria ladder;
  std::string file;     // where it was read from (for messages); may be empty
  std::string text;     // the YAML as written
  std::string version;  // SHA-256 hex of ToJson().dump()

  const Step* FindStep(std::string_view id) const;
  const Step* DecideStep() const;  // nullptr when there is none
  // The canonical JSON: every field that has a meaning (not file, text, marks or version).
  nlohmann::ordered_json ToJson() const;
};

// Parses `text` as the contents of `file` (used in messages and to resolve outbox paths).
// InvalidArgument with file:line:column and the dotted key for any violation above.
Result<Definition> ParseDefinition(const std::string& text, const std::filesystem::path& file);
// Reads and parses a file. NotFound if it does not exist.
Result<Definition> LoadDefinition(const std::filesystem::path& file);

}  // namespace cairn::workflow
