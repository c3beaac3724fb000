// Several `cairn serve` nodes on one PostgreSQL state (issue 12), as an operator runs them:
// the demo's embedded state is moved with `cairn state migrate --to`, then three node
// directories (the same cairn.yaml with a `state:` section, the same sources, no .cairn/ state
// of their own) serve it at once.
//
// The PostgreSQL server is a private one started by scripts/pg.sh on a port of its own, so the
// restart scenario cannot disturb the tests that share the suite's server.
//
//   CrossNode      a token issued through node A works on B and, revoked through C, stops
//                  working on B; a case started on A is decided on B exactly once (C gets 409);
//                  a label confirmed through one node masks the column on another within the
//                  policy refresh delay; the ledger verifies.
//   Concurrent     clients on all three nodes query at once while one node is SIGKILLed: the
//                  others keep answering, every acknowledged query is in the ledger, the ledger
//                  has no gap or duplicate and verifies.
//   PgRestart      PostgreSQL stops: every node's /readyz says 503; it starts again: every node
//                  is ready and answers again, none restarted.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "cli_harness.h"
#include "serve_harness.h"

namespace cairn {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr char kAsOf[] = "2026-03-02T00:00:00Z";  // the demo's frozen "now"

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

bool PortFree(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool used = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return !used;
}

int Shell(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The private PostgreSQL of this suite (scripts/pg.sh with its own port and directory).
class PrivatePg {
 public:
  bool Start(std::string* error) {
    // ctest runs each test in its own process, two at a time: every process starts its own
    // server, on a random free port (retried if another process took it first).
    std::random_device random;
    for (int attempt = 0; attempt < 8; ++attempt) {
      port_ = 55400 + static_cast<int>(random() % 2000);
      if (!PortFree(port_)) continue;
      dir_ = fs::temp_directory_path() /
             ("cairn-multinode-pg-" + std::to_string(::getpid()) + "-" + std::to_string(port_));
      if (Run("start") == 0) {
        started_ = true;
        return true;
      }
      Run("stop");
    }
    *error = "scripts/pg.sh start failed on 8 random ports";
    return false;
  }
  ~PrivatePg() {
    if (started_) Run("stop");
  }
  int Run(const std::string& what) const {
    return Shell("CAIRN_PG_PORT=" + std::to_string(port_) + " CAIRN_PG_DIR=" +
                 e2e::ShellQuote(dir_.string()) + " CAIRN_TEST_PG_PASSWORD=" + password() + " " +
                 e2e::ShellQuote(std::string(CAIRN_SOURCE_DIR) + "/scripts/pg.sh") + " " + what +
                 " >/dev/null 2>&1");
  }
  // Runs `sql` as the superuser on database `db`.
  int Psql(const std::string& db, const std::string& sql) const {
    return Shell("PGPASSWORD=" + password() + " psql -h 127.0.0.1 -p " + std::to_string(port_) +
                 " -U cairn -d " + db + " -qAt -c " + e2e::ShellQuote(sql) + " >/dev/null 2>&1");
  }
  std::string Url(const std::string& db) const {
    return "postgres://cairn@127.0.0.1:" + std::to_string(port_) + "/" + db;
  }
  static std::string password() { return "multinode-pw"; }

 private:
  int port_ = 0;
  fs::path dir_;
  bool started_ = false;
};

class MultiNodeTest : public e2e::CliTest {
 protected:
  static void SetUpTestSuite() {
    if (Env("CAIRN_TEST_PG_HOST").empty() && Env("CAIRN_REQUIRE_PG") != "1") return;
    pg_ = new PrivatePg();
    std::string error;
    if (!pg_->Start(&error)) {
      delete pg_;
      pg_ = nullptr;
      start_error_ = error;
    }
  }
  static void TearDownTestSuite() {
    delete pg_;
    pg_ = nullptr;
  }

  void SetUp() override {
    if (pg_ == nullptr) {
      if (Env("CAIRN_REQUIRE_PG") == "1" || !start_error_.empty()) {
        FAIL() << "no private PostgreSQL for the multi-node tests: " << start_error_;
      }
      GTEST_SKIP() << "no test PostgreSQL (CAIRN_TEST_PG_HOST unset)";
    }
    e2e::CliTest::SetUp();
    ::unsetenv("CAIRN_TOKEN");
    ::unsetenv("CAIRN_STATE");
    ::setenv("CAIRN_STATE_PASSWORD", PrivatePg::password().c_str(), 1);
    std::random_device random;
    db_ = "cairn_nodes_" + std::to_string(random() % 100000000);
    ASSERT_EQ(pg_->Psql("postgres", "CREATE DATABASE " + db_), 0);

    e2e::Outcome demo = Cairn({"demo", "--containers", "60", "--format", "json"});
    ASSERT_EQ(demo.exit_code, 0) << demo.err;
    summary_ = json::parse(demo.out);
    // Tokens issued before the move travel with the state.
    for (const std::string who : {"rita", "release-bot"}) {
      e2e::Outcome issued = Cairn({"token", "issue", who});
      ASSERT_EQ(issued.exit_code, 0) << issued.err;
      tokens_[who] = issued.out.substr(0, issued.out.find('\n'));
    }
    e2e::Outcome moved = Cairn({"state", "migrate", "--to", pg_->Url(db_), "--password-env",
                                "CAIRN_STATE_PASSWORD", "--format", "json"});
    ASSERT_EQ(moved.exit_code, 0) << moved.err << moved.out;
    const json report = json::parse(moved.out);
    ASSERT_GT(report["rows"].get<int64_t>(), 0) << moved.out;
    ASSERT_GT(report["ledger"]["entries"].get<int64_t>(), 0) << moved.out;

    // Three node directories: the same configuration and sources, the state in PostgreSQL.
    for (int i = 0; i < 3; ++i) {
      const fs::path node = dir_ / ("node" + std::to_string(i));
      fs::create_directories(node);
      for (const auto& entry : fs::directory_iterator(dir_)) {
        const std::string name = entry.path().filename().string();
        if (name == ".cairn" || name.rfind("node", 0) == 0 || name[0] == '.') continue;
        fs::copy(entry.path(), node / name, fs::copy_options::recursive);
      }
      std::string config = e2e::ReadFile(node / "cairn.yaml");
      config += "\nstate:\n  url: " + pg_->Url(db_) + "\n  password: \"${CAIRN_STATE_PASSWORD}\"\n";
      e2e::WriteFile(node / "cairn.yaml", config);
      nodes_.push_back(node);
    }
  }

  void TearDown() override {
    for (auto& server : servers_) {
      if (server && server->running()) {
        std::string error;
        server->Stop(&error);
      }
    }
    servers_.clear();
    if (pg_ != nullptr && !db_.empty())
      pg_->Psql("postgres", "DROP DATABASE IF EXISTS " + db_ + " WITH (FORCE)");
    e2e::CliTest::TearDown();
  }

  void StartNodes() {
    for (size_t i = 0; i < nodes_.size(); ++i) {
      auto server = std::make_unique<e2e::ServeProcess>();
      std::string error;
      ASSERT_TRUE(server->Start(nodes_[i] / "cairn.yaml", nodes_[i] / ".serve.log", &error))
          << "node " << i << ": " << error;
      servers_.push_back(std::move(server));
    }
  }

  // `cairn` in node directory `i` (its cairn.yaml points at the shared state).
  e2e::Outcome OnNode(size_t i, std::vector<std::string> args, const std::string& token = "") {
    args.insert(args.begin(), {"--config", (nodes_[i] / "cairn.yaml").string()});
    if (!token.empty()) ::setenv("CAIRN_TOKEN", token.c_str(), 1);
    e2e::Outcome outcome = Cairn(args);
    ::unsetenv("CAIRN_TOKEN");
    return outcome;
  }

  e2e::HttpReply Rest(size_t node, const std::string& method, const std::string& target,
                      const std::string& token, const json& body = nullptr) {
    e2e::HttpReply reply;
    std::string error;
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}};
    const bool sent =
        e2e::HttpSend(method, servers_[node]->port(), target, headers,
                      body.is_null() ? "" : body.dump(), &reply, &error, std::chrono::seconds(30));
    if (!sent) reply.status = 0, reply.body = error;
    return reply;
  }

  int Ready(size_t node) {
    e2e::HttpReply reply;
    std::string error;
    if (!e2e::HttpSend("GET", servers_[node]->port(), "/readyz", {}, "", &reply, &error,
                       std::chrono::seconds(10))) {
      return 0;
    }
    return reply.status;
  }

  std::string CleanContainer() const {
    for (const json& c : summary_["cases"]) {
      if (c["problem"].is_null()) return c["container_no"];
    }
    return "";
  }

  static PrivatePg* pg_;
  static std::string start_error_;
  std::string db_;
  json summary_;
  std::map<std::string, std::string> tokens_;
  std::vector<fs::path> nodes_;
  std::vector<std::unique_ptr<e2e::ServeProcess>> servers_;
};

PrivatePg* MultiNodeTest::pg_ = nullptr;
std::string MultiNodeTest::start_error_;

TEST_F(MultiNodeTest, CrossNode) {
  // Moving a state into a database that already holds one is refused, as is a password
  // variable that is not set; neither touches the target.
  e2e::Outcome twice =
      Cairn({"state", "migrate", "--to", pg_->Url(db_), "--password-env", "CAIRN_STATE_PASSWORD"});
  EXPECT_EQ(twice.exit_code, 8) << twice.err;
  EXPECT_NE(twice.err.find("already holds a Cairn state"), std::string::npos) << twice.err;
  // Refused before anything happened: the source's ledger holds only the move that was made.
  e2e::Outcome moves = Cairn({"ledger", "search", "--action", "state_migrate", "--format", "json"});
  ASSERT_EQ(moves.exit_code, 0) << moves.err;
  EXPECT_EQ(json::parse(moves.out).size(), 1u) << moves.out;
  e2e::Outcome unset = Cairn(
      {"state", "migrate", "--to", pg_->Url(db_), "--password-env", "CAIRN_NO_SUCH_VARIABLE"});
  EXPECT_EQ(unset.exit_code, 3) << unset.err;
  EXPECT_NE(unset.err.find("CAIRN_NO_SUCH_VARIABLE is not set"), std::string::npos) << unset.err;

  StartNodes();
  // A token issued through node A (its CLI) works on node B; revoked through C, it stops.
  e2e::Outcome issued = OnNode(0, {"token", "issue", "rita", "--format", "json"});
  ASSERT_EQ(issued.exit_code, 0) << issued.err;
  const json token = json::parse(issued.out);
  const std::string secret = token["secret"];
  EXPECT_EQ(Rest(1, "GET", "/api/v1/sources", secret).status, 200);
  e2e::Outcome revoked = OnNode(2, {"token", "revoke", token["id"].get<std::string>()});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  EXPECT_EQ(Rest(1, "GET", "/api/v1/sources", secret).status, 401);

  // A case started on A is decided on B, exactly once.
  const std::string container = CleanContainer();
  ASSERT_FALSE(container.empty());
  e2e::HttpReply started = Rest(0, "POST", "/api/v1/cases", tokens_["release-bot"],
                                {{"workflow", "container_release"},
                                 {"inputs", {{"container_no", container}}},
                                 {"as_of", kAsOf}});
  ASSERT_EQ(started.status, 201) << started.body;
  const int64_t id = json::parse(started.body)["id"];
  const std::string decision = "/api/v1/cases/" + std::to_string(id) + "/decision";
  e2e::HttpReply decided = Rest(1, "POST", decision, tokens_["rita"],
                                {{"verdict", "approve"}, {"reason", "all checks pass"}});
  EXPECT_EQ(decided.status, 200) << decided.body;
  e2e::HttpReply again = Rest(2, "POST", decision, tokens_["rita"],
                              {{"verdict", "reject"}, {"reason", "second opinion"}});
  EXPECT_EQ(again.status, 409) << again.body;
  e2e::HttpReply seen = Rest(2, "GET", "/api/v1/cases/" + std::to_string(id), tokens_["rita"]);
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_EQ(json::parse(seen.body)["decision"]["verdict"], "approve") << seen.body;

  // Every node's appends are one log.
  e2e::Outcome verified = OnNode(1, {"ledger", "verify"});
  EXPECT_EQ(verified.exit_code, 0) << verified.err << verified.out;
}

TEST_F(MultiNodeTest, ConcurrentAppendsSurviveANodeKilledUnderLoad) {
  StartNodes();
  const std::string admin = [&] {
    e2e::Outcome issued = OnNode(0, {"token", "issue", "admin"});
    return issued.out.substr(0, issued.out.find('\n'));
  }();
  std::atomic<bool> stop{false};
  std::atomic<int64_t> acknowledged{0};
  std::atomic<int64_t> failed_on_survivors{0};
  std::vector<std::thread> clients;
  for (size_t node = 0; node < 3; ++node) {
    for (int c = 0; c < 3; ++c) {
      clients.emplace_back([&, node] {
        while (!stop) {
          e2e::HttpReply reply = Rest(node, "POST", "/api/v1/query", admin,
                                      {{"sql", "SELECT count(*) FROM tos.containers"}});
          if (reply.status == 200) {
            ++acknowledged;
          } else if (node != 2) {
            ++failed_on_survivors;
          }
        }
      });
    }
  }
  std::this_thread::sleep_for(std::chrono::seconds(3));
  servers_[2]->Kill();
  std::this_thread::sleep_for(std::chrono::seconds(3));
  stop = true;
  for (auto& client : clients) client.join();
  EXPECT_EQ(failed_on_survivors.load(), 0);
  ASSERT_GT(acknowledged.load(), 30);

  // Every acknowledged query is in the one log, which has no gap and verifies.
  e2e::Outcome count = OnNode(0, {"ledger", "search", "--action", "query", "--principal", "admin",
                                  "--subject", "FROM tos.containers", "--format", "json"});
  ASSERT_EQ(count.exit_code, 0) << count.err;
  EXPECT_GE(static_cast<int64_t>(json::parse(count.out).size()), acknowledged.load());
  e2e::Outcome verified = OnNode(1, {"ledger", "verify"});
  EXPECT_EQ(verified.exit_code, 0) << verified.err << verified.out;
}

TEST_F(MultiNodeTest, PostgresRestartMakesNodesNotReadyUntilItIsBack) {
  StartNodes();
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(Ready(i), 200) << "node " << i;
  ASSERT_EQ(pg_->Run("pause"), 0);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(Ready(i), 503) << "node " << i;
  ASSERT_EQ(pg_->Run("resume"), 0);
  for (size_t i = 0; i < 3; ++i) {
    int status = 0;
    for (int attempt = 0; attempt < 100 && status != 200; ++attempt) {
      status = Ready(i);
      if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(status, 200) << "node " << i << " did not become ready again";
    e2e::HttpReply answered = Rest(i, "GET", "/api/v1/sources", tokens_["rita"]);
    EXPECT_EQ(answered.status, 200) << "node " << i << ": " << answered.body;
  }
}

}  // namespace
}  // namespace cairn
