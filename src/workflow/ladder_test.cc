// The trust ladder (promotion, automatic decisions, sampled reviews, demotion) and the
// evaluation gate of new versions.

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "workflow/workflows_testing.h"

namespace cairn::workflow {
namespace {

using namespace ::cairn::workflow::test_support;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// --- 3. the ladder ------------------------------------------------------------------------------

TEST_P(WorkflowsTest, PromotionIsRefusedWithTheFiguresAndForcingNeedsAReason) {
  Register();
  ExpectError(workflows_->Promote(As("root"), "release", false, ""), StatusCode::kPermissionDenied,
              "promotion of 'release' from observe refused: 0 human-decided cases at level "
              "observe, 50 needed");
  std::vector<LedgerRow> refused = LedgerEntries("action = 'workflow:promote'");
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_THAT(refused[0].decision, StartsWith("deny: 0 human-decided cases"));

  ExpectError(workflows_->Promote(As("alice"), "release", true, "please"),
              StatusCode::kPermissionDenied, "promote needs an administrator; 'alice' is not one");
  ExpectError(workflows_->Promote(As("root"), "release", true, ""), StatusCode::kInvalidArgument,
              "a forced promotion needs a reason");
  ExpectError(workflows_->Promote(As("root"), "nope", false, ""), StatusCode::kNotFound,
              "no workflow 'nope'");
  EXPECT_EQ(CurrentLevel(), "observe");

  Result<Json> forced = workflows_->Promote(As("root"), "release", true, "pilot at one gate");
  ASSERT_TRUE(forced.ok()) << forced.status().ToString();
  EXPECT_EQ((*forced)["level"], "suggest");
  const Json& event = (*forced)["events"].back();
  EXPECT_EQ(event["kind"], "promote");
  EXPECT_EQ(event["from"], "observe");
  EXPECT_EQ(event["to"], "suggest");
  EXPECT_EQ(event["forced"], true);
  EXPECT_EQ(event["reason"], "pilot at one gate");
  EXPECT_EQ(event["actor"], "root");
  EXPECT_EQ(event["figures"]["cases"], 0);
  std::vector<LedgerRow> entry = LedgerEntries("seq = ?", {event["ledger_seq"].get<int64_t>()});
  ASSERT_EQ(entry.size(), 1u);
  EXPECT_EQ(entry[0].action, "workflow:promote");
  EXPECT_EQ(entry[0].decision, "allow: forced: pilot at one gate");

  ExpectError(workflows_->Demote(As("alice"), "release", std::nullopt, "no"),
              StatusCode::kPermissionDenied, "demote needs an administrator");
  Result<Json> demoted = workflows_->Demote(As("root"), "release", std::nullopt, "back");
  ASSERT_TRUE(demoted.ok()) << demoted.status().ToString();
  EXPECT_EQ((*demoted)["level"], "observe");
  ExpectError(workflows_->Demote(As("root"), "release", std::nullopt, "again"),
              StatusCode::kFailedPrecondition, "already at observe");
}

TEST_P(WorkflowsTest, FiveAgreeingDecisionsPromoteWithTheFiguresRecorded) {
  Register(WithLadder("  min_cases: 5\n"));
  for (int i = 1; i <= 4; ++i) MustDecide(StartCase(Clean(i)), Verdict::kApprove);
  ExpectError(workflows_->Promote(As("root"), "release", false, ""), StatusCode::kPermissionDenied,
              "4 human-decided cases at level observe, 5 needed");
  MustDecide(StartCase(Clean(5)), Verdict::kApprove);

  Result<Json> figures = workflows_->Figures("release");
  ASSERT_TRUE(figures.ok()) << figures.status().ToString();
  EXPECT_EQ((*figures)["cases"], 5);
  EXPECT_EQ((*figures)["agree"], 5);
  EXPECT_EQ((*figures)["eligible"], true);

  Result<Json> promoted = workflows_->Promote(As("root"), "release", false, "");
  ASSERT_TRUE(promoted.ok()) << promoted.status().ToString();
  EXPECT_EQ((*promoted)["level"], "suggest");
  const Json& event = (*promoted)["events"].back();
  EXPECT_EQ(event["kind"], "promote");
  EXPECT_EQ(event["forced"], false);
  EXPECT_EQ(event["figures"]["level"], "observe");
  EXPECT_EQ(event["figures"]["cases"], 5);
  EXPECT_EQ(event["figures"]["agree"], 5);
  EXPECT_EQ(event["figures"]["agreement"], 1.0);
  EXPECT_EQ(event["figures"]["criteria"]["min_cases"], 5);
  // The stored event carries the same figures.
  std::string stored;
  ASSERT_TRUE(host_->db()
                  ->Query("SELECT figures FROM workflow_events WHERE kind = 'promote'", {},
                          [&](const store::Row& r) {
                            stored = r.Text(0);
                            return OkStatus();
                          })
                  .ok());
  EXPECT_EQ(Json::parse(stored)["cases"], 5);
  // The figures start again at the new level.
  EXPECT_EQ((*promoted)["figures"]["level"], "suggest");
  EXPECT_EQ((*promoted)["figures"]["cases"], 0);

  // At suggest the recommendation is shown to the reviewer.
  const int64_t id = StartCase(Held(1));
  Json c = MustGet(id, "alice");
  EXPECT_EQ(c["status"], "waiting");
  EXPECT_EQ(c["recommendation"]["verdict"], "reject");
  EXPECT_THAT(c["recommendation"]["reason"].get<std::string>(), HasSubstr("hold_released"));
}

TEST_P(WorkflowsTest, ARejectionTheRecommendationWouldHaveApprovedBlocksPromotion) {
  Register(WithLadder("  min_cases: 5\n  min_agreement: 0.5\n"));
  for (int i = 1; i <= 4; ++i) MustDecide(StartCase(Clean(i)), Verdict::kApprove);
  MustDecide(StartCase(Clean(5)), Verdict::kReject);
  Result<Json> figures = workflows_->Figures("release");
  ASSERT_TRUE(figures.ok());
  EXPECT_EQ((*figures)["cases"], 5);
  EXPECT_EQ((*figures)["agree"], 4);
  EXPECT_EQ((*figures)["rejected_disagree"], 1);
  ExpectError(workflows_->Promote(As("root"), "release", false, ""), StatusCode::kPermissionDenied,
              "refused: 1 case(s) the human rejected were recommended for approval");
  EXPECT_EQ(CurrentLevel(), "observe");
}

// --- 4. automatic decisions and sampled reviews ------------------------------------------------

TEST_P(WorkflowsTest, AutoWithExceptionsDecidesCleanCasesAndLeavesExceptionsToAHuman) {
  Register(WithLadder("  review_sample_rate: 0\n"));
  ForcePromote(2);
  ASSERT_EQ(CurrentLevel(), "auto_with_exceptions");

  const int64_t clean = StartCase(Clean(1));
  Json c = MustGet(clean);
  EXPECT_EQ(c["status"], "done") << c.dump();
  EXPECT_EQ(c["level"], "auto_with_exceptions");
  EXPECT_EQ(c["decision"]["verdict"], "approve");
  EXPECT_EQ(c["decision"]["kind"], "auto");
  EXPECT_EQ(c["decision"]["by"], "workflow:release");
  EXPECT_TRUE(c["decision"]["ledger_seq"].is_number_integer());
  EXPECT_EQ(c["review"]["required"], false);
  EXPECT_EQ(Outbox(), 1);
  std::vector<LedgerRow> decided =
      LedgerEntries("action = 'case:decide' AND subject LIKE ?", {fmt::format("case {} %", clean)});
  ASSERT_EQ(decided.size(), 1u);
  EXPECT_EQ(decided[0].principal, "workflow:release");
  EXPECT_EQ(decided[0].decision, "approve: automatic at level auto_with_exceptions");

  const int64_t held = StartCase(Held(1));
  Json h = MustGet(held, "alice");
  EXPECT_EQ(h["status"], "waiting");
  EXPECT_TRUE(h["decision"].is_null());
  EXPECT_EQ(h["recommendation"]["verdict"], "reject");
  EXPECT_EQ(Step(h, "hold_released")["check"]["outcome"], "fail");
  MustDecide(held, Verdict::kReject);
  EXPECT_EQ(Outbox(), 1);
}

TEST_P(WorkflowsTest, AutonomousSamplesEveryCaseAndDisagreeingReviewsDemote) {
  Register(WithLadder("  review_sample_rate: 1.0\n  max_review_disagreement: 0.25\n"));
  ForcePromote(3);
  ASSERT_EQ(CurrentLevel(), "autonomous");
  ExpectError(workflows_->Promote(As("root"), "release", true, "higher"),
              StatusCode::kFailedPrecondition, "already autonomous");

  const int64_t a = StartCase(Clean(1));
  const int64_t b = StartCase(Clean(2));
  const int64_t held = StartCase(Held(1));
  for (int64_t id : {a, b, held}) {
    Json c = MustGet(id);
    EXPECT_EQ(c["status"], "done") << c.dump();
    EXPECT_EQ(c["decision"]["kind"], "auto");
    EXPECT_EQ(c["review"]["required"], true);
  }
  EXPECT_EQ(MustGet(held)["decision"]["verdict"], "reject");
  EXPECT_EQ(Outbox(), 2);
  Result<Json> queue = workflows_->ListCases(As("alice"), "release", "", true, 10);
  ASSERT_TRUE(queue.ok());
  ASSERT_EQ(queue->size(), 3u);
  // Newest first, each with its checks' outcomes counted: the held case fails one.
  EXPECT_EQ((*queue)[0]["id"], held);
  EXPECT_EQ((*queue)[0]["checks"]["fail"], 1) << (*queue)[0].dump();
  EXPECT_EQ((*queue)[1]["checks"]["fail"], 0);
  EXPECT_EQ((*queue)[1]["checks"]["unknown"], 0);
  EXPECT_GE((*queue)[1]["checks"]["pass"], 3);

  ExpectError(workflows_->Review(As("agent-7"), a, Verdict::kApprove, "fine"),
              StatusCode::kPermissionDenied, "agents may start and read cases, never review");
  ExpectError(workflows_->Review(As("alice"), a, Verdict::kApprove, ""),
              StatusCode::kInvalidArgument, "a review needs a reason");
  ExpectError(workflows_->Decide(As("alice"), a, Verdict::kApprove, "late"),
              StatusCode::kFailedPrecondition, "is not waiting for a decision");

  ASSERT_TRUE(workflows_->Review(As("alice"), a, Verdict::kApprove, "right").ok());
  ASSERT_TRUE(workflows_->Review(As("alice"), b, Verdict::kApprove, "right").ok());
  ExpectError(workflows_->Review(As("alice"), b, Verdict::kReject, "changed my mind"),
              StatusCode::kFailedPrecondition, "is not waiting for a sampled review");
  EXPECT_EQ(CurrentLevel(), "autonomous");  // 0 of 2 disagreed

  Result<Json> reviewed =
      workflows_->Review(As("alice"), held, Verdict::kApprove, "the hold was lifted by phone");
  ASSERT_TRUE(reviewed.ok()) << reviewed.status().ToString();
  EXPECT_EQ((*reviewed)["review"]["verdict"], "approve");
  EXPECT_EQ((*reviewed)["review"]["by"], "alice");
  // 1 of 3 > 25%: down one level, automatically.
  Result<Json> shown = workflows_->Show(As("root"), "release");
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ((*shown)["level"], "auto_with_exceptions");
  const Json& event = (*shown)["events"].back();
  EXPECT_EQ(event["kind"], "auto_demote");
  EXPECT_EQ(event["from"], "autonomous");
  EXPECT_EQ(event["to"], "auto_with_exceptions");
  EXPECT_EQ(event["actor"], "workflow:release");
  EXPECT_EQ(event["reason"], "1 of the last 3 sampled reviews disagreed");
  EXPECT_EQ(event["figures"]["reviews"]["reviewed"], 3);
  EXPECT_EQ(event["figures"]["reviews"]["disagree"], 1);
  EXPECT_EQ(LedgerEntries("action = 'workflow:auto_demote'").size(), 1u);
  std::vector<LedgerRow> reviews = LedgerEntries("action = 'case:review' AND principal = 'alice'");
  ASSERT_EQ(reviews.size(), 3u);
  EXPECT_EQ(reviews[2].decision, "approve: disagrees");

  // A new held case now waits for a human again.
  EXPECT_EQ(MustGet(StartCase(Held(2)))["status"], "waiting");
}

// --- 5. the evaluation gate ---------------------------------------------------------------------

TEST_P(WorkflowsTest, EvaluationGateRefusesAWeakerCandidateUnlessForced) {
  const Definition current = Register();
  std::vector<int64_t> held;
  MustDecide(StartCase(Clean(1)), Verdict::kApprove);
  MustDecide(StartCase(Clean(2)), Verdict::kApprove);
  for (int i = 1; i <= 2; ++i) {
    held.push_back(StartCase(Held(i)));
    MustDecide(held.back(), Verdict::kReject);
  }
  ForcePromote(1);

  Spec weak;
  weak.hold_check = "SELECT 1 AS pass, 'not checked' AS reason";
  const Definition candidate = Parse(weak);
  ASSERT_NE(candidate.version, current.version);

  Result<Json> same = workflows_->AddVersion(As("root"), current);
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_EQ((*same)["status"], "unchanged");
  Result<Json> added = workflows_->AddVersion(As("root"), candidate);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ((*added)["status"], "candidate");
  EXPECT_EQ((*added)["level"], "suggest");
  EXPECT_EQ(CurrentLevel(), "suggest");
  ExpectError(workflows_->AddVersion(As("alice"), candidate), StatusCode::kPermissionDenied,
              "add needs an administrator");

  ExpectError(workflows_->Evaluate(As("alice"), "release", candidate),
              StatusCode::kPermissionDenied, "eval needs an administrator");
  Result<Json> report = workflows_->Evaluate(As("root"), "release", candidate);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ((*report)["current"]["cases"], 4);
  EXPECT_EQ((*report)["current"]["agreement"], 1.0);
  EXPECT_EQ((*report)["candidate"]["cases"], 4);
  EXPECT_EQ((*report)["candidate"]["agreement"], 0.5);
  EXPECT_EQ((*report)["candidate"]["rejected_approved"], 2);
  ASSERT_EQ((*report)["changed"].size(), 2u) << report->dump();
  for (size_t i = 0; i < 2; ++i) {
    const Json& changed = (*report)["changed"][i];
    EXPECT_EQ(changed["case"], held[i]);
    EXPECT_EQ(changed["human"], "reject");
    EXPECT_EQ(changed["current"], "reject");
    EXPECT_EQ(changed["candidate"], "approve");
    ASSERT_EQ(changed["checks"].size(), 1u);
    EXPECT_EQ(changed["checks"][0]["check"], "hold_released");
    EXPECT_EQ(changed["checks"][0]["current"], "fail");
    EXPECT_EQ(changed["checks"][0]["candidate"], "pass");
  }
  EXPECT_TRUE((*report)["not_replayable"].empty());
  EXPECT_EQ((*report)["gate"]["pass"], false);
  EXPECT_THAT((*report)["gate"]["why"].dump(),
              HasSubstr("agreement 50.0% is below the current version's 100.0%"));
  EXPECT_THAT((*report)["gate"]["why"].dump(),
              HasSubstr("it would approve 2 case(s) a human rejected"));

  ExpectError(workflows_->PromoteVersion(As("root"), "release", candidate, false, ""),
              StatusCode::kPermissionDenied,
              fmt::format("version {} of 'release' refused by the evaluation gate: agreement "
                          "50.0%",
                          candidate.version.substr(0, 12)));
  EXPECT_EQ(LedgerEntries("action = 'workflow:version' AND decision LIKE 'deny: %'").size(), 1u);
  ExpectError(workflows_->PromoteVersion(As("root"), "release", candidate, true, ""),
              StatusCode::kInvalidArgument, "a forced promotion needs a reason");
  ExpectError(workflows_->PromoteVersion(As("root"), "release", current, false, ""),
              StatusCode::kFailedPrecondition, "is already the current version of 'release'");
  Result<Definition> still = workflows_->Current("release");
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->version, current.version);

  Result<Json> promoted = workflows_->PromoteVersion(As("root"), "release", candidate, true,
                                                     "customs checks holds upstream now");
  ASSERT_TRUE(promoted.ok()) << promoted.status().ToString();
  EXPECT_EQ((*promoted)["version"], candidate.version);
  EXPECT_EQ((*promoted)["level"], "suggest");  // the level is kept
  const Json& event = (*promoted)["events"].back();
  EXPECT_EQ(event["kind"], "version");
  EXPECT_EQ(event["version"], candidate.version);
  EXPECT_EQ(event["forced"], true);
  EXPECT_EQ(event["reason"], "customs checks holds upstream now");
  EXPECT_EQ(event["figures"]["candidate"]["agreement"], 0.5);
  // New cases run the new version: a held container is now recommended for approval.
  Json c = MustGet(StartCase(Held(3)));
  EXPECT_EQ(c["version"], candidate.version);
  EXPECT_EQ(c["recommendation"]["verdict"], "approve");
}

TEST_P(WorkflowsTest, EvaluationMarksCasesWhoseEvidenceWouldBeReadDifferently) {
  Register();
  for (int i = 1; i <= 2; ++i) MustDecide(StartCase(Clean(i)), Verdict::kApprove);
  for (int i = 1; i <= 2; ++i) MustDecide(StartCase(Held(i)), Verdict::kReject);
  Spec changed;
  changed.holds_sql =
      "SELECT container_no, released_at FROM tos.holds WHERE container_no = :container_no "
      "AND released_at IS NOT NULL";
  Result<Json> report = workflows_->Evaluate(As("root"), "release", Parse(changed));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ((*report)["not_replayable"].size(), 4u) << report->dump();
  for (const Json& entry : (*report)["not_replayable"]) {
    EXPECT_THAT(entry["why"].get<std::string>(),
                HasSubstr("candidate: step 'holds' reads with other SQL than the recorded "
                          "evidence"));
  }
  EXPECT_EQ((*report)["current"]["cases"], 0);
  EXPECT_EQ((*report)["candidate"]["cases"], 0);
  // Nothing could be replayed: the gate has no evidence to pass the candidate on.
  EXPECT_EQ((*report)["gate"]["pass"], false) << report->dump();
  EXPECT_THAT((*report)["gate"]["why"].dump(), HasSubstr("none of the 4 human-judged case(s)"));
}

}  // namespace
}  // namespace cairn::workflow
