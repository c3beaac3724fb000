// Cases: start, who may decide, actions delivered exactly once, evidence digests, llm steps.

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "workflow/workflows_testing.h"

namespace cairn::workflow {
namespace {

using namespace ::cairn::workflow::test_support;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// The one instantiation of the fixture's tests (cases_test.cc, ladder_test.cc, resume_test.cc).
INSTANTIATE_TEST_SUITE_P(Engines, WorkflowsTest,
                         ::testing::Values(store::Dialect::kSqlite, store::Dialect::kPostgres),
                         store::EngineName);

// --- 1. a clean case at observe -------------------------------------------------------------

TEST_P(WorkflowsTest, CleanCaseAtObserveWaitsAndAnApprovalDeliversItsAction) {
  Register();
  Result<Json> started = workflows_->Start(As("clerk"), "release", {{"container_no", Clean(1)}});
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  const int64_t id = (*started)["id"].get<int64_t>();
  EXPECT_EQ((*started)["status"], "waiting");
  EXPECT_EQ((*started)["level"], "observe");
  EXPECT_EQ((*started)["waiting_role"], "release_officer");
  EXPECT_EQ((*started)["as_of"], kStart);

  // At observe the reviewer decides blind; an administrator sees the measured recommendation.
  Json officer = MustGet(id, "alice");
  EXPECT_TRUE(officer["recommendation"].is_null()) << officer.dump();
  Json admin = MustGet(id, "root");
  ASSERT_TRUE(admin["recommendation"].is_object()) << admin.dump();
  EXPECT_EQ(admin["recommendation"]["verdict"], "approve");

  // The evidence as recorded, each query with its ledger entry, each check passed.
  std::vector<int64_t> query_seqs;
  for (const char* step : {"containers", "holds", "invoices"}) {
    Json s = Step(admin, step);
    EXPECT_EQ(s["status"], "done") << s.dump();
    ASSERT_TRUE(s["ledger_seq"].is_number_integer()) << s.dump();
    EXPECT_EQ(s["evidence"]["view"], "recorded");
    ASSERT_EQ(s["evidence"]["rows"].size(), 1u) << s.dump();
    EXPECT_EQ(s["evidence"]["rows"][0][0], Clean(1));
    EXPECT_EQ(s["evidence"]["ledger_seq"], s["ledger_seq"]);
    query_seqs.push_back(s["ledger_seq"].get<int64_t>());
  }
  for (const char* step : {"discharged", "hold_released", "invoice_paid"}) {
    Json s = Step(admin, step);
    EXPECT_EQ(s["check"]["outcome"], "pass") << s.dump();
  }
  EXPECT_EQ(Step(admin, "hold_released")["check"]["reason"], "0 open hold(s)");
  EXPECT_EQ(Step(admin, "review")["status"], "waiting");
  // A reader who is neither an administrator nor the workflow's principal sees the evidence as
  // its own session does: with no grant, nothing.
  Json clerk = MustGet(id, "clerk");
  Json hidden = Step(clerk, "containers")["evidence"];
  EXPECT_EQ(hidden["view"], "as clerk sees it now");
  EXPECT_TRUE(hidden["rows"].empty()) << hidden.dump();
  EXPECT_TRUE(hidden.contains("hidden")) << hidden.dump();

  Result<Json> decided = workflows_->Decide(As("alice"), id, Verdict::kApprove, "papers in order");
  ASSERT_TRUE(decided.ok()) << decided.status().ToString();
  EXPECT_EQ((*decided)["status"], "done");
  EXPECT_EQ((*decided)["decision"]["verdict"], "approve");
  EXPECT_EQ((*decided)["decision"]["kind"], "human");
  EXPECT_EQ((*decided)["decision"]["by"], "alice");
  EXPECT_EQ((*decided)["decision"]["level"], "observe");
  ASSERT_TRUE((*decided)["decision"]["ledger_seq"].is_number_integer());
  ASSERT_EQ((*decided)["actions"].size(), 1u);
  EXPECT_EQ((*decided)["actions"][0]["status"], "delivered");
  EXPECT_EQ((*decided)["actions"][0]["attempts"], 1);
  EXPECT_EQ(Outbox(), 1);
  Result<std::vector<nlohmann::json>> outbox = ReadOutbox(dir_ / "out/releases.sqlite");
  ASSERT_TRUE(outbox.ok()) << outbox.status().ToString();
  EXPECT_EQ((*outbox)[0]["payload"]["case"], id);
  EXPECT_EQ((*outbox)[0]["payload"]["decision"], "approve");
  EXPECT_EQ((*outbox)[0]["payload"]["inputs"]["container_no"], Clean(1));
  EXPECT_EQ((*outbox)[0]["idempotency_key"], (*decided)["actions"][0]["idempotency_key"]);

  // The ledger tells the whole story, in order, naming the case.
  std::vector<LedgerRow> entries = LedgerEntries("subject LIKE ?", {fmt::format("case {} %", id)});
  std::vector<std::string> actions;
  for (const LedgerRow& e : entries) actions.push_back(e.action);
  EXPECT_THAT(actions,
              ::testing::ElementsAre("case:start", "case:check", "case:check", "case:check",
                                     "case:recommend", "case:decide", "case:action"));
  EXPECT_EQ(entries[0].principal, "clerk");
  EXPECT_EQ(entries[4].decision, "approve");
  EXPECT_EQ(entries[5].principal, "alice");
  EXPECT_EQ(entries[5].decision, "approve: agrees with the recommendation");
  EXPECT_EQ(entries[5].seq, (*decided)["decision"]["ledger_seq"]);
  EXPECT_EQ(entries[6].decision, "allow: delivered");
  EXPECT_EQ(entries[6].seq, (*decided)["actions"][0]["ledger_seq"]);
  for (int64_t seq : query_seqs) {
    std::vector<LedgerRow> query = LedgerEntries("seq = ?", {seq});
    ASSERT_EQ(query.size(), 1u);
    EXPECT_EQ(query[0].action, "query");
    EXPECT_EQ(query[0].principal, "release-bot");
    EXPECT_EQ(query[0].ingress, "workflow");
    EXPECT_THAT(query[0].subject, HasSubstr(Clean(1)));
    EXPECT_GT(seq, entries[0].seq);  // after case:start
    EXPECT_LT(seq, entries[1].seq);  // before the checks
  }
}

TEST_P(WorkflowsTest, StartValidatesItsInputs) {
  Register();
  ExpectError(workflows_->Start(As("clerk"), "nope", {{"container_no", Clean(1)}}),
              StatusCode::kNotFound, "no workflow 'nope'");
  ExpectError(workflows_->Start(As("clerk"), "release", {{"container_no", "abc"}}),
              StatusCode::kInvalidArgument, "input 'container_no': 'abc' does not match");
  ExpectError(workflows_->Start(As("clerk"), "release", {}), StatusCode::kInvalidArgument,
              "input 'container_no' is required");
  ExpectError(
      workflows_->Start(As("clerk"), "release", {{"container_no", Clean(1)}, {"port", "x"}}),
      StatusCode::kInvalidArgument, "has no input 'port'");
  ExpectError(workflows_->Start(As("clerk"), "release", {{"container_no", Clean(1)}},
                                "2027-01-01T00:00:00Z"),
              StatusCode::kInvalidArgument, "is in the future");
  EXPECT_EQ(Count("SELECT count(*) FROM cases"), 0);

  Result<Json> past = workflows_->Start(As("clerk"), "release", {{"container_no", Clean(1)}},
                                        "2026-03-02T00:00:00Z");
  ASSERT_TRUE(past.ok()) << past.status().ToString();
  EXPECT_EQ((*past)["as_of"], "2026-03-02T00:00:00Z");
}

// --- 2. who may decide ------------------------------------------------------------------------

TEST_P(WorkflowsTest, DecideRefusesBadReasonsAgentsOutsidersAndSecondDecisions) {
  Register();
  const int64_t id = StartCase(Clean(1));

  ExpectError(workflows_->Decide(As("alice"), id, Verdict::kApprove, " \n"),
              StatusCode::kInvalidArgument, "a decision needs a reason");
  ExpectError(workflows_->Decide(As("alice"), id, Verdict::kNone, "why not"),
              StatusCode::kInvalidArgument, "approve or reject");

  // An agent never decides, even with the role; the refusal is ledgered.
  ExpectError(workflows_->Decide(As("agent-7"), id, Verdict::kApprove, "looks fine"),
              StatusCode::kPermissionDenied, "'agent-7' is an agent");
  std::vector<LedgerRow> denied = LedgerEntries("action = 'case:decide' AND principal = 'agent-7'");
  ASSERT_EQ(denied.size(), 1u);
  EXPECT_THAT(denied[0].decision, StartsWith("deny: 'agent-7' is an agent"));
  EXPECT_THAT(denied[0].subject, StartsWith(fmt::format("case {} approve", id)));

  // The starter may see the case but not decide it without the role.
  ExpectError(workflows_->Decide(As("clerk"), id, Verdict::kApprove, "mine"),
              StatusCode::kPermissionDenied, "role 'release_officer' required");
  // Someone who may not see the case learns nothing about it.
  ExpectError(workflows_->Decide(As("bob"), id, Verdict::kApprove, "hm"), StatusCode::kNotFound,
              fmt::format("no case {}", id));
  ExpectError(workflows_->Get(As("bob"), id), StatusCode::kNotFound, fmt::format("no case {}", id));
  ExpectError(workflows_->Decide(As("alice"), 999, Verdict::kApprove, "x"), StatusCode::kNotFound,
              "no case 999");
  Result<Json> bobs = workflows_->ListCases(As("bob"), "", "", false, 10);
  ASSERT_TRUE(bobs.ok());
  EXPECT_TRUE(bobs->empty());
  Result<Json> queue = workflows_->ListCases(As("alice"), "release", "", true, 10);
  ASSERT_TRUE(queue.ok());
  ASSERT_EQ(queue->size(), 1u);
  EXPECT_EQ((*queue)[0]["id"], id);
  EXPECT_TRUE((*queue)[0]["recommendation"].is_null());  // blind at observe

  EXPECT_EQ(MustGet(id)["status"], "waiting");
  MustDecide(id, Verdict::kReject);
  ExpectError(workflows_->Decide(As("root"), id, Verdict::kApprove, "overrule"),
              StatusCode::kFailedPrecondition,
              "is not waiting for a decision (status done: reject by alice)");
  EXPECT_EQ(Outbox(), 0);  // the action runs on approve only
  Json c = MustGet(id);
  EXPECT_EQ(c["decision"]["verdict"], "reject");
  EXPECT_TRUE(c["actions"].empty());
  std::vector<LedgerRow> decided = LedgerEntries("action = 'case:decide' AND principal = 'alice'");
  ASSERT_EQ(decided.size(), 1u);
  EXPECT_EQ(decided[0].decision, "reject: differs from the recommendation (approve)");
}

// --- 6. actions: retries with backoff, effects exactly once -------------------------------------

TEST_P(WorkflowsTest, AFailingWebhookStaysPendingWithBackoff) {
  const uint16_t port = net::testing::ClosedPort();
  Spec spec;
  spec.sink = fmt::format("{{webhook: \"http://127.0.0.1:{}/release\", timeout_ms: 2000}}", port);
  Register(spec);
  const int64_t id = StartCase(Clean(1));
  Result<Json> decided = workflows_->Decide(As("alice"), id, Verdict::kApprove, "go");
  ASSERT_TRUE(decided.ok()) << decided.status().ToString();
  EXPECT_EQ((*decided)["status"], "actioning");
  ASSERT_EQ((*decided)["actions"].size(), 1u);
  Json action = (*decided)["actions"][0];
  EXPECT_EQ(action["sink"], "webhook");
  EXPECT_EQ(action["status"], "pending");
  EXPECT_EQ(action["attempts"], 1);
  ASSERT_TRUE(action["last_error"].is_string()) << action.dump();
  EXPECT_THAT(action["last_error"].get<std::string>(), HasSubstr("Unavailable: "));
  EXPECT_EQ(action["next_attempt_at"], "2026-12-04T10:00:01Z");  // 1 s after the failure
  std::vector<LedgerRow> failed = LedgerEntries("action = 'case:action'");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].decision, "error: retry at 2026-12-04T10:00:01Z");

  // Not due yet: nothing is attempted.
  Result<Json> resumed = workflows_->Resume(As("root"));
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ((*resumed)["actions_pending"], 1);
  EXPECT_EQ((*resumed)["actions_delivered"], 0);
  EXPECT_EQ(MustGet(id)["actions"][0]["attempts"], 1);

  // Due: attempted again, and the wait doubles.
  host_->set_now("2026-12-04T10:00:05Z");
  ASSERT_TRUE(workflows_->Resume(As("root")).ok());
  action = MustGet(id)["actions"][0];
  EXPECT_EQ(action["status"], "pending");
  EXPECT_EQ(action["attempts"], 2);
  EXPECT_EQ(action["next_attempt_at"], "2026-12-04T10:00:07Z");
  EXPECT_EQ(MustGet(id)["status"], "actioning");
}

TEST_P(WorkflowsTest, AnOutboxThatFailsIsRetriedAndDeliveredExactlyOnce) {
  // The outbox's directory cannot be created while a regular file stands in its place.
  const std::filesystem::path blocker = dir_ / "blocked";
  std::ofstream(blocker) << "not a directory";
  Spec spec;
  spec.sink = "{outbox: blocked/releases.sqlite}";
  Register(spec);
  const int64_t id = StartCase(Clean(1));
  Result<Json> decided = workflows_->Decide(As("alice"), id, Verdict::kApprove, "go");
  ASSERT_TRUE(decided.ok()) << decided.status().ToString();
  EXPECT_EQ((*decided)["status"], "actioning");
  Json action = (*decided)["actions"][0];
  EXPECT_EQ(action["status"], "pending");
  EXPECT_EQ(action["attempts"], 1);
  EXPECT_THAT(action["last_error"].get<std::string>(), HasSubstr("cannot create its directory"));
  EXPECT_GT(action["next_attempt_at"].get<std::string>(), std::string(kStart));

  std::filesystem::remove(blocker);
  ASSERT_TRUE(workflows_->Resume(As("root")).ok());  // not due yet
  EXPECT_EQ(Outbox("blocked/releases.sqlite"), 0);
  EXPECT_EQ(MustGet(id)["actions"][0]["attempts"], 1);

  host_->set_now("2026-12-04T10:00:02Z");
  Result<Json> resumed = workflows_->Resume(As("root"));
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ((*resumed)["actions_delivered"], 1);
  EXPECT_EQ((*resumed)["actions_pending"], 0);
  host_->set_now("2026-12-04T10:10:00Z");
  ASSERT_TRUE(workflows_->Resume(As("root")).ok());
  EXPECT_EQ(Outbox("blocked/releases.sqlite"), 1);
  Json c = MustGet(id);
  EXPECT_EQ(c["status"], "done");
  EXPECT_EQ(c["actions"][0]["status"], "delivered");
  EXPECT_EQ(c["actions"][0]["attempts"], 2);
  EXPECT_EQ(c["actions"][0]["delivered_at"], "2026-12-04T10:00:02Z");

  // A crash between delivery and its acknowledgement: delivered again, with the same key, to
  // no effect.
  Exec("UPDATE case_actions SET status = 'pending', delivered_at = NULL WHERE case_id = ?", {id});
  Exec("UPDATE cases SET status = 'actioning' WHERE id = ?", {id});
  ASSERT_TRUE(workflows_->Resume(As("root")).ok());
  EXPECT_EQ(Outbox("blocked/releases.sqlite"), 1);
  EXPECT_EQ(MustGet(id)["status"], "done");
  EXPECT_EQ(LedgerEntries("action = 'case:action' AND decision = 'allow: delivered'").size(), 2u);
}

// --- 8. evidence digests ------------------------------------------------------------------------

TEST_P(WorkflowsTest, TheEvidenceDigestFollowsTheDataNotTheRun) {
  Register();
  const std::string first = MustGet(StartCase(Clean(1)))["evidence_digest"];
  host_->set_now("2026-12-04T11:00:00Z");
  const std::string second = MustGet(StartCase(Clean(1)))["evidence_digest"];
  EXPECT_EQ(first.size(), 64u);
  EXPECT_EQ(first, second);

  ExecSqlite(
      dir_ / "tos.sqlite",
      fmt::format("UPDATE invoices SET status = 'open' WHERE container_no = '{}'", Clean(1)));
  Json third = MustGet(StartCase(Clean(1)));
  EXPECT_NE(third["evidence_digest"], first);
  EXPECT_EQ(third["recommendation"]["verdict"], "reject");
  EXPECT_EQ(Step(third, "invoice_paid")["check"]["reason"], "1 unpaid invoice(s)");
}

// --- llm steps
// -------------------------------------------------------------------------------------

constexpr char kAdvice[] = R"(  - id: advice
    kind: llm
    uses: [holds]
    prompt: Should this container be released?
)";

TEST_P(WorkflowsTest, AnLlmStepWithoutAnEndpointIsSkippedAndSaysSo) {
  Spec spec;
  spec.extra_steps = kAdvice;
  Register(spec);
  Json c = MustGet(StartCase(Clean(1)));
  EXPECT_EQ(c["status"], "waiting");
  Json advice = Step(c, "advice");
  EXPECT_EQ(advice["status"], "skipped");
  EXPECT_THAT(advice["result"]["skipped"].get<std::string>(), HasSubstr("no llm endpoint"));
  EXPECT_TRUE(c["suggestion"].is_null());
  std::vector<LedgerRow> entries = LedgerEntries("action = 'case:llm'");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].decision, "skipped");
  EXPECT_EQ(entries[0].seq, advice["ledger_seq"]);
}

TEST_P(WorkflowsTest, AnLlmSuggestionIsKeptWithTheCaseAndItsEvidenceIsWrapped) {
  net::testing::TestHttpServer server([](const net::testing::RecordedRequest&) {
    Json completion = {
        {"choices",
         Json::array({{{"index", 0},
                       {"message", {{"role", "assistant"}, {"content", "APPROVE\nNo open hold."}}},
                       {"finish_reason", "stop"}}})}};
    return net::testing::Reply{200, completion.dump()};
  });
  LlmConfig llm;
  llm.url = server.Url("/v1");
  llm.model = "test-model";
  llm.timeout_ms = 5000;
  host_->set_llm(llm);
  Spec spec;
  spec.extra_steps = kAdvice;
  Register(spec);

  const int64_t id = StartCase(Clean(1));
  Json c = MustGet(id);
  EXPECT_EQ(Step(c, "advice")["status"], "done");
  EXPECT_EQ(Step(c, "advice")["result"]["suggestion"], "APPROVE\nNo open hold.");
  EXPECT_EQ(c["suggestion"], "APPROVE\nNo open hold.");  // shown to the reviewer
  std::vector<net::testing::RecordedRequest> requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  const std::string prompt =
      Json::parse(requests[0].body)["messages"][1]["content"].get<std::string>();
  EXPECT_THAT(prompt, HasSubstr("Should this container be released?"));
  EXPECT_THAT(prompt, HasSubstr("<untrusted-data label=\"public\">"));
  EXPECT_THAT(prompt, HasSubstr(Clean(1)));
  // The suggestion never decides: the case still waits for a human.
  EXPECT_EQ(c["status"], "waiting");
  EXPECT_TRUE(c["decision"].is_null());
}

}  // namespace
}  // namespace cairn::workflow
