#include "workflow/evidence.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace cairn::workflow {
namespace {

using engine::Value;
using ::testing::HasSubstr;

Step Check(std::string id, std::vector<std::string> uses, std::string sql) {
  Step step;
  step.id = std::move(id);
  step.kind = StepKind::kCheck;
  step.title = step.id;
  step.uses = std::move(uses);
  step.needs = step.uses;
  step.sql = std::move(sql);
  return step;
}

Evidence MakeEvidence(std::string step, std::vector<std::string> columns,
                      std::vector<std::vector<Value>> rows) {
  Evidence evidence;
  evidence.step = std::move(step);
  evidence.sql = "SELECT * FROM somewhere";
  evidence.columns = std::move(columns);
  evidence.rows = std::move(rows);
  evidence.label = "public";
  evidence.ledger_seq = 7;
  return evidence;
}

Evidence Holds(bool all_released) {
  return MakeEvidence(
      "holds", {"hold_id", "reason", "released_at"},
      {{Value::Integer(1), Value::Text("customs exam"), Value::Text("2026-12-01T09:00:00Z")},
       {Value::Integer(2), Value::Text("documents"),
        all_released ? Value::Text("2026-12-02T11:00:00Z") : Value::Null()}});
}

std::map<std::string, Evidence> HoldsEvidence(bool all_released) {
  return {{"holds", Holds(all_released)}};
}

CaseParams Params() {
  CaseParams params;
  params.inputs = {{"container_no", "MSCU1234567"}};
  params.now = "2026-12-04T10:00:00Z";
  return params;
}

CheckResult Run(const std::string& sql, const std::map<std::string, Evidence>& evidence) {
  return EvaluateCheck(Check("check", {"holds"}, sql), evidence, Params());
}

CheckResult RunOnHolds(const std::string& sql) { return Run(sql, HoldsEvidence(false)); }

constexpr char kHoldReleased[] =
    "SELECT count(*) = 0 AS pass, count(*) || ' open hold(s)' AS reason "
    "FROM holds WHERE released_at IS NULL";

// ---- JSON ---------------------------------------------------------------------------------

TEST(EvidenceJsonTest, RoundTripsEveryValueType) {
  Evidence evidence = MakeEvidence(
      "holds", {"i", "r", "t", "b", "n"},
      {{Value::Integer(std::numeric_limits<int64_t>::max()), Value::Real(1.0),
        Value::Text("Müller ✓"), Value::Blob(std::string("\x00\xff\x10", 3)), Value::Null()},
       {Value::Integer(std::numeric_limits<int64_t>::min()),
        Value::Real(std::numeric_limits<double>::infinity()), Value::Text(""), Value::Blob(""),
        Value::Null()},
       {Value::Integer(0), Value::Real(-std::numeric_limits<double>::infinity()), Value::Text("x"),
        Value::Blob("a"), Value::Null()},
       {Value::Integer(-1), Value::Real(0.1), Value::Text("y"), Value::Blob("b"), Value::Null()}});
  evidence.reads = {"tos.holds.hold_id", "tos.holds.reason"};
  evidence.label = "internal";
  evidence.ledger_seq = 42;

  const std::string text = evidence.ToJson().dump();
  // A real with no fraction keeps its point; infinities are objects, blobs hex.
  EXPECT_THAT(text, HasSubstr("[9223372036854775807,1.0,\"Müller ✓\",{\"blob\":\"00ff10\"},null]"));
  EXPECT_THAT(text, HasSubstr("{\"real\":\"inf\"}"));
  EXPECT_THAT(text, HasSubstr("{\"real\":\"-inf\"}"));
  EXPECT_THAT(text, HasSubstr("\"ledger_seq\":42"));

  Result<Evidence> back = Evidence::FromJson(nlohmann::json::parse(text));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->step, evidence.step);
  EXPECT_EQ(back->sql, evidence.sql);
  EXPECT_EQ(back->columns, evidence.columns);
  EXPECT_EQ(back->rows, evidence.rows);
  EXPECT_EQ(back->label, evidence.label);
  EXPECT_EQ(back->reads, evidence.reads);
  EXPECT_EQ(back->ledger_seq, 42);
  EXPECT_EQ(back->rows[0][1].type, Value::Type::kReal);
  EXPECT_EQ(back->rows[0][0].type, Value::Type::kInteger);
}

TEST(EvidenceJsonTest, RoundTripsNaN) {
  Evidence evidence = MakeEvidence("s", {"r"}, {{Value::Real(std::nan(""))}});
  const nlohmann::ordered_json json = evidence.ToJson();
  EXPECT_EQ(json["rows"][0][0].dump(), R"({"real":"nan"})");
  Result<Evidence> back = Evidence::FromJson(nlohmann::json::parse(json.dump()));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->rows[0][0].type, Value::Type::kReal);
  EXPECT_TRUE(std::isnan(back->rows[0][0].real));
}

TEST(EvidenceJsonTest, AcceptsOrderedJsonAndDefaultsOptionalFields) {
  Result<Evidence> evidence = Evidence::FromJson(
      nlohmann::json::parse(R"({"step":"s","columns":["a"],"rows":[[1],[2.5],["x"]]})"));
  ASSERT_TRUE(evidence.ok()) << evidence.status().ToString();
  EXPECT_EQ(evidence->ledger_seq, -1);
  EXPECT_EQ(evidence->sql, "");
  EXPECT_TRUE(evidence->reads.empty());
  EXPECT_EQ(evidence->rows[1][0], Value::Real(2.5));

  const Evidence original = Holds(false);
  Result<Evidence> from_ordered = Evidence::FromJson(original.ToJson());
  ASSERT_TRUE(from_ordered.ok()) << from_ordered.status().ToString();
  EXPECT_EQ(from_ordered->rows, original.rows);
}

TEST(EvidenceJsonTest, InvalidUtf8TextBecomesReplacementCharacters) {
  const Evidence evidence = MakeEvidence("s", {"t"},
                                         {{Value::Text("a\xff"
                                                       "b")}});
  const std::string text = evidence.ToJson().dump();  // must not throw
  Result<Evidence> back = Evidence::FromJson(nlohmann::json::parse(text));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->rows[0][0], Value::Text("a\xEF\xBF\xBD"
                                          "b"));
}

TEST(EvidenceJsonTest, MalformedJsonNamesTheField) {
  const auto error = [](const char* text) {
    Result<Evidence> evidence = Evidence::FromJson(nlohmann::json::parse(text));
    EXPECT_FALSE(evidence.ok()) << text;
    EXPECT_EQ(evidence.status().code(), StatusCode::kInvalidArgument) << text;
    return evidence.status().message();
  };
  EXPECT_THAT(error("[]"), HasSubstr("expected a JSON object"));
  EXPECT_THAT(error(R"({"columns":[],"rows":[]})"), HasSubstr("missing 'step'"));
  EXPECT_THAT(error(R"({"step":1,"columns":[],"rows":[]})"), HasSubstr("'step' must be a string"));
  EXPECT_THAT(error(R"({"step":"s","rows":[]})"), HasSubstr("missing 'columns'"));
  EXPECT_THAT(error(R"({"step":"s","columns":["a",2],"rows":[]})"), HasSubstr("'columns[1]'"));
  EXPECT_THAT(error(R"({"step":"s","columns":["a"]})"), HasSubstr("missing 'rows'"));
  EXPECT_THAT(error(R"({"step":"s","columns":["a"],"rows":[[1,2]]})"),
              HasSubstr("'rows[0]' has 2 values for 1 columns"));
  EXPECT_THAT(error(R"({"step":"s","columns":["a"],"rows":[[1],[true]]})"),
              HasSubstr("'rows[1][0]' must be null, a number"));
  EXPECT_THAT(error(R"({"step":"s","columns":["a"],"rows":[[{"blob":"0g"}]]})"),
              HasSubstr("'rows[0][0]': a blob must be hex"));
  EXPECT_THAT(error(R"({"step":"s","columns":["a"],"rows":[[{"real":"infinity"}]]})"),
              HasSubstr("'rows[0][0]': a real must be"));
  EXPECT_THAT(error(R"({"step":"s","columns":["a"],"rows":[[18446744073709551615]]})"),
              HasSubstr("'rows[0][0]': integer 18446744073709551615 is out of the 64-bit range"));
  EXPECT_THAT(error(R"({"step":"s","columns":[],"rows":[],"ledger_seq":"7"})"),
              HasSubstr("'ledger_seq' must be an integer"));
  EXPECT_THAT(error(R"({"step":"s","columns":[],"rows":[],"reads":"x"})"),
              HasSubstr("'reads' must be an array"));
}

TEST(CheckResultJsonTest, RoundTripsAndNamesBadFields) {
  CheckResult result{"hold_released", Outcome::kFail, "1 open hold(s)", {"holds"}};
  const std::string text = result.ToJson().dump();
  EXPECT_EQ(text, R"json({"step":"hold_released","outcome":"fail","reason":"1 open hold(s)",)json"
                  R"json("uses":["holds"]})json");
  Result<CheckResult> back = CheckResult::FromJson(nlohmann::json::parse(text));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->step, "hold_released");
  EXPECT_EQ(back->outcome, Outcome::kFail);
  EXPECT_EQ(back->reason, "1 open hold(s)");
  EXPECT_EQ(back->uses, std::vector<std::string>{"holds"});

  Result<CheckResult> bad =
      CheckResult::FromJson(nlohmann::json::parse(R"({"step":"x","outcome":"maybe"})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("'outcome'"));
  EXPECT_THAT(bad.status().message(), HasSubstr("unknown outcome 'maybe'"));
  bad = CheckResult::FromJson(nlohmann::json::parse(R"({"outcome":"pass"})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("missing 'step'"));
  bad = CheckResult::FromJson(nlohmann::json::parse(R"({"step":"x","outcome":"pass","uses":[1]})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("'uses[0]'"));
}

TEST(NamesTest, OutcomesAndVerdictsRoundTrip) {
  for (const Outcome outcome : {Outcome::kPass, Outcome::kFail, Outcome::kUnknown}) {
    Result<Outcome> parsed = ParseOutcome(OutcomeName(outcome));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, outcome);
  }
  EXPECT_EQ(OutcomeName(Outcome::kPass), "pass");
  EXPECT_EQ(OutcomeName(Outcome::kFail), "fail");
  EXPECT_EQ(OutcomeName(Outcome::kUnknown), "unknown");
  EXPECT_EQ(ParseOutcome("PASS").status().code(), StatusCode::kInvalidArgument);

  for (const Verdict verdict : {Verdict::kApprove, Verdict::kReject, Verdict::kNone}) {
    Result<Verdict> parsed = ParseVerdict(VerdictName(verdict));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, verdict);
  }
  EXPECT_EQ(VerdictName(Verdict::kApprove), "approve");
  EXPECT_EQ(VerdictName(Verdict::kReject), "reject");
  EXPECT_EQ(VerdictName(Verdict::kNone), "none");
  Result<Verdict> bad = ParseVerdict("maybe");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("unknown verdict 'maybe'"));

  const Recommendation recommendation{Verdict::kReject, "failed: a"};
  EXPECT_EQ(recommendation.ToJson().dump(), R"({"verdict":"reject","reason":"failed: a"})");
}

// ---- checks -------------------------------------------------------------------------------

TEST(EvaluateCheckTest, PassesWithTheReasonColumn) {
  const CheckResult result = EvaluateCheck(Check("hold_released", {"holds"}, kHoldReleased),
                                           HoldsEvidence(true), Params());
  EXPECT_EQ(result.step, "hold_released");
  EXPECT_EQ(result.outcome, Outcome::kPass);
  EXPECT_EQ(result.reason, "0 open hold(s)");
  EXPECT_EQ(result.uses, std::vector<std::string>{"holds"});
}

TEST(EvaluateCheckTest, FailsWithTheReasonColumn) {
  const CheckResult result = EvaluateCheck(Check("hold_released", {"holds"}, kHoldReleased),
                                           HoldsEvidence(false), Params());
  EXPECT_EQ(result.outcome, Outcome::kFail);
  EXPECT_EQ(result.reason, "1 open hold(s)");
}

TEST(EvaluateCheckTest, DefaultReasonsAndPassValues) {
  const auto expect = [](const std::string& sql, Outcome outcome, const std::string& reason) {
    const CheckResult result = RunOnHolds(sql);
    EXPECT_EQ(result.outcome, outcome) << sql << ": " << result.reason;
    EXPECT_EQ(result.reason, reason) << sql;
  };
  expect("SELECT 1 AS pass", Outcome::kPass, "passed");
  expect("SELECT 0 AS pass", Outcome::kFail, "failed");
  expect("SELECT 7 AS PASS", Outcome::kPass, "passed");
  expect("SELECT 0.5 AS pass", Outcome::kPass, "passed");
  expect("SELECT 0.0 AS pass", Outcome::kFail, "failed");
  expect("SELECT 'true' AS pass", Outcome::kPass, "passed");
  expect("SELECT 'FALSE' AS pass", Outcome::kFail, "failed");
  expect("SELECT NULL AS pass", Outcome::kUnknown, "unknown: pass was NULL");
  expect("SELECT NULL AS pass, 'no invoice found' AS reason", Outcome::kUnknown,
         "no invoice found");
  expect("SELECT 1 AS pass, NULL AS reason", Outcome::kPass, "passed");
  expect("SELECT 0 AS pass, 42 AS Reason", Outcome::kFail, "42");
  expect("SELECT 'maybe' AS pass", Outcome::kUnknown,
         "unknown: pass was the text 'maybe', not a boolean");
  expect("SELECT x'00' AS pass", Outcome::kUnknown, "unknown: pass was a blob, not a boolean");
  // Only the first row decides.
  expect("SELECT hold_id = 1 AS pass FROM holds ORDER BY hold_id", Outcome::kPass, "passed");
  // A trailing semicolon and comment are not a second statement.
  expect("SELECT 1 AS pass; -- done\n  ;", Outcome::kPass, "passed");
}

TEST(EvaluateCheckTest, NoRowIsUnknown) {
  const CheckResult result = RunOnHolds("SELECT 1 AS pass FROM holds WHERE hold_id > 99");
  EXPECT_EQ(result.outcome, Outcome::kUnknown);
  EXPECT_EQ(result.reason, "the check returned no row");
}

TEST(EvaluateCheckTest, SqlErrorIsUnknownWithTheMessage) {
  CheckResult result = RunOnHolds("SELECT nope AS pass FROM holds");
  EXPECT_EQ(result.outcome, Outcome::kUnknown);
  EXPECT_EQ(result.reason, "check error: no such column: nope");

  result = RunOnHolds("SELEC 1 AS pass");
  EXPECT_EQ(result.outcome, Outcome::kUnknown);
  EXPECT_THAT(result.reason, HasSubstr("check error: near \"SELEC\": syntax error"));

  result = RunOnHolds("SELECT 1 AS ok");
  EXPECT_EQ(result.outcome, Outcome::kUnknown);
  EXPECT_EQ(result.reason, "check error: the check returns no column named 'pass'");

  result = RunOnHolds("  -- nothing\n");
  EXPECT_EQ(result.outcome, Outcome::kUnknown);
  EXPECT_EQ(result.reason, "check error: the check has no SQL statement");

  // A double-quoted misspelt column is an error, not the string "nope".
  result = RunOnHolds(R"(SELECT "nope" = 'nope' AS pass FROM holds)");
  EXPECT_EQ(result.outcome, Outcome::kUnknown);
  EXPECT_EQ(result.reason, "check error: no such column: nope");
}

TEST(EvaluateCheckTest, MissingEvidenceIsUnknownNamingTheStep) {
  const CheckResult result =
      EvaluateCheck(Check("paid", {"holds", "invoices"}, "SELECT 1 AS pass FROM holds, invoices"),
                    HoldsEvidence(true), Params());
  EXPECT_EQ(result.outcome, Outcome::kUnknown);
  EXPECT_EQ(result.reason, "no evidence from step 'invoices'");
  EXPECT_EQ(result.uses, (std::vector<std::string>{"holds", "invoices"}));
}

TEST(EvaluateCheckTest, OnlyReadsAreAuthorized) {
  for (const char* sql : {
           "INSERT INTO holds VALUES (3, 'x', NULL)",
           "UPDATE holds SET released_at = 'now'",
           "DELETE FROM holds",
           "DROP TABLE holds",
           "CREATE TABLE t (x)",
           "CREATE TEMP TABLE t (x)",
           "CREATE TEMP VIEW v AS SELECT 1 AS pass",
           "ATTACH DATABASE '/tmp/cairn_evidence_test.db' AS other",
           "DETACH DATABASE main",
           "PRAGMA table_info(holds)",
           "PRAGMA writable_schema = 1",
           "SELECT load_extension('libcairn_nothing') AS pass",
           "BEGIN",
           "WITH x AS (SELECT 1) INSERT INTO holds SELECT 9, 'x', NULL FROM x",
       }) {
    const CheckResult result = RunOnHolds(sql);
    EXPECT_EQ(result.outcome, Outcome::kUnknown) << sql;
    EXPECT_THAT(result.reason, HasSubstr("check error: not authorized")) << sql;
  }
  // The evidence is unchanged afterwards (each evaluation has its own database anyway).
  EXPECT_EQ(RunOnHolds("SELECT count(*) = 2 AS pass FROM holds").outcome, Outcome::kPass);
}

TEST(EvaluateCheckTest, OnlyOneStatement) {
  for (const char* sql : {"SELECT 1 AS pass; SELECT 0 AS pass",
                          "SELECT 1 AS pass; DROP TABLE holds", "SELECT 1 AS pass; garbage"}) {
    const CheckResult result = RunOnHolds(sql);
    EXPECT_EQ(result.outcome, Outcome::kUnknown) << sql;
    EXPECT_EQ(result.reason, "check error: the check must be a single SQL statement") << sql;
  }
}

TEST(EvaluateCheckTest, RecursionIsAllowedButTimeCapped) {
  EXPECT_EQ(RunOnHolds("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                       "WHERE i < 10) SELECT sum(i) = 55 AS pass FROM n")
                .outcome,
            Outcome::kPass);
  const CheckResult result = RunOnHolds(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
      "SELECT max(i) > 0 AS pass FROM n");
  EXPECT_EQ(result.outcome, Outcome::kUnknown);
  EXPECT_EQ(result.reason, "check error: the check ran longer than 2 s");
}

TEST(EvaluateCheckTest, HugeValuesAreRefused) {
  const CheckResult result = RunOnHolds("SELECT length(zeroblob(500000000)) > 0 AS pass");
  EXPECT_EQ(result.outcome, Outcome::kUnknown);
  EXPECT_THAT(result.reason, HasSubstr("too big"));
}

TEST(EvaluateCheckTest, BindsInputsNowAndToday) {
  CheckResult result = RunOnHolds(
      "SELECT :container_no = 'MSCU1234567' AND :now = '2026-12-04T10:00:00Z' "
      "AND :today = '2026-12-04' AS pass, :container_no || ' ' || :today AS reason");
  EXPECT_EQ(result.outcome, Outcome::kPass) << result.reason;
  EXPECT_EQ(result.reason, "MSCU1234567 2026-12-04");

  result = RunOnHolds("SELECT @container_no = $container_no AS pass");
  EXPECT_EQ(result.outcome, Outcome::kPass) << result.reason;

  result = RunOnHolds("SELECT :vessel = 'x' AS pass");
  EXPECT_EQ(result.outcome, Outcome::kUnknown);
  EXPECT_EQ(result.reason, "check error: unknown parameter :vessel");

  result = RunOnHolds("SELECT ? = 'x' AS pass");
  EXPECT_EQ(result.outcome, Outcome::kUnknown);
  EXPECT_THAT(result.reason, HasSubstr("check error: parameter 1 has no name"));
}

TEST(EvaluateCheckTest, JoinsTwoEvidenceTables) {
  std::map<std::string, Evidence> evidence = HoldsEvidence(true);
  evidence["invoices"] = MakeEvidence(
      "invoices", {"invoice_no", "hold_id", "amount", "paid"},
      {{Value::Text("INV-1"), Value::Integer(1), Value::Real(120.5), Value::Integer(1)},
       {Value::Text("INV-2"), Value::Integer(2), Value::Real(99.5), Value::Integer(0)}});
  const Step check = Check("invoice_paid", {"holds", "invoices"},
                           "SELECT count(*) = 0 AS pass, "
                           "coalesce(group_concat(i.invoice_no || ' (' || h.reason || ')'), "
                           "'all paid') AS reason "
                           "FROM holds h JOIN invoices i ON i.hold_id = h.hold_id "
                           "WHERE NOT i.paid");
  const CheckResult result = EvaluateCheck(check, evidence, Params());
  EXPECT_EQ(result.outcome, Outcome::kFail);
  EXPECT_EQ(result.reason, "INV-2 (documents)");
  EXPECT_EQ(result.uses, (std::vector<std::string>{"holds", "invoices"}));

  const Step total =
      Check("total", {"invoices"}, "SELECT sum(amount) = 220.0 AS pass FROM invoices");
  EXPECT_EQ(EvaluateCheck(total, evidence, Params()).outcome, Outcome::kPass);
}

TEST(EvaluateCheckTest, KeepsValueTypes) {
  std::map<std::string, Evidence> evidence = {
      {"t", MakeEvidence("t", {"i", "r", "s", "b", "n"},
                         {{Value::Integer(1), Value::Real(1.0), Value::Text("1"),
                           Value::Blob(std::string("\x00\x01", 2)), Value::Null()}})}};
  const CheckResult result = EvaluateCheck(
      Check("types", {"t"},
            "SELECT typeof(i) = 'integer' AND typeof(r) = 'real' AND typeof(s) = 'text' AND "
            "typeof(b) = 'blob' AND length(b) = 2 AND typeof(n) = 'null' AS pass FROM t"),
      evidence, Params());
  EXPECT_EQ(result.outcome, Outcome::kPass) << result.reason;
}

TEST(EvaluateCheckTest, DuplicateAndEmptyColumnNamesAreMadeUnique) {
  std::map<std::string, Evidence> evidence = {
      {"t", MakeEvidence("t", {"x", "x", "X", "", "we\"ird"},
                         {{Value::Integer(1), Value::Integer(2), Value::Integer(3),
                           Value::Integer(4), Value::Integer(5)}})}};
  const CheckResult result = EvaluateCheck(
      Check("dups", {"t"},
            R"(SELECT x = 1 AND x_2 = 2 AND X_3 = 3 AND "column" = 4 AND "we""ird" = 5 AS pass )"
            "FROM t"),
      evidence, Params());
  EXPECT_EQ(result.outcome, Outcome::kPass) << result.reason;
}

TEST(EvaluateCheckTest, MalformedEvidenceIsUnknown) {
  std::map<std::string, Evidence> evidence = {
      {"t", MakeEvidence("t", {"a", "b"}, {{Value::Integer(1)}})}};
  const CheckResult result =
      EvaluateCheck(Check("c", {"t"}, "SELECT 1 AS pass FROM t"), evidence, Params());
  EXPECT_EQ(result.outcome, Outcome::kUnknown);
  EXPECT_EQ(result.reason, "check error: evidence from step 't': row 1 has 1 values for 2 columns");
}

TEST(EvaluateCheckTest, EmptyEvidenceAndNonCheckSteps) {
  std::map<std::string, Evidence> evidence = {{"holds", MakeEvidence("holds", {"hold_id"}, {})}};
  EXPECT_EQ(EvaluateCheck(Check("c", {"holds"}, "SELECT count(*) = 0 AS pass FROM holds"), evidence,
                          Params())
                .outcome,
            Outcome::kPass);
  Step query = Check("q", {"holds"}, "SELECT 1 AS pass");
  query.kind = StepKind::kQuery;
  const CheckResult result = EvaluateCheck(query, evidence, Params());
  EXPECT_EQ(result.outcome, Outcome::kUnknown);
  EXPECT_EQ(result.reason, "step 'q' is not a check");
}

TEST(EvaluateCheckTest, SimilarityFunctions) {
  std::map<std::string, Evidence> evidence = {
      {"names",
       MakeEvidence("names", {"bl", "delivery"},
                    {{Value::Text("Nordic Trading GmbH"), Value::Text("NORDIC TRDG GMBH")}})}};
  CheckResult result = EvaluateCheck(
      Check("consignee", {"names"},
            "SELECT similarity(bl, delivery) > 0.85 AS pass, normalize_name(bl) AS reason "
            "FROM names"),
      evidence, Params());
  EXPECT_EQ(result.outcome, Outcome::kPass) << result.reason;
  EXPECT_EQ(result.reason, "gmbh nordic trading");

  result = EvaluateCheck(Check("nulls", {"names"},
                               "SELECT similarity(bl, NULL) IS NULL AND similarity(NULL, bl) IS "
                               "NULL AND normalize_name(NULL) IS NULL AND "
                               "similarity('Müller', 'mueller') = 1.0 AS pass FROM names"),
                         evidence, Params());
  EXPECT_EQ(result.outcome, Outcome::kPass) << result.reason;
}

// ---- recommendations ----------------------------------------------------------------------

Definition FourChecks() {
  Definition definition;
  definition.name = "container_release";
  definition.approve_when = {"hold_released", "invoice_paid", "do_valid", "consignee"};
  return definition;
}

std::map<std::string, CheckResult> Outcomes(std::vector<std::pair<std::string, Outcome>> outcomes) {
  std::map<std::string, CheckResult> checks;
  for (const auto& [id, outcome] : outcomes) checks[id] = CheckResult{id, outcome, "", {}};
  return checks;
}

TEST(RecommendTest, ApprovesWhenEveryRequiredCheckPassed) {
  const Recommendation recommendation =
      Recommend(FourChecks(), Outcomes({{"hold_released", Outcome::kPass},
                                        {"invoice_paid", Outcome::kPass},
                                        {"do_valid", Outcome::kPass},
                                        {"consignee", Outcome::kPass},
                                        {"advisory", Outcome::kFail}}));  // not required
  EXPECT_EQ(recommendation.verdict, Verdict::kApprove);
  EXPECT_EQ(recommendation.reason, "every required check passed (4)");
}

TEST(RecommendTest, RejectsWhenAnyFailed) {
  Recommendation recommendation =
      Recommend(FourChecks(), Outcomes({{"hold_released", Outcome::kFail},
                                        {"invoice_paid", Outcome::kFail},
                                        {"do_valid", Outcome::kPass},
                                        {"consignee", Outcome::kPass}}));
  EXPECT_EQ(recommendation.verdict, Verdict::kReject);
  EXPECT_EQ(recommendation.reason, "failed: hold_released, invoice_paid");

  recommendation = Recommend(FourChecks(), Outcomes({{"hold_released", Outcome::kPass},
                                                     {"invoice_paid", Outcome::kFail},
                                                     {"do_valid", Outcome::kUnknown}}));
  EXPECT_EQ(recommendation.verdict, Verdict::kReject);
  EXPECT_EQ(recommendation.reason, "failed: invoice_paid; unknown: do_valid; not run: consignee");
}

TEST(RecommendTest, NoneWhenSomeUnknownOrMissing) {
  Recommendation recommendation =
      Recommend(FourChecks(), Outcomes({{"hold_released", Outcome::kPass},
                                        {"invoice_paid", Outcome::kPass},
                                        {"do_valid", Outcome::kUnknown},
                                        {"consignee", Outcome::kPass}}));
  EXPECT_EQ(recommendation.verdict, Verdict::kNone);
  EXPECT_EQ(recommendation.reason, "unknown: do_valid");

  recommendation = Recommend(FourChecks(), Outcomes({{"hold_released", Outcome::kPass},
                                                     {"invoice_paid", Outcome::kPass},
                                                     {"do_valid", Outcome::kPass}}));
  EXPECT_EQ(recommendation.verdict, Verdict::kNone);
  EXPECT_EQ(recommendation.reason, "not run: consignee");

  recommendation = Recommend(Definition{}, Outcomes({{"x", Outcome::kPass}}));
  EXPECT_EQ(recommendation.verdict, Verdict::kNone);
  EXPECT_EQ(recommendation.reason, "no check is required");
}

// ---- digests ------------------------------------------------------------------------------

Definition Ordered() {
  Definition definition;
  definition.order = {"holds", "invoices", "hold_released", "review"};
  return definition;
}

Evidence Invoices() {
  return MakeEvidence(
      "invoices", {"invoice_no", "amount"},
      {{Value::Text("INV-1"), Value::Real(120.5)}, {Value::Text("INV-2"), Value::Real(1.0)}});
}

TEST(EvidenceDigestTest, CanonicalForm) {
  EXPECT_EQ(EvidenceDigest(Ordered(), {}),
            "4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945");  // "[]"
  // SHA-256 of [{"step":"holds","columns":["a","b"],"rows":[[1,1.0],[null,{"blob":"00ff"}],
  // ["x",{"real":"-inf"}]]}]
  std::map<std::string, Evidence> evidence = {
      {"holds",
       MakeEvidence("holds", {"a", "b"},
                    {{Value::Integer(1), Value::Real(1.0)},
                     {Value::Null(), Value::Blob(std::string("\x00\xff", 2))},
                     {Value::Text("x"), Value::Real(-std::numeric_limits<double>::infinity())}})}};
  EXPECT_EQ(EvidenceDigest(Ordered(), evidence),
            "731ba51b6267e5200c5f5db73aea2d06bc3b21513f3fbfc52e272e65a25b0c2b");
}

TEST(EvidenceDigestTest, IgnoresInsertionOrderLedgerAndQueryDetails) {
  std::map<std::string, Evidence> first;
  first.emplace("holds", Holds(false));
  first.emplace("invoices", Invoices());

  std::map<std::string, Evidence> second;
  Evidence invoices = Invoices();
  invoices.ledger_seq = 991;
  invoices.sql = "SELECT invoice_no, amount FROM finance.invoices";
  invoices.label = "confidential";
  invoices.reads = {"finance.invoices.amount"};
  second.emplace("invoices", invoices);
  Evidence holds = Holds(false);
  holds.ledger_seq = 990;
  second.emplace("holds", holds);
  // A step that is not in the definition's order is not part of the digest.
  second.emplace("stray", MakeEvidence("stray", {"x"}, {{Value::Integer(1)}}));

  const std::string digest = EvidenceDigest(Ordered(), first);
  EXPECT_EQ(digest.size(), 64u);
  EXPECT_EQ(digest, EvidenceDigest(Ordered(), second));
}

TEST(EvidenceDigestTest, ChangesWithAnyValue) {
  std::map<std::string, Evidence> evidence = {{"holds", Holds(false)}, {"invoices", Invoices()}};
  const std::string digest = EvidenceDigest(Ordered(), evidence);

  std::map<std::string, Evidence> changed = evidence;
  changed["invoices"].rows[1][1] = Value::Real(1.5);
  EXPECT_NE(EvidenceDigest(Ordered(), changed), digest);

  changed = evidence;
  changed["invoices"].rows[1][1] = Value::Integer(1);  // 1 is not 1.0
  EXPECT_NE(EvidenceDigest(Ordered(), changed), digest);

  changed = evidence;
  changed["holds"].columns[2] = "released";
  EXPECT_NE(EvidenceDigest(Ordered(), changed), digest);

  changed = evidence;
  changed["holds"].rows.pop_back();
  EXPECT_NE(EvidenceDigest(Ordered(), changed), digest);

  changed = evidence;
  changed.erase("invoices");
  EXPECT_NE(EvidenceDigest(Ordered(), changed), digest);

  // The order is the definition's.
  Definition reversed = Ordered();
  reversed.order = {"invoices", "holds"};
  EXPECT_NE(EvidenceDigest(reversed, evidence), digest);
}

// ---- names --------------------------------------------------------------------------------

TEST(NormalizeNameTest, FoldsTransliteratesAndSortsWords) {
  EXPECT_EQ(NormalizeName("  Nordic   Trading, GmbH. "), "gmbh nordic trading");
  EXPECT_EQ(NormalizeName("Müller Logistik"), "logistik mueller");
  EXPECT_EQ(NormalizeName("MÜLLER-LOGISTIK"), "logistik mueller");
  EXPECT_EQ(NormalizeName("Straße Ærø Ålesund"), "aero alesund strasse");
  EXPECT_EQ(NormalizeName("Crème Brûlée Ñandú Çava Øst"), "brulee cava creme nandu ost");
  EXPECT_EQ(NormalizeName("Łódź Škoda"), "lodz skoda");
  EXPECT_EQ(NormalizeName("A.B/C\u00a0d\u2013e"), "a b c d e");
  EXPECT_EQ(NormalizeName("Москва Port"), "port Москва");  // kept as its bytes
  EXPECT_EQ(NormalizeName("ab\xff"), "ab\xff");
  EXPECT_EQ(NormalizeName("b a a"), "a a b");
  EXPECT_EQ(NormalizeName(""), "");
  EXPECT_EQ(NormalizeName(" !!! "), "");
}

TEST(NameSimilarityTest, FuzzyNameMatches) {
  EXPECT_GT(NameSimilarity("Nordic Trading GmbH", "NORDIC TRDG GMBH"), 0.85);
  EXPECT_DOUBLE_EQ(NameSimilarity("Müller Logistik", "Mueller Logistik"), 1.0);
  EXPECT_DOUBLE_EQ(NameSimilarity("Nordic Trading GmbH", "GmbH, Trading Nordic"), 1.0);
  EXPECT_LT(NameSimilarity("Nordic Trading GmbH", "Evergreen Marine"), 0.6);
  EXPECT_LT(NameSimilarity("Hapag Lloyd", "Zhongshan Ports Co"), 0.6);
  EXPECT_LT(NameSimilarity("Kuehne Nagel", "Rotterdam Cargo BV"), 0.6);
  // Jaro-Winkler gives unrelated multi-word names around 0.3-0.7 (shared letters, spaces, a
  // shared first letter): never near a match threshold such as 0.85.
  const std::vector<std::string> names = {
      "Nordic Trading GmbH", "Baltic Shipping AS", "Hapag Lloyd",         "Zhongshan Ports Co",
      "Mueller Logistik",    "Kuehne Nagel",       "Acme Imports Inc",    "Hamburg Sued",
      "Evergreen Marine",    "Rotterdam Cargo BV", "Atlantic Freight Ltd"};
  for (size_t i = 0; i < names.size(); ++i) {
    for (size_t j = i + 1; j < names.size(); ++j) {
      EXPECT_LT(NameSimilarity(names[i], names[j]), 0.75) << names[i] << " | " << names[j];
    }
  }
  EXPECT_DOUBLE_EQ(NameSimilarity("", ""), 1.0);
  EXPECT_DOUBLE_EQ(NameSimilarity("...", " "), 1.0);
  EXPECT_DOUBLE_EQ(NameSimilarity("", "x"), 0.0);
  EXPECT_DOUBLE_EQ(NameSimilarity("x", "--"), 0.0);
  const double s = NameSimilarity("Maersk Line", "Mærsk Line");
  EXPECT_GT(s, 0.9);
  EXPECT_LE(s, 1.0);
}

TEST(NameSimilarityTest, JaroWinklerReferenceValues) {
  // Classic values (single words, so sorting does not change them).
  EXPECT_NEAR(NameSimilarity("MARTHA", "MARHTA"), 0.9611, 1e-4);
  EXPECT_NEAR(NameSimilarity("DWAYNE", "DUANE"), 0.84, 1e-4);
  EXPECT_NEAR(NameSimilarity("DIXON", "DICKSONX"), 0.8133, 1e-4);
  EXPECT_DOUBLE_EQ(NameSimilarity("abc", "xyz"), 0.0);
}

}  // namespace
}  // namespace cairn::workflow
