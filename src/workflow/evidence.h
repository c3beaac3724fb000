#pragma once

// Evidence and the checks over it. A query step's rows become Evidence (with the label of the
// result and the ledger sequence of the query that read them); a check step is an SQL SELECT
// evaluated over the evidence of the steps it `uses`, each loaded as a table named by the step
// id into a private in-memory SQLite database that can reach nothing else (no sources, no
// files: ATTACH, writes and load_extension are refused). The check's first row decides:
//   pass  1 / true -> kPass; 0 -> kFail; NULL -> kUnknown   (a column named `pass` is required)
//   reason  optional text, the why shown to the reviewer (a default is written when absent)
// No row -> kUnknown ("the check returned no row"); an SQL error -> kUnknown with the error as
// the reason (a broken check never passes).
//
// Parameters bound in checks (and in query steps, by the runner): every input as `:name`,
// `:now` (the case's as-of time, ISO-8601 UTC "2026-12-04T10:00:00Z") and `:today`
// ("2026-12-04"), so a replay of the same evidence gives the same outcome on any day.
//
// Functions available to checks: similarity(a, b) -> REAL in [0, 1], the Jaro-Winkler
// similarity of the two texts after normalisation (case folded, punctuation and runs of white
// space become one space, the words sorted; NULL if either is NULL), for fuzzy matches such as
// a consignee's name on the bill of lading against the delivery order; normalize_name(a) ->
// that normalised text.
//
// Digests: EvidenceDigest() is the SHA-256 (hex) of the canonical JSON of a case's evidence in
// step order (columns, typed values; not the ledger sequences or times), so re-running a case
// on unchanged sources gives the same digest.
//
// Thread-safety: plain values and free functions; an Evaluator is used by one thread.

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "engine/session.h"
#include "workflow/definition.h"

namespace cairn::workflow {

struct Evidence {
  std::string step;  // the step id
  std::string sql;   // the query as run (query steps)
  std::vector<std::string> columns;
  std::vector<std::vector<engine::Value>> rows;
  std::string label;               // the result's classification ("public", ...)
  std::vector<std::string> reads;  // "source.table.column" the query read
  int64_t ledger_seq = -1;         // the ledger entry of the query; -1 when not recorded

  // {"step","sql","columns","rows","label","reads","ledger_seq"}; values typed: integers and
  // reals as JSON numbers (reals always with a fraction or exponent), text as strings, NULL as
  // null, blobs as {"blob": hex}, infinities and NaN as {"real": "inf"|"-inf"|"nan"}.
  nlohmann::ordered_json ToJson() const;
  // The inverse; InvalidArgument naming the field when malformed.
  static Result<Evidence> FromJson(const nlohmann::json& json);
};

enum class Outcome { kPass, kFail, kUnknown };
std::string_view OutcomeName(Outcome outcome);  // "pass", "fail", "unknown"
Result<Outcome> ParseOutcome(std::string_view name);

struct CheckResult {
  std::string step;
  Outcome outcome = Outcome::kUnknown;
  std::string reason;
  std::vector<std::string> uses;  // the evidence steps it read (their rows are shown with it)

  nlohmann::ordered_json ToJson() const;  // {"step","outcome","reason","uses"}
  static Result<CheckResult> FromJson(const nlohmann::json& json);
};

enum class Verdict { kApprove, kReject, kNone };
std::string_view VerdictName(Verdict verdict);  // "approve", "reject", "none"
Result<Verdict> ParseVerdict(std::string_view name);

struct Recommendation {
  Verdict verdict = Verdict::kNone;
  std::string reason;  // e.g. "every required check passed" / "failed: hold_released, ..."
  nlohmann::ordered_json ToJson() const;  // {"verdict","reason"}
};

// The bound parameters of a case: its inputs plus now/today.
struct CaseParams {
  std::map<std::string, std::string> inputs;
  std::string now;  // ISO-8601 UTC
  std::string today() const { return now.substr(0, 10); }
};

// Evaluates `check` (a kCheck step) over `evidence` (by step id; must hold every step the check
// uses — a missing one makes the outcome kUnknown naming it). Never fails: errors become
// kUnknown with the reason.
CheckResult EvaluateCheck(const Step& check, const std::map<std::string, Evidence>& evidence,
                          const CaseParams& params);

// Approve when every check of `definition.approve_when` passed, reject when any of them
// failed, none otherwise (some unknown or missing).
Recommendation Recommend(const Definition& definition,
                         const std::map<std::string, CheckResult>& checks);

// SHA-256 hex of the canonical evidence (see above), in `definition.order`.
std::string EvidenceDigest(const Definition& definition,
                           const std::map<std::string, Evidence>& evidence);

// Jaro-Winkler similarity after normalisation (as the SQL function similarity()).
double NameSimilarity(std::string_view a, std::string_view b);
std::string NormalizeName(std::string_view text);

}  // namespace cairn::workflow
