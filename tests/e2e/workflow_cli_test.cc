// End-to-end tests of `cairn workflow` and `cairn case` through the real binary, on a demo port
// (`cairn demo --containers 200`: every kind of planted problem, small enough to start a case
// for each one): what the commands print as JSON, that every planted problem fails the check
// that should catch it with its evidence in the case, and the doors' refusals and exit codes —
// bad definitions (file:line:column), who may decide, deciding twice, promotion without
// evidence, a worse candidate version and its forced promotion, and an action whose webhook is
// down until it comes up. The library's rules themselves are unit-tested in
// src/workflow/workflows_test.cc; here the subject is the CLI.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cli_harness.h"

namespace cairn {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr char kAsOf[] = "2026-03-02T00:00:00Z";  // the demo's frozen "now"
constexpr char kRelease[] = "container_release";

// Exit codes of the cairn binary (src/cli/main.cc).
constexpr int kInvalidArgument = 3;
constexpr int kNotFound = 4;
constexpr int kPermissionDenied = 5;
constexpr int kFailedPrecondition = 8;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

json ParseJson(const std::string& text) {
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(parsed.is_discarded()) << "not JSON: " << text;
  return parsed.is_discarded() ? json() : parsed;
}

// The step `id` of a case document (null when absent).
json StepOf(const json& c, const std::string& id) {
  for (const json& step : c["steps"]) {
    if (step["step"] == id) return step;
  }
  ADD_FAILURE() << "no step " << id << " in case " << c.value("id", int64_t{-1});
  return json();
}

// The value of `column` in each evidence row of step `id`.
std::vector<json> Column(const json& c, const std::string& id, const std::string& column) {
  const json evidence = StepOf(c, id)["evidence"];
  std::vector<json> values;
  if (!evidence.is_object()) return values;
  size_t index = 0;
  while (index < evidence["columns"].size() && evidence["columns"][index] != column) ++index;
  EXPECT_LT(index, evidence["columns"].size()) << id << " has no column " << column;
  for (const json& row : evidence["rows"]) {
    if (index < row.size()) values.push_back(row[index]);
  }
  return values;
}

// A one-route HTTP/1.1 server on 127.0.0.1:port that records each request's Idempotency-Key
// and body and answers 200: the receiving end of a webhook.
class WebhookSink {
 public:
  explicit WebhookSink(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    listening_ = bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                 listen(fd_, 8) == 0;
    if (listening_) thread_ = std::thread([this] { Serve(); });
  }
  ~WebhookSink() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    close(fd_);
  }
  bool listening() const { return listening_; }
  std::vector<std::pair<std::string, std::string>> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  void Serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      const int client = accept(fd_, nullptr, nullptr);
      if (client < 0) continue;
      std::string data;
      char buffer[4096];
      size_t need = std::string::npos;
      while (need == std::string::npos || data.size() < need) {
        pollfd c{client, POLLIN, 0};
        if (poll(&c, 1, 2000) <= 0) break;
        const ssize_t n = read(client, buffer, sizeof buffer);
        if (n <= 0) break;
        data.append(buffer, static_cast<size_t>(n));
        const size_t head = data.find("\r\n\r\n");
        if (head != std::string::npos && need == std::string::npos) {
          const std::string lower = Lower(data.substr(0, head));
          const size_t at = lower.find("content-length:");
          need = head + 4 + (at == std::string::npos ? 0 : std::stoul(lower.substr(at + 15)));
        }
      }
      const size_t head = data.find("\r\n\r\n");
      if (head != std::string::npos) {
        const std::string lower = Lower(data.substr(0, head));
        std::string key;
        const size_t at = lower.find("idempotency-key:");
        if (at != std::string::npos) {
          key = data.substr(at + 16, data.find("\r\n", at) - at - 16);
          key.erase(0, key.find_first_not_of(' '));
        }
        std::lock_guard lock(mu_);
        requests_.emplace_back(key, data.substr(head + 4));
      }
      const std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      (void)!write(client, reply.data(), reply.size());
      close(client);
    }
  }
  static std::string Lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  int fd_ = -1;
  bool listening_ = false;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::pair<std::string, std::string>> requests_;
};

// A loopback port nothing listens on (bound to find it, then closed).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

class WorkflowCliTest : public e2e::CliTest {
 protected:
  void SetUp() override {
    e2e::CliTest::SetUp();
    ::unsetenv("CAIRN_TOKEN");
    e2e::Outcome demo = Cairn({"demo", "--containers", "200", "--format", "json"});
    ASSERT_EQ(demo.exit_code, 0) << demo.err;
    summary_ = ParseJson(demo.out);
    ASSERT_TRUE(summary_.contains("problems")) << demo.out;
  }

  // Runs cairn as the principal `who` ("" for the local administrator), issuing its token
  // once.
  e2e::Outcome As(const std::string& who, const std::vector<std::string>& args) {
    if (who.empty()) return Cairn(args);
    if (!tokens_.count(who)) {
      e2e::Outcome issue = Cairn({"token", "issue", who});
      EXPECT_EQ(issue.exit_code, 0) << issue.err;
      tokens_[who] = issue.out.substr(0, issue.out.find('\n'));
    }
    ::setenv("CAIRN_TOKEN", tokens_[who].c_str(), 1);
    e2e::Outcome outcome = Cairn(args);
    ::unsetenv("CAIRN_TOKEN");
    return outcome;
  }

  // `cairn ... --format json` as `who`, which must succeed.
  json Json(const std::string& who, std::vector<std::string> args) {
    args.insert(args.end(), {"--format", "json"});
    e2e::Outcome outcome = As(who, args);
    EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
    return ParseJson(outcome.out);
  }

  json StartCase(const std::string& who, const std::string& workflow,
                 const std::string& container) {
    return Json(who,
                {"case", "start", workflow, "-i", "container_no=" + container, "--as-of", kAsOf});
  }

  json ShowCase(int64_t id) { return Json("", {"case", "show", std::to_string(id)}); }

  // The container of the demo's first case with no planted problem.
  std::string CleanContainer() {
    for (const json& c : summary_["cases"]) {
      if (c["problem"].is_null()) return c["container_no"];
    }
    ADD_FAILURE() << "the demo started no case without a planted problem";
    return "";
  }

  // A container whose only planted problem is of `kind`.
  std::string OnlyProblem(const std::string& kind) {
    std::map<std::string, std::set<std::string>> kinds;
    for (const json& p : summary_["problems"]) kinds[p["container_no"]].insert(p["kind"]);
    for (const auto& [container, ks] : kinds) {
      if (ks == std::set<std::string>{kind}) return container;
    }
    ADD_FAILURE() << "no container has only the planted problem " << kind;
    return "";
  }

  json summary_;
  std::map<std::string, std::string> tokens_;
};

TEST_F(WorkflowCliTest, ListShowAndAddPrintJson) {
  json list = Json("", {"workflow", "list"});
  ASSERT_EQ(list.size(), 1u) << list.dump();
  EXPECT_EQ(list[0]["name"], kRelease);
  EXPECT_EQ(list[0]["level"], "observe");
  EXPECT_EQ(list[0]["decide_role"], "release_officer");
  EXPECT_EQ(list[0]["cases"], summary_["cases"].size());
  EXPECT_EQ(list[0]["waiting"], summary_["cases"].size());
  EXPECT_EQ(list[0]["version"].get<std::string>().size(), 64u);
  // Every principal may list workflows; an agent too.
  EXPECT_EQ(Json("release-bot", {"workflow", "list"})[0]["name"], kRelease);

  json show = Json("", {"workflow", "show", kRelease});
  EXPECT_EQ(show["name"], kRelease);
  EXPECT_EQ(show["principal"], "release-desk");
  EXPECT_EQ(show["version"], list[0]["version"]);
  std::vector<std::string> steps;
  for (const json& s : show["definition"]["steps"]) steps.push_back(s["id"]);
  EXPECT_EQ(steps, (std::vector<std::string>{
                       "container", "holds", "bill_of_lading", "delivery_order", "invoices",
                       "in_yard", "hold_released", "invoices_paid", "delivery_order_valid",
                       "consignee_matches", "review", "release_order"}));
  EXPECT_TRUE(Contains(show["text"], "name: container_release"));
  ASSERT_EQ(show["versions"].size(), 1u);
  EXPECT_EQ(show["versions"][0]["current"], true);
  ASSERT_EQ(show["events"].size(), 1u);
  EXPECT_EQ(show["events"][0]["kind"], "created");
  EXPECT_EQ(show["figures"]["cases"], 0);
  EXPECT_EQ(show["figures"]["eligible"], false);

  // A new workflow is current at observe; the same file again is unchanged; an edit waits as
  // a candidate, and the current version stays.
  const std::string holds = R"(name: hold_check
description: Open customs holds of a container
principal: release-desk
inputs:
  container_no: {pattern: "[A-Z]{4}[0-9]{7}"}
steps:
  - id: holds
    kind: query
    sql: SELECT hold_id, released_at FROM customs.holds WHERE container_no = :container_no
  - id: no_open_hold
    kind: check
    uses: [holds]
    sql: SELECT count(*) = 0 AS pass FROM holds WHERE coalesce(released_at, '') = ''
)";
  e2e::WriteFile(dir_ / "hold_check.yaml", holds);
  json added = Json("", {"workflow", "add", "hold_check.yaml"});
  EXPECT_EQ(added["workflow"], "hold_check");
  EXPECT_EQ(added["status"], "current");
  EXPECT_EQ(added["level"], "observe");
  e2e::WriteFile(dir_ / "hold_check.yaml", "# a comment changes no meaning\n" + holds);
  EXPECT_EQ(Json("", {"workflow", "add", "hold_check.yaml"})["status"], "unchanged");
  e2e::WriteFile(dir_ / "hold_check.yaml",
                 holds + "recommend:\n  approve_when: [no_open_hold]\nladder:\n  min_cases: 5\n");
  json candidate = Json("", {"workflow", "add", "hold_check.yaml"});
  EXPECT_EQ(candidate["status"], "candidate");
  EXPECT_NE(candidate["version"], added["version"]);
  json listed = Json("", {"workflow", "list"});
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[1]["name"], "hold_check");
  EXPECT_EQ(listed[1]["version"], added["version"]);
  EXPECT_EQ(Json("", {"workflow", "show", "hold_check"})["versions"].size(), 2u);

  // Only administrators add; unknown names are NotFound.
  e2e::Outcome refused = As("rita", {"workflow", "add", "hold_check.yaml"});
  EXPECT_EQ(refused.exit_code, kPermissionDenied) << refused.err;
  EXPECT_TRUE(Contains(refused.err, "needs an administrator")) << refused.err;
  e2e::Outcome unknown = Cairn({"workflow", "show", "no_such_workflow"});
  EXPECT_EQ(unknown.exit_code, kNotFound) << unknown.err;
  EXPECT_TRUE(Contains(unknown.err, "no workflow 'no_such_workflow'")) << unknown.err;
}

TEST_F(WorkflowCliTest, EveryPlantedProblemFailsItsCheckWithTheEvidenceInTheCase) {
  // The check that must catch each kind, and whether `unknown` (for a person to look at) is
  // acceptable instead of `fail`.
  const std::map<std::string, std::pair<std::string, bool>> catches = {
      {"open_customs_hold", {"hold_released", false}},
      {"unpaid_invoice", {"invoices_paid", false}},
      {"missing_delivery_order", {"delivery_order_valid", false}},
      {"expired_delivery_order", {"delivery_order_valid", false}},
      {"bl_consignee_mismatch", {"consignee_matches", true}},
      {"tos_consignee_mismatch", {"consignee_matches", true}},
  };
  std::map<std::string, std::vector<json>> by_container;
  std::set<std::string> kinds;
  for (const json& p : summary_["problems"]) {
    by_container[p["container_no"]].push_back(p);
    kinds.insert(p["kind"]);
  }
  EXPECT_EQ(kinds.size(), catches.size()) << "the demo planted other kinds: " << summary_.dump();

  size_t checked = 0;
  for (const auto& [container, problems] : by_container) {
    // The agent starts the case; the checks' outcomes are the same for every reader.
    const json started = StartCase("release-bot", kRelease, container);
    ASSERT_TRUE(started.contains("id")) << container;
    EXPECT_EQ(started["status"], "waiting") << container;
    // The administrator sees the evidence as it was recorded.
    const json c = ShowCase(started["id"]);
    for (const json& p : problems) {
      const std::string kind = p["kind"], detail = p["detail"];
      SCOPED_TRACE(container + " " + kind + " " + detail);
      ASSERT_TRUE(catches.count(kind)) << kind;
      const auto& [check_id, unknown_ok] = catches.at(kind);
      const json check = StepOf(c, check_id)["check"];
      const std::string outcome = check["outcome"];
      EXPECT_TRUE(outcome == "fail" || (unknown_ok && outcome == "unknown"))
          << check_id << " is " << outcome << ": " << check["reason"];
      EXPECT_EQ(StepOf(started, check_id)["check"], check);
      EXPECT_NE(c["recommendation"]["verdict"], "approve");
      // The offending record is in the evidence the check used.
      if (kind == "open_customs_hold") {
        const std::vector<json> ids = Column(c, "holds", "hold_id");
        EXPECT_NE(std::find(ids.begin(), ids.end(), json(detail)), ids.end());
        EXPECT_TRUE(Contains(check["reason"], detail)) << check["reason"];
      } else if (kind == "unpaid_invoice") {
        const std::vector<json> ids = Column(c, "invoices", "invoice_id");
        EXPECT_NE(std::find(ids.begin(), ids.end(), json(detail)), ids.end());
        EXPECT_TRUE(Contains(check["reason"], detail)) << check["reason"];
      } else if (kind == "missing_delivery_order") {
        EXPECT_TRUE(Column(c, "delivery_order", "do_number").empty());
        EXPECT_EQ(check["reason"], "no delivery order from the shipping line");
      } else if (kind == "expired_delivery_order") {
        const std::vector<json> dos = Column(c, "delivery_order", "do_number");
        ASSERT_EQ(dos.size(), 1u);
        EXPECT_EQ(dos[0], detail);
        const std::string valid_until = Column(c, "delivery_order", "valid_until")[0];
        EXPECT_LT(valid_until, std::string(kAsOf).substr(0, 10));
        EXPECT_TRUE(Contains(check["reason"], "expired on " + valid_until)) << check["reason"];
      } else {
        // "name a" vs "name b": both names are in the evidence, and the reason quotes them.
        const std::vector<json> bl = Column(c, "bill_of_lading", "consignee_name");
        ASSERT_EQ(bl.size(), 1u);
        EXPECT_TRUE(Contains(detail, bl[0].get<std::string>())) << bl[0];
        EXPECT_TRUE(Contains(check["reason"], bl[0].get<std::string>())) << check["reason"];
        if (kind == "tos_consignee_mismatch") {
          const std::string tos = Column(c, "container", "consignee_name")[0];
          EXPECT_TRUE(Contains(detail, tos)) << tos;
          EXPECT_NE(tos, bl[0]);
        }
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, summary_["problems"].size());

  // A clean container passes every check, and is recommended for release.
  const json clean = ShowCase(StartCase("release-bot", kRelease, CleanContainer())["id"]);
  int checks = 0;
  for (const json& step : clean["steps"]) {
    if (step["kind"] != "check") continue;
    ++checks;
    EXPECT_EQ(step["check"]["outcome"], "pass") << step.dump();
  }
  EXPECT_EQ(checks, 5);
  EXPECT_EQ(clean["recommendation"]["verdict"], "approve");
}

TEST_F(WorkflowCliTest, ABadDefinitionIsRefusedNamingFileLineAndColumn) {
  const std::string head = "name: broken\nprincipal: release-desk\nsteps:\n";
  struct Bad {
    std::string name, steps, message;
  } cases[] = {
      {"cycle.yaml",
       "  - id: a\n    kind: query\n    needs: [b]\n    sql: SELECT 1\n"
       "  - id: b\n    kind: query\n    needs: [a]\n    sql: SELECT 2\n",
       "cycle.yaml:6:12: steps[0].needs: cycle: a -> b -> a"},
      {"unknown_use.yaml",
       "  - id: holds\n    kind: query\n    sql: SELECT 1 AS x\n"
       "  - id: hold_released\n    kind: check\n    uses: [hold]\n    sql: SELECT 1 AS pass\n",
       "unknown_use.yaml:9:12: steps[1].uses[0]: unknown step 'hold'"},
      {"approve_when.yaml",
       "  - id: holds\n    kind: query\n    sql: SELECT 1 AS x\n"
       "  - id: hold_released\n    kind: check\n    uses: [holds]\n    sql: SELECT 1 AS pass\n"
       "recommend:\n  approve_when: [hold_released, invoices_paid]\n",
       "approve_when.yaml:12:33: recommend.approve_when[1]: unknown step 'invoices_paid'"},
  };
  for (const Bad& bad : cases) {
    e2e::WriteFile(dir_ / bad.name, head + bad.steps);
    e2e::Outcome add = Cairn({"workflow", "add", bad.name});
    EXPECT_EQ(add.exit_code, kInvalidArgument) << bad.name << ": " << add.err;
    EXPECT_TRUE(Contains(add.err, bad.message)) << add.err;
    EXPECT_EQ(add.out, "");
  }
  // An evaluation refuses a broken candidate the same way, and nothing was registered.
  e2e::Outcome eval = Cairn({"workflow", "eval", kRelease, "--candidate", "cycle.yaml"});
  EXPECT_EQ(eval.exit_code, kInvalidArgument);
  EXPECT_TRUE(Contains(eval.err, "cycle.yaml:6:12:")) << eval.err;
  EXPECT_EQ(Json("", {"workflow", "list"}).size(), 1u);
  e2e::Outcome missing = Cairn({"workflow", "add", "no_such_file.yaml"});
  EXPECT_EQ(missing.exit_code, kNotFound) << missing.err;
}

TEST_F(WorkflowCliTest, OnlyAPersonOfTheRoleDecidesAndOnlyOnce) {
  const int64_t id = summary_["cases"][0]["id"];  // waiting for a release officer
  const std::string case_id = std::to_string(id);

  // An agent never decides, whatever its roles.
  e2e::Outcome agent = As("release-bot", {"case", "decide", case_id, "approve", "--reason", "ok"});
  EXPECT_EQ(agent.exit_code, kPermissionDenied) << agent.err;
  EXPECT_TRUE(Contains(agent.err, "PermissionDenied: 'release-bot' is an agent")) << agent.err;
  // A person of another role who did not start the case does not even see it.
  e2e::Outcome outsider = As("olga", {"case", "decide", case_id, "approve", "--reason", "ok"});
  EXPECT_EQ(outsider.exit_code, kNotFound) << outsider.err;
  // One who started a case sees it, but may not decide it without the role.
  const json own = StartCase("olga", kRelease, CleanContainer());
  e2e::Outcome role = As("olga", {"case", "decide", std::to_string(own["id"].get<int64_t>()),
                                  "approve", "--reason", "mine"});
  EXPECT_EQ(role.exit_code, kPermissionDenied) << role.err;
  EXPECT_TRUE(Contains(role.err, "role 'release_officer' required")) << role.err;
  // A reason is required.
  e2e::Outcome blank = As("rita", {"case", "decide", case_id, "approve", "--reason", " "});
  EXPECT_EQ(blank.exit_code, kInvalidArgument) << blank.err;
  // The refusals are ledgered.
  json denials = Json("", {"ledger", "search", "--action", "case:decide"});
  int refused = 0;
  for (const json& e : denials) refused += Contains(e["decision"], "deny: ");
  EXPECT_EQ(refused, 2) << denials.dump(1);

  // The release officer decides once; a second decision is a conflict naming the first.
  json decided = Json("rita", {"case", "decide", case_id, "approve", "--reason", "all clear"});
  EXPECT_EQ(decided["status"], "done");
  EXPECT_EQ(decided["decision"]["verdict"], "approve");
  EXPECT_EQ(decided["decision"]["by"], "rita");
  EXPECT_EQ(decided["actions"][0]["status"], "delivered");
  e2e::Outcome again = As("rita", {"case", "decide", case_id, "reject", "--reason", "changed"});
  EXPECT_EQ(again.exit_code, kFailedPrecondition) << again.err;
  EXPECT_TRUE(Contains(again.err, "is not waiting for a decision (status done: approve by rita)"))
      << again.err;
  EXPECT_EQ(ShowCase(id)["decision"]["verdict"], "approve");
}

TEST_F(WorkflowCliTest, PromotionWithoutEvidenceIsRefusedWithTheFiguresAndForcingIsLedgered) {
  e2e::Outcome refused = Cairn({"workflow", "promote", kRelease});
  EXPECT_EQ(refused.exit_code, kPermissionDenied) << refused.err;
  EXPECT_TRUE(Contains(refused.err,
                       "promotion of 'container_release' from observe refused: 0 "
                       "human-decided cases at level observe, 50 needed"))
      << refused.err;
  EXPECT_TRUE(Contains(refused.err, "agreement 0.0% below 98.0%")) << refused.err;
  e2e::Outcome no_reason = Cairn({"workflow", "promote", kRelease, "--force"});
  EXPECT_EQ(no_reason.exit_code, kInvalidArgument) << no_reason.err;
  e2e::Outcome officer =
      As("rita", {"workflow", "promote", kRelease, "--force", "--reason", "trust me"});
  EXPECT_EQ(officer.exit_code, kPermissionDenied) << officer.err;
  EXPECT_EQ(Json("", {"workflow", "show", kRelease})["level"], "observe");

  json forced = Json("", {"workflow", "promote", kRelease, "--force", "--reason", "pilot week"});
  EXPECT_EQ(forced["level"], "suggest");
  const json event = forced["events"].back();
  EXPECT_EQ(event["kind"], "promote");
  EXPECT_EQ(event["forced"], true);
  EXPECT_EQ(event["reason"], "pilot week");
  EXPECT_EQ(event["figures"]["cases"], 0);
  json ledger = Json("", {"ledger", "search", "--action", "workflow:promote"});
  ASSERT_GE(ledger.size(), 2u) << ledger.dump(1);
  EXPECT_TRUE(Contains(ledger[0]["decision"], "deny: 0 human-decided cases")) << ledger.dump(1);
  EXPECT_EQ(ledger.back()["decision"], "allow: forced: pilot week");
  EXPECT_EQ(ledger.back()["seq"], event["ledger_seq"]);
}

TEST_F(WorkflowCliTest, AWorseCandidateLosesTheEvaluationAndIsPromotedOnlyByForce) {
  // Rita rejects a container held by customs and approves a clean one: both agree with the
  // current version's recommendation.
  const std::string held = OnlyProblem("open_customs_hold");
  const int64_t held_case = StartCase("release-bot", kRelease, held)["id"];
  const int64_t clean_case = StartCase("release-bot", kRelease, CleanContainer())["id"];
  Json("rita", {"case", "decide", std::to_string(held_case), "reject", "--reason", "held"});
  Json("rita", {"case", "decide", std::to_string(clean_case), "approve", "--reason", "clear"});

  // The candidate forgets the customs hold: it would release the held container.
  std::string text = e2e::ReadFile(dir_ / "workflows" / "container_release.yaml");
  const std::string from = "approve_when: [in_yard, hold_released, invoices_paid";
  ASSERT_TRUE(Contains(text, from));
  text.replace(text.find(from), from.size(), "approve_when: [in_yard, invoices_paid");
  e2e::WriteFile(dir_ / "workflows" / "no_hold.yaml", text);

  json report = Json("", {"workflow", "eval", kRelease, "--candidate", "workflows/no_hold.yaml"});
  EXPECT_EQ(report["current"]["cases"], 2);
  EXPECT_EQ(report["current"]["agreement"], 1.0);
  EXPECT_EQ(report["candidate"]["agreement"], 0.5);
  EXPECT_EQ(report["candidate"]["rejected_approved"], 1);
  ASSERT_EQ(report["changed"].size(), 1u) << report.dump(1);
  const json flipped = report["changed"][0];
  EXPECT_EQ(flipped["case"], held_case);
  EXPECT_EQ(flipped["human"], "reject");
  EXPECT_EQ(flipped["current"], "reject");
  EXPECT_EQ(flipped["candidate"], "approve");
  EXPECT_EQ(report["gate"]["pass"], false);
  EXPECT_TRUE(Contains(report["gate"]["why"].dump(), "agreement 50.0% is below"));
  EXPECT_TRUE(Contains(report["gate"]["why"].dump(), "approve 1 case(s) a human rejected"));
  // The same report for people.
  e2e::Outcome text_report =
      Cairn({"workflow", "eval", kRelease, "--candidate", "workflows/no_hold.yaml"});
  EXPECT_EQ(text_report.exit_code, 0) << text_report.err;
  EXPECT_TRUE(Contains(text_report.out, "case " + std::to_string(held_case) + " "))
      << text_report.out;
  EXPECT_TRUE(Contains(text_report.out, "human reject, current reject, candidate approve"));
  EXPECT_TRUE(Contains(text_report.out, "gate: fails")) << text_report.out;

  e2e::Outcome refused =
      Cairn({"workflow", "promote", kRelease, "--candidate", "workflows/no_hold.yaml"});
  EXPECT_EQ(refused.exit_code, kPermissionDenied) << refused.err;
  EXPECT_TRUE(Contains(refused.err, "refused by the evaluation gate")) << refused.err;
  e2e::Outcome no_reason =
      Cairn({"workflow", "promote", kRelease, "--candidate", "workflows/no_hold.yaml", "--force"});
  EXPECT_EQ(no_reason.exit_code, kInvalidArgument) << no_reason.err;
  EXPECT_EQ(Json("", {"workflow", "show", kRelease})["version"], report["current"]["version"]);

  json forced = Json("", {"workflow", "promote", kRelease, "--candidate", "workflows/no_hold.yaml",
                          "--force", "--reason", "customs checks move upstream"});
  EXPECT_EQ(forced["version"], report["candidate"]["version"]);
  EXPECT_EQ(forced["level"], "observe");
  const json event = forced["events"].back();
  EXPECT_EQ(event["kind"], "version");
  EXPECT_EQ(event["forced"], true);
  EXPECT_EQ(event["reason"], "customs checks move upstream");
  json ledger = Json("", {"ledger", "search", "--action", "workflow:version"});
  ASSERT_EQ(ledger.size(), 2u) << ledger.dump(1);
  EXPECT_TRUE(Contains(ledger[0]["decision"], "deny: agreement 50.0%")) << ledger.dump(1);
  EXPECT_EQ(ledger[1]["decision"], "allow: forced: customs checks move upstream");
  // New cases run the promoted version: the held container is now recommended for release.
  const json after = ShowCase(StartCase("release-bot", kRelease, held)["id"]);
  EXPECT_EQ(after["version"], report["candidate"]["version"]);
  EXPECT_EQ(after["recommendation"]["verdict"], "approve");
}

TEST_F(WorkflowCliTest, AnActionWhoseWebhookIsDownWaitsAndIsDeliveredOnceWhenItComesUp) {
  const int port = FreePort();
  std::string text = e2e::ReadFile(dir_ / "workflows" / "container_release.yaml");
  const std::string name = "name: container_release";
  const std::string sink = "sink: {outbox: ../outbox/release_orders.sqlite}";
  ASSERT_TRUE(Contains(text, name) && Contains(text, sink));
  text.replace(text.find(name), name.size(), "name: webhook_release");
  text.replace(text.find(sink), sink.size(),
               "sink: {webhook: \"http://127.0.0.1:" + std::to_string(port) + "/releases\"}");
  e2e::WriteFile(dir_ / "workflows" / "webhook_release.yaml", text);
  Json("", {"workflow", "add", "workflows/webhook_release.yaml"});

  const int64_t id = StartCase("release-bot", "webhook_release", CleanContainer())["id"];
  // The decision stands although the delivery failed: the action waits, with its error.
  json decided = Json("rita", {"case", "decide", std::to_string(id), "approve", "--reason", "ok"});
  EXPECT_EQ(decided["decision"]["verdict"], "approve");
  EXPECT_EQ(decided["status"], "actioning");
  ASSERT_EQ(decided["actions"].size(), 1u);
  json action = decided["actions"][0];
  EXPECT_EQ(action["sink"], "webhook");
  EXPECT_EQ(action["status"], "pending");
  EXPECT_EQ(action["attempts"], 1);
  EXPECT_TRUE(Contains(action["last_error"], "Unavailable: webhook http://127.0.0.1:"))
      << action.dump();
  const std::string key = action["idempotency_key"];
  // Not due yet (a second of backoff): a resume now leaves it.
  json early = Json("", {"case", "resume"});
  EXPECT_EQ(early["actions_delivered"], 0);
  EXPECT_EQ(early["actions_pending"], 1);
  e2e::Outcome text_view = Cairn({"case", "show", std::to_string(id)});
  EXPECT_TRUE(Contains(text_view.out, "release_order -> http://127.0.0.1:" + std::to_string(port) +
                                          "/releases: pending after "))
      << text_view.out;
  // (A second attempt may already have failed if the clock turned a second meanwhile.)
  const int64_t attempts = ShowCase(id)["actions"][0]["attempts"];

  WebhookSink receiver(port);
  ASSERT_TRUE(receiver.listening()) << "port " << port << " was taken meanwhile";
  const auto deadline = Clock::now() + std::chrono::seconds(15);
  json resumed;
  do {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    resumed = Json("", {"case", "resume"});
  } while (resumed["actions_delivered"] == 0 && Clock::now() < deadline);
  EXPECT_EQ(resumed["actions_delivered"], 1) << resumed.dump();
  EXPECT_EQ(resumed["actions_pending"], 0);
  // Later resumes send nothing more.
  EXPECT_EQ(Json("", {"case", "resume"})["actions_delivered"], 0);

  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].first, key);
  const json payload = ParseJson(requests[0].second);
  EXPECT_EQ(payload["case"], id);
  EXPECT_EQ(payload["action"], "release_order");
  EXPECT_EQ(payload["decision"], "approve");
  const json c = ShowCase(id);
  EXPECT_EQ(c["status"], "done");
  EXPECT_EQ(c["actions"][0]["status"], "delivered");
  EXPECT_EQ(c["actions"][0]["attempts"], attempts + 1);
  EXPECT_TRUE(c["actions"][0]["last_error"].is_null());
}

}  // namespace
}  // namespace cairn
