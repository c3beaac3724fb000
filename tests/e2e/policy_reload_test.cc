// A policy changed while `cairn serve` runs: every worker takes the new policy.yaml within
// Workspace::kPolicyRefresh (2 s) of the change, whole (a request sees the old or the new
// policy, never a mix of the two), the change is ledgered once, and a broken file keeps the
// policy in force and says so. Clients hammer REST from several threads while the file flips.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "cli_harness.h"
#include "serve_harness.h"

namespace cairn {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

// Old: Brazil's customers, e-mail masked to its last four characters.
constexpr char kPolicyBrazil[] = R"(version: 1
roles:
  support_agent: Customer support
grants:
  - roles: [support_agent]
    source: c
    tables: [Customer]
    columns: [CustomerId, Country, Email]
row_filters:
  - source: c
    table: Customer
    where: "Country = :country"
masks:
  - source: c
    table: Customer
    column: Email
    mask: last4
)";

// New: Germany's customers, e-mail in clear.
constexpr char kPolicyGermany[] = R"(version: 1
roles:
  support_agent: Customer support
grants:
  - roles: [support_agent]
    source: c
    tables: [Customer]
    columns: [CustomerId, Country, Email]
row_filters:
  - source: c
    table: Customer
    where: "Country = 'Germany'"
)";

// Which policy an answer to kQuery was computed under.
enum class Seen { kBrazil, kGermany, kMix, kError };
constexpr char kQuery[] = "SELECT Country, Email FROM c.Customer ORDER BY CustomerId";

Seen Classify(const e2e::HttpReply& reply, std::string* why) {
  const json body = json::parse(reply.body, nullptr, false);
  if (reply.status != 200 || body.is_discarded() || !body.contains("rows")) {
    *why = "HTTP " + std::to_string(reply.status) + ": " + reply.body;
    return Seen::kError;
  }
  int brazil = 0, germany = 0;
  for (const json& row : body["rows"]) {
    const std::string country = row[0].get<std::string>();
    const std::string email = row[1].get<std::string>();
    const bool masked = email.rfind("****", 0) == 0 && email.find('@') == std::string::npos;
    if (country == "Brazil" && masked) {
      ++brazil;
    } else if (country == "Germany" && !masked && email.find('@') != std::string::npos) {
      ++germany;
    } else {
      *why = "row " + row.dump() + " in " + reply.body;
      return Seen::kMix;
    }
  }
  if (brazil == 5 && germany == 0) return Seen::kBrazil;
  if (germany == 4 && brazil == 0) return Seen::kGermany;
  *why = std::to_string(brazil) + " Brazil and " + std::to_string(germany) +
         " Germany rows: " + reply.body;
  return Seen::kMix;
}

struct Observation {
  Clock::time_point sent;
  Seen seen;
};

class PolicyReloadTest : public e2e::CliTest {
 protected:
  // Replaces policy.yaml as editors and deployment tools do: a new file renamed over the old.
  void WritePolicy(const std::string& text) {
    e2e::WriteFile(dir_ / "policy.yaml.new", text);
    fs::rename(dir_ / "policy.yaml.new", dir_ / "policy.yaml");
  }
};

TEST_F(PolicyReloadTest, EveryWorkerTakesTheChangedFileWholeWithinTheRefreshDelay) {
  ::unsetenv("CAIRN_TOKEN");
  fs::copy_file(e2e::TestData() / "chinook.sqlite", dir_ / "chinook.sqlite");
  e2e::WriteFile(dir_ / "cairn.yaml",
                 "version: 1\nsources:\n  c:\n    kind: sqlite\n    path: chinook.sqlite\n");
  WritePolicy(kPolicyBrazil);
  ASSERT_EQ(
      Cairn({"principal", "add", "alice", "--role", "support_agent", "--attr", "country=Brazil"})
          .exit_code,
      0);
  e2e::Outcome issued = Cairn({"token", "issue", "alice"});
  ASSERT_EQ(issued.exit_code, 0) << issued.err;
  const std::string token = issued.out.substr(0, issued.out.find('\n'));

  e2e::ServeProcess server;
  std::string error;
  ASSERT_TRUE(server.StartCommand({"--config", (dir_ / "cairn.yaml").string(), "serve", "--port",
                                   "0", "--workers", "4", "--access-log", "off", "--rate", "0"},
                                  "cairn: serving on http://127.0.0.1:", dir_ / "serve.log",
                                  &error))
      << error;

  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<Observation> seen;
  std::vector<std::string> failures;
  std::vector<std::thread> clients;
  for (int c = 0; c < 6; ++c) {
    clients.emplace_back([&] {
      while (!stop) {
        const Clock::time_point sent = Clock::now();
        e2e::HttpReply reply;
        std::string why;
        Seen kind = Seen::kError;
        if (!e2e::HttpPost(
                server.port(), "/api/v1/query",
                {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}},
                json{{"sql", kQuery}}.dump(), &reply, &why)) {
          kind = Seen::kError;
        } else {
          kind = Classify(reply, &why);
        }
        std::lock_guard<std::mutex> lock(mu);
        seen.push_back({sent, kind});
        if (kind == Seen::kMix || kind == Seen::kError) failures.push_back(why);
      }
    });
  }

  // Warm up (each worker's first request opens the principal's session): the change comes once
  // the clients have had 20 answers.
  bool warm = false;
  for (const Clock::time_point deadline = Clock::now() + std::chrono::seconds(60);
       !warm && Clock::now() < deadline;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::lock_guard<std::mutex> lock(mu);
    warm = seen.size() >= 20;
  }
  if (!warm) {
    stop = true;
    for (std::thread& client : clients) client.join();
    FAIL() << "fewer than 20 answers within 60 s; first failure: "
           << (failures.empty() ? "none" : failures.front());
  }
  // Each change counts from the moment the file is in place: under load this thread can be
  // descheduled for a few hundred milliseconds between reading the clock and the rename, and
  // a worker checking in between rightly sees the old file (CI saw answers 2.20-2.26 s after
  // a clock read taken before the write).
  // Checked windows end before the next write starts.
  const Clock::time_point before_germany = Clock::now();
  WritePolicy(kPolicyGermany);
  const Clock::time_point to_germany = Clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(4500));
  const Clock::time_point before_brazil = Clock::now();
  WritePolicy(kPolicyBrazil);
  const Clock::time_point back_to_brazil = Clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(4500));
  const Clock::time_point broken = Clock::now();
  WritePolicy("version: 1\ngrants: [\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(4500));
  stop = true;
  for (std::thread& client : clients) client.join();

  EXPECT_TRUE(failures.empty()) << failures.size()
                                << " answers mixed or failed; first: " << failures.front();
  // kPolicyRefresh is 2 s: a request sent later than that after a change sees the change.
  const auto settled = std::chrono::milliseconds(2200);
  int before = 0, germany = 0, after = 0, kept = 0;
  Clock::duration first_germany = Clock::duration::max();
  for (const Observation& o : seen) {
    if (o.seen == Seen::kGermany && o.sent >= to_germany) {
      first_germany = std::min(first_germany, o.sent - to_germany);
    }
    if (o.sent < before_germany) {
      EXPECT_EQ(o.seen, Seen::kBrazil) << "before any change";
      ++before;
    } else if (o.sent >= to_germany + settled && o.sent < before_brazil) {
      EXPECT_EQ(o.seen, Seen::kGermany)
          << "sent "
          << std::chrono::duration_cast<std::chrono::milliseconds>(o.sent - to_germany).count()
          << " ms after the change to Germany";
      ++germany;
    } else if (o.sent >= back_to_brazil + settled && o.sent < broken) {
      EXPECT_EQ(o.seen, Seen::kBrazil) << "after the change back";
      ++after;
    } else if (o.sent >= broken) {
      EXPECT_EQ(o.seen, Seen::kBrazil) << "the broken file must keep the policy in force";
      ++kept;
    }
  }
  EXPECT_GE(before, 20);
  EXPECT_GT(germany, 10);
  EXPECT_GT(after, 10);
  EXPECT_GT(kept, 10);
  EXPECT_LT(first_germany, settled);

  ASSERT_EQ(server.Stop(&error), 0) << error;
  const std::string log = server.ReadLog();
  EXPECT_NE(log.find("policy reload failed, the previous policy stays in force"), std::string::npos)
      << log;
  EXPECT_NE(log.find("policy.yaml"), std::string::npos) << log;

  WritePolicy(kPolicyBrazil);  // the CLI refuses to run on a broken policy
  // Each policy version is ledgered once, however many workers took it; going back to a
  // version already in force before is not a new one.
  e2e::Outcome ledger =
      Cairn({"ledger", "search", "--action", "policy_change", "--format", "json"});
  ASSERT_EQ(ledger.exit_code, 0) << ledger.err;
  int germany_entries = 0, brazil_entries = 0;
  for (const json& entry : json::parse(ledger.out)) {
    const std::string text = entry.dump();
    if (text.find("0 masks") != std::string::npos) ++germany_entries;
    if (text.find("1 masks") != std::string::npos) ++brazil_entries;
  }
  EXPECT_EQ(germany_entries, 1) << ledger.out;
  EXPECT_EQ(brazil_entries, 1) << ledger.out;
}

}  // namespace
}  // namespace cairn
