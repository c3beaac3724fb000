// The adversarial policy suite (every tests/sql/**/*.test file with a `policy` directive) through
// the real `cairn` binary, through each of its doors: the same files sql_test_runner.cc runs
// through the library session, here as principals added with `cairn principal add`,
// authenticated by tokens from `cairn token issue`.
//   Sql/...   the CLI: each statement one `cairn query - --format csv` process.
//   Rest/...  REST: POST /api/v1/query to one `cairn serve` per installation.
//   Mcp/...   MCP Streamable HTTP: the run_query tool, one MCP session per principal.
// The assertions mirror the library runner's (error codes by name, rows rendered as the engine
// renders values), so a case that passes on one ingress and fails on another is an ingress
// difference.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "../sql_file.h"
#include "cli_harness.h"
#include "core/status.h"
#include "serve_harness.h"

namespace cairn {
namespace {

namespace fs = std::filesystem;
using sqltest::PrincipalSpec;
using sqltest::Step;

// The exit code `cairn` gives a status code (src/cli/main.cc, README "Exit codes").
int ExitCodeFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 0;
    case StatusCode::kInvalidArgument:
      return 3;
    case StatusCode::kNotFound:
      return 4;
    case StatusCode::kPermissionDenied:
    case StatusCode::kUnauthenticated:
      return 5;
    case StatusCode::kUnavailable:
      return 6;
    case StatusCode::kResourceExhausted:
    case StatusCode::kDeadlineExceeded:
      return 7;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return 8;
    case StatusCode::kDataLoss:
      return 9;
    default:
      return 1;
  }
}

// The door a run of the suite goes through.
enum class Door { kCli, kRest, kMcp };

// The ingress the ledger records for a door.
std::string IngressOf(Door door) {
  switch (door) {
    case Door::kCli:
      return "cli";
    case Door::kRest:
      return "rest";
    case Door::kMcp:
      return "mcp";
  }
  return "";
}

// One run of the suite: a .test file through a door.
struct SuiteRun {
  std::string file;
  Door door = Door::kCli;
};

void PrintTo(const SuiteRun& run, std::ostream* out) {
  *out << run.file << " via " << IngressOf(run.door);
}

// The stable error code REST and MCP give a status code (server/common.h ErrorCode(): the
// snake_case name of the StatusCode).
std::string ErrorCodeFor(StatusCode code) {
  std::string snake;
  for (char c : StatusCodeName(code)) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      if (!snake.empty()) snake += '_';
      snake += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      snake += c;
    }
  }
  return snake;
}

// The HTTP status REST gives a status code (server/common.h HttpStatus()).
int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kResourceExhausted:
      return 429;
    case StatusCode::kDeadlineExceeded:
      return 504;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kUnimplemented:
      return 501;
    default:
      return 500;
  }
}

// Decodes standard base64 (padding optional). Returns false on anything else.
bool DecodeBase64(const std::string& text, std::string* out) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  uint32_t bits = 0;
  int count = 0;
  size_t end = text.size();
  while (end > 0 && text[end - 1] == '=') --end;
  for (size_t i = 0; i < end; ++i) {
    const size_t v = kAlphabet.find(text[i]);
    if (v == std::string::npos) return false;
    bits = (bits << 6) | static_cast<uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out->push_back(static_cast<char>((bits >> count) & 0xFF));
    }
  }
  return true;
}

// Renders a cell of a query page (null, integer, real, text, or a blob as {"base64": ...}) as
// the library runner renders the engine value (engine::ValueToText, NULL as NULL): the JSON
// number's type tells an integer (std::to_string) from a real (fmt's "{}": 2.0 -> "2").
// Returns false for anything else.
bool RenderCell(const nlohmann::json& cell, std::string* out) {
  switch (cell.type()) {
    case nlohmann::json::value_t::null:
      *out = "NULL";
      return true;
    case nlohmann::json::value_t::number_integer:
      *out = std::to_string(cell.get<int64_t>());
      return true;
    case nlohmann::json::value_t::number_unsigned:
      *out = std::to_string(cell.get<uint64_t>());
      return true;
    case nlohmann::json::value_t::number_float:
      *out = fmt::format("{}", cell.get<double>());
      return true;
    case nlohmann::json::value_t::string:
      *out = cell.get<std::string>();
      return true;
    case nlohmann::json::value_t::object: {
      std::string bytes;
      if (cell.size() != 1 || !cell.contains("base64") || !cell["base64"].is_string() ||
          !DecodeBase64(cell["base64"].get<std::string>(), &bytes)) {
        return false;
      }
      static const char* kHex = "0123456789abcdef";
      *out = "\\x";
      for (unsigned char c : bytes) {
        *out += kHex[c >> 4];
        *out += kHex[c & 15];
      }
      return true;
    }
    default:
      return false;
  }
}

// What a statement through REST or MCP came to: every page's rows, or the error.
struct Answer {
  bool ok = false;
  int http_status = 0;            // REST: of the failing (or last) request
  std::string code;               // when !ok: the error code ("not_found")
  std::string message;            // when !ok
  std::vector<std::string> rows;  // when ok: values joined by "|"
};

// Appends the rows of a query page ({"columns","rows","next_cursor",...}) to *answer and sets
// *cursor to its next_cursor ("" when null). False (with *failure) on a malformed page.
bool TakePage(const nlohmann::json& page, Answer* answer, std::string* cursor,
              std::string* failure) {
  if (!page.is_object() || !page.contains("rows") || !page["rows"].is_array() ||
      !page.contains("next_cursor")) {
    *failure = "malformed page: " + page.dump();
    return false;
  }
  for (const auto& row : page["rows"]) {
    if (!row.is_array()) {
      *failure = "malformed row: " + row.dump();
      return false;
    }
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      std::string text;
      if (!RenderCell(row[c], &text)) {
        *failure = "malformed cell: " + row[c].dump();
        return false;
      }
      line += (c ? "|" : "") + text;
    }
    answer->rows.push_back(line);
  }
  const nlohmann::json& next = page["next_cursor"];
  if (next.is_null()) {
    cursor->clear();
  } else if (next.is_string() && !next.get<std::string>().empty()) {
    *cursor = next.get<std::string>();
  } else {
    *failure = "malformed next_cursor: " + next.dump();
    return false;
  }
  return true;
}

// Pages of one statement: a cap that no suite result comes near, so that a cursor that never
// ends fails instead of looping.
constexpr int kMaxPages = 1000;

// Runs `sql` through POST /api/v1/query, following next_cursor to the end.
bool AskRest(int port, const std::string& token, const std::string& sql, Answer* answer,
             std::string* failure) {
  std::string cursor;
  for (int page = 0; page < kMaxPages; ++page) {
    nlohmann::json body = {{"sql", sql}, {"limit", 1000}};
    if (!cursor.empty()) body["cursor"] = cursor;
    e2e::HttpReply reply;
    if (!e2e::HttpPost(port, "/api/v1/query",
                       {{"Authorization", "Bearer " + token},
                        {"Content-Type", "application/json"},
                        {"Accept", "application/json"}},
                       body.dump(), &reply, failure)) {
      return false;
    }
    answer->http_status = reply.status;
    const nlohmann::json json = nlohmann::json::parse(reply.body, nullptr, false);
    if (json.is_discarded()) {
      *failure = "HTTP " + std::to_string(reply.status) + ", not JSON: " + reply.body;
      return false;
    }
    if (reply.status != 200) {
      if (!json.contains("error") || !json["error"].is_object() ||
          !json["error"].value("code", nlohmann::json()).is_string() ||
          !json["error"].value("message", nlohmann::json()).is_string()) {
        *failure = "HTTP " + std::to_string(reply.status) + " without an error: " + reply.body;
        return false;
      }
      answer->ok = false;
      answer->code = json["error"]["code"].get<std::string>();
      answer->message = json["error"]["message"].get<std::string>();
      return true;
    }
    if (!TakePage(json, answer, &cursor, failure)) return false;
    if (cursor.empty()) {
      answer->ok = true;
      return true;
    }
  }
  *failure = "more than " + std::to_string(kMaxPages) + " pages";
  return false;
}

// Runs `sql` through the MCP run_query tool, following next_cursor to the end.
bool AskMcp(e2e::McpClient& client, const std::string& sql, Answer* answer, std::string* failure) {
  std::string cursor;
  for (int page = 0; page < kMaxPages; ++page) {
    nlohmann::json arguments = {{"sql", sql}, {"limit", 1000}};
    if (!cursor.empty()) arguments["cursor"] = cursor;
    nlohmann::json result;
    if (!client.CallTool("run_query", arguments, &result, failure)) return false;
    if (!result.is_object()) {
      *failure = "a tools/call result that is no object: " + result.dump();
      return false;
    }
    const nlohmann::json structured = result.value("structuredContent", nlohmann::json());
    if (result.value("isError", false)) {
      if (!structured.is_object() || !structured.contains("error") ||
          !structured["error"].is_object() ||
          !structured["error"].value("code", nlohmann::json()).is_string() ||
          !structured["error"].value("message", nlohmann::json()).is_string()) {
        *failure = "isError without structuredContent.error: " + result.dump();
        return false;
      }
      answer->ok = false;
      answer->code = structured["error"]["code"].get<std::string>();
      answer->message = structured["error"]["message"].get<std::string>();
      return true;
    }
    if (!structured.is_object() || structured.value("untrusted", false) != true ||
        !structured.contains("data")) {
      *failure = "a result outside the untrusted-data envelope: " + result.dump();
      return false;
    }
    if (!TakePage(structured["data"], answer, &cursor, failure)) return false;
    if (cursor.empty()) {
      answer->ok = true;
      return true;
    }
  }
  *failure = "more than " + std::to_string(kMaxPages) + " pages";
  return false;
}

// Parses CSV as `cairn ... --format csv` writes it (RFC 4180, CRLF records, header first) into
// records, NULL (an unquoted empty field) as NULL. Returns false on malformed output.
bool ParseCsv(const std::string& csv, std::vector<std::vector<std::string>>* records) {
  std::vector<std::string> record;
  size_t i = 0;
  while (i < csv.size()) {
    std::string field;
    bool quoted = false;
    if (csv[i] == '"') {
      quoted = true;
      ++i;
      for (;;) {
        if (i >= csv.size()) return false;
        if (csv[i] == '"') {
          if (i + 1 < csv.size() && csv[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += csv[i++];
      }
    } else {
      while (i < csv.size() && csv[i] != ',' && csv[i] != '\r' && csv[i] != '\n') {
        field += csv[i++];
      }
    }
    record.push_back(!quoted && field.empty() ? "NULL" : field);
    if (i < csv.size() && csv[i] == ',') {
      ++i;
      continue;
    }
    if (csv.compare(i, 2, "\r\n") != 0) return false;
    i += 2;
    records->push_back(std::move(record));
    record.clear();
  }
  return record.empty();
}

// Parses `cairn query --format csv` output into rows rendered as the library runner renders
// them: values joined by "|", NULL as NULL, the header left out.
bool CsvToRows(const std::string& csv, std::vector<std::string>* rows) {
  std::vector<std::vector<std::string>> records;
  if (!ParseCsv(csv, &records)) return false;
  for (size_t r = 1; r < records.size(); ++r) {
    std::string line;
    for (size_t c = 0; c < records[r].size(); ++c) line += (c ? "|" : "") + records[r][c];
    rows->push_back(line);
  }
  return true;
}

bool SameSpec(const PrincipalSpec& a, const PrincipalSpec& b) {
  return a.id == b.id && a.roles == b.roles && a.attributes == b.attributes;
}

std::string SpecText(const PrincipalSpec& spec) {
  std::string text = spec.id + " roles=";
  for (size_t i = 0; i < spec.roles.size(); ++i) text += (i ? "," : "") + spec.roles[i];
  for (const auto& [key, value] : spec.attributes) text += " " + key + "=" + value;
  return text;
}

// One installation: a directory with cairn.yaml, policy.yaml and .cairn/. A principal id can
// be added only once per installation, so a file that uses one id with different roles or
// attributes (`as nobody roles=...` several times) gets one installation per variant.
// For REST and MCP, an installation also has its `cairn serve` (started once its principals are
// added) and the MCP sessions opened on it, by token.
struct Installation {
  fs::path dir;
  std::map<std::string, std::pair<PrincipalSpec, std::string>> principals;  // id -> spec, token
  std::unique_ptr<e2e::ServeProcess> server;
  std::map<std::string, std::unique_ptr<e2e::McpClient>> mcp;
};

class PolicyCliTest : public ::testing::TestWithParam<SuiteRun> {
 protected:
  void TearDown() override {
    installations_.clear();  // kills servers a failed test left running
    for (const std::string& db : state_databases_) {
      PgAdmin("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    }
    if (!root_.empty()) fs::remove_all(root_);
  }

  // With CAIRN_E2E_STATE=postgres (the suite's second run, tests/CMakeLists.txt), every
  // installation keeps its state in an empty PostgreSQL database of its own on the test server.
  static bool PostgresState() {
    const char* mode = std::getenv("CAIRN_E2E_STATE");
    return mode != nullptr && std::string(mode) == "postgres";
  }
  static int PgAdmin(const std::string& sql) {
    const std::string command =
        "PGPASSWORD=\"$CAIRN_TEST_PG_PASSWORD\" psql -h \"$CAIRN_TEST_PG_HOST\" -p "
        "\"$CAIRN_TEST_PG_PORT\" -U \"$CAIRN_TEST_PG_USER\" -d \"$CAIRN_TEST_PG_DB\" -qAt -c " +
        e2e::ShellQuote(sql) + " >/dev/null";
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  // Runs cairn in `dir` with `args`, `stdin_text` on stdin, as the principal of `token` (the
  // local administrator when empty).
  e2e::Outcome Cairn(const fs::path& dir, const std::vector<std::string>& args,
                     const std::string& stdin_text = "", const std::string& token = "") {
    std::string command = "cd " + e2e::ShellQuote(dir.string()) + " && unset CAIRN_TOKEN && ";
    if (!token.empty()) command += "CAIRN_TOKEN=" + e2e::ShellQuote(token) + " ";
    command += e2e::ShellQuote(CAIRN_BINARY);
    for (const auto& arg : args) command += " " + e2e::ShellQuote(arg);
    const fs::path in = dir / ".stdin", out = dir / ".stdout", err = dir / ".stderr";
    e2e::WriteFile(in, stdin_text);
    command += " <" + e2e::ShellQuote(in.string()) + " >" + e2e::ShellQuote(out.string()) + " 2>" +
               e2e::ShellQuote(err.string());
    const int status = std::system(command.c_str());
    e2e::Outcome outcome;
    outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    outcome.out = e2e::ReadFile(out);
    outcome.err = e2e::ReadFile(err);
    return outcome;
  }

  // A fresh installation with the file's configuration and policy.
  void NewInstallation(const sqltest::SqlFile& file) {
    Installation installation;
    installation.dir = root_ / std::to_string(installations_.size());
    fs::create_directories(installation.dir);
    e2e::Outcome init = Cairn(installation.dir, {"init"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    // `cairn init` wrote an example cairn.yaml: replace it with the file's.
    std::string config = file.config_yaml;
    if (PostgresState()) {
      std::random_device rd;
      const std::string db = "cairn_e2e_" + std::to_string(rd() % 1000000000);
      ASSERT_EQ(PgAdmin("CREATE DATABASE " + db), 0) << "cannot create " << db;
      state_databases_.push_back(db);
      const char* host = std::getenv("CAIRN_TEST_PG_HOST");
      const char* port = std::getenv("CAIRN_TEST_PG_PORT");
      const char* user = std::getenv("CAIRN_TEST_PG_USER");
      config += fmt::format(
          "\nstate:\n  url: postgres://{}@{}:{}/{}\n  password: \"${{CAIRN_TEST_PG_PASSWORD}}\"\n",
          user ? user : "", host ? host : "", port ? port : "", db);
    }
    e2e::WriteFile(installation.dir / "cairn.yaml", config);
    fs::copy_file(file.policy_file, installation.dir / "policy.yaml",
                  fs::copy_options::overwrite_existing);
    installations_.push_back(std::move(installation));
  }

  // The installation and token to run as `spec`, adding the principal and issuing its token on
  // first use. The administrator runs in the first installation, without a token.
  void Prepare(const sqltest::SqlFile& file, const PrincipalSpec& spec, size_t* index,
               std::string* token) {
    if (spec.id == "admin") {
      ASSERT_TRUE(SameSpec(spec, PrincipalSpec{}))
          << "the CLI's admin is the local administrator; cannot run as " << SpecText(spec);
      *index = 0;
      token->clear();
      return;
    }
    for (size_t i = 0; i < installations_.size(); ++i) {
      auto it = installations_[i].principals.find(spec.id);
      if (it != installations_[i].principals.end() && SameSpec(it->second.first, spec)) {
        *index = i;
        *token = it->second.second;
        return;
      }
    }
    size_t i = 0;
    while (i < installations_.size() && installations_[i].principals.count(spec.id)) ++i;
    if (i == installations_.size()) {
      NewInstallation(file);
      if (HasFatalFailure()) return;
    }
    Installation& installation = installations_[i];
    std::vector<std::string> add = {"principal", "add", spec.id};
    for (const auto& role : spec.roles) add.insert(add.end(), {"--role", role});
    for (const auto& [key, value] : spec.attributes) {
      add.insert(add.end(), {"--attr", key + "=" + value});
    }
    e2e::Outcome added = Cairn(installation.dir, add);
    ASSERT_EQ(added.exit_code, 0) << SpecText(spec) << ": " << added.err;
    e2e::Outcome issued = Cairn(installation.dir, {"token", "issue", spec.id});
    ASSERT_EQ(issued.exit_code, 0) << SpecText(spec) << ": " << issued.err;
    const std::string secret = issued.out.substr(0, issued.out.find('\n'));
    ASSERT_FALSE(secret.empty()) << issued.out;
    installation.principals[spec.id] = {spec, secret};
    *index = i;
    *token = secret;
  }

  // Issues a token for the principal "admin" (the local administrator's) in installation 0: how
  // the administrator authenticates to REST and MCP.
  void IssueAdminToken() {
    e2e::Outcome issued = Cairn(installations_[0].dir, {"token", "issue", "admin"});
    ASSERT_EQ(issued.exit_code, 0) << issued.err;
    admin_token_ = issued.out.substr(0, issued.out.find('\n'));
    ASSERT_FALSE(admin_token_.empty()) << issued.out;
  }

  // Starts `cairn serve` on every installation.
  void StartServers() {
    for (size_t i = 0; i < installations_.size(); ++i) {
      Installation& installation = installations_[i];
      installation.server = std::make_unique<e2e::ServeProcess>();
      std::string error;
      ASSERT_TRUE(installation.server->Start(installation.dir / "cairn.yaml",
                                             installation.dir / ".serve.log", &error))
          << "installation " << i << ": " << error;
    }
  }

  // Stops every server with SIGTERM; each must exit 0.
  void StopServers() {
    for (size_t i = 0; i < installations_.size(); ++i) {
      Installation& installation = installations_[i];
      if (!installation.server || !installation.server->running()) continue;
      std::string error;
      const int code = installation.server->Stop(&error);
      EXPECT_EQ(code, 0) << "installation " << i << ": cairn serve after SIGTERM: " << error
                         << installation.server->ReadLog();
    }
  }

  // Runs `sql` through REST or MCP as the principal of `token` in installation `index`.
  bool Ask(Door door, size_t index, const std::string& token, const std::string& sql,
           Answer* answer, std::string* failure) {
    Installation& installation = installations_[index];
    const int port = installation.server->port();
    if (door == Door::kRest) return AskRest(port, token, sql, answer, failure);
    std::unique_ptr<e2e::McpClient>& client = installation.mcp[token];
    if (!client) {
      auto opened = std::make_unique<e2e::McpClient>(port, token);
      if (!opened->Open(failure)) {
        *failure = "MCP initialize: " + *failure;
        return false;
      }
      client = std::move(opened);
    }
    return AskMcp(*client, sql, answer, failure);
  }

  // The ledger of installation `index` records the last statements with `door`'s ingress: the
  // newest "query" entry among the last few is the door's. Reads the ledger as the local
  // administrator, through the CLI, as CSV (its JSON entries do not show the ingress).
  void ExpectLedgerIngress(Door door, size_t index) {
    e2e::Outcome tail =
        Cairn(installations_[index].dir, {"ledger", "tail", "-n", "5", "--format", "csv"});
    ASSERT_EQ(tail.exit_code, 0) << tail.err;
    std::vector<std::vector<std::string>> records;
    ASSERT_TRUE(ParseCsv(tail.out, &records)) << tail.out;
    ASSERT_FALSE(records.empty()) << tail.out;
    const std::vector<std::string>& header = records[0];
    const size_t action = std::find(header.begin(), header.end(), "action") - header.begin();
    const size_t ingress = std::find(header.begin(), header.end(), "ingress") - header.begin();
    ASSERT_LT(action, header.size()) << tail.out;
    ASSERT_LT(ingress, header.size()) << "ledger entries show no ingress: " << tail.out;
    const std::vector<std::string>* newest = nullptr;
    for (size_t r = 1; r < records.size(); ++r) {
      if (records[r].size() == header.size() && records[r][action] == "query") {
        newest = &records[r];
      }
    }
    ASSERT_NE(newest, nullptr) << "no query among the last entries: " << tail.out;
    EXPECT_EQ((*newest)[ingress], IngressOf(door)) << tail.out;
  }

  fs::path root_;
  std::vector<Installation> installations_;
  std::vector<std::string> state_databases_;
  std::string admin_token_;  // REST and MCP: the administrator's token in installation 0
};

TEST_P(PolicyCliTest, Passes) {
  const Door door = GetParam().door;
  sqltest::SqlFile file;
  std::string error;
  ASSERT_TRUE(sqltest::LoadTestFile(GetParam().file, &file, &error)) << error;
  bool must = false;
  const std::string missing = sqltest::MissingRequirement(file, &must);
  if (!missing.empty()) {
    if (must) FAIL() << file.path << ": " << missing;
    GTEST_SKIP() << missing;
  }
  ASSERT_TRUE(fs::exists(file.policy_file)) << file.policy_file;
  for (const auto& [name, value] : file.env) setenv(name.c_str(), value.c_str(), 1);

  if (PostgresState() && std::getenv("CAIRN_TEST_PG_HOST") == nullptr) {
    const char* require = std::getenv("CAIRN_REQUIRE_PG");
    if (require != nullptr && std::string(require) == "1") FAIL() << "no test PostgreSQL";
    GTEST_SKIP() << "no test PostgreSQL (CAIRN_TEST_PG_HOST unset)";
  }
  std::random_device rd;
  root_ = fs::temp_directory_path() / ("cairn-policy-cli-" + std::to_string(rd()));
  fs::create_directories(root_);
  NewInstallation(file);
  if (HasFatalFailure()) return;

  if (door != Door::kCli) {
    // Every installation, principal and token first (through the CLI, as for the CLI door),
    // then one server per installation; the statements below find them prepared.
    IssueAdminToken();
    if (HasFatalFailure()) return;
    for (const Step& step : file.steps) {
      if (step.kind != Step::Kind::kAs) continue;
      size_t unused_index = 0;
      std::string unused_token;
      Prepare(file, step.principal, &unused_index, &unused_token);
      if (HasFatalFailure()) return;
    }
    StartServers();
    if (HasFatalFailure()) return;
  }

  size_t index = 0;
  std::string token;
  bool asked = false;     // REST and MCP: whether a statement ran
  size_t last_index = 0;  // REST and MCP: the installation of the last statement
  for (const Step& step : file.steps) {
    if (step.kind == Step::Kind::kAs) {
      Prepare(file, step.principal, &index, &token);
      if (HasFatalFailure()) return;
      continue;
    }
    if (door != Door::kCli) {
      Answer answer;
      std::string failure;
      asked = true;
      last_index = index;
      if (!Ask(door, index, token.empty() ? admin_token_ : token, step.sql, &answer, &failure)) {
        ADD_FAILURE() << step.where << ": " << IngressOf(door) << ": " << failure << "\n"
                      << step.sql;
        continue;
      }
      switch (step.kind) {
        case Step::Kind::kStatementOk:
          EXPECT_TRUE(answer.ok) << step.where << ": " << answer.code << ": " << answer.message;
          break;
        case Step::Kind::kStatementError: {
          StatusCode expected;
          ASSERT_TRUE(StatusCodeFromName(step.code, &expected)) << step.where << ": unknown code";
          if (answer.ok) {
            ADD_FAILURE() << step.where << ": expected " << step.code
                          << ", the statement succeeded";
            break;
          }
          EXPECT_EQ(answer.code, ErrorCodeFor(expected)) << step.where << ": " << answer.message;
          if (door == Door::kRest) {
            EXPECT_EQ(answer.http_status, HttpStatusFor(expected))
                << step.where << ": " << answer.code << ": " << answer.message;
          }
          EXPECT_NE(answer.message.find(step.text), std::string::npos)
              << step.where << ": message '" << answer.message << "' lacks '" << step.text << "'";
          break;
        }
        case Step::Kind::kQuery: {
          if (!answer.ok) {
            ADD_FAILURE() << step.where << ": " << answer.code << ": " << answer.message;
            break;
          }
          const auto [actual_text, expected_text] = sqltest::RowTexts(step, std::move(answer.rows));
          EXPECT_EQ(actual_text, expected_text) << step.where << ": " << step.sql;
          break;
        }
        case Step::Kind::kAs:
          break;
      }
      continue;
    }
    e2e::Outcome result =
        Cairn(installations_[index].dir, {"query", "-", "--format", "csv"}, step.sql, token);
    switch (step.kind) {
      case Step::Kind::kStatementOk:
        EXPECT_EQ(result.exit_code, 0) << step.where << ": " << result.err;
        break;
      case Step::Kind::kStatementError: {
        StatusCode expected;
        ASSERT_TRUE(StatusCodeFromName(step.code, &expected)) << step.where << ": unknown code";
        if (result.exit_code == 0) {
          ADD_FAILURE() << step.where << ": expected " << step.code << ", the statement succeeded";
          break;
        }
        EXPECT_EQ(result.exit_code, ExitCodeFor(expected)) << step.where << ": " << result.err;
        const std::string prefix = "cairn: " + step.code + ": ";
        const size_t at = result.err.find(prefix);
        EXPECT_NE(at, std::string::npos) << step.where << ": " << result.err;
        if (!step.text.empty() && at != std::string::npos) {
          EXPECT_NE(result.err.find(step.text, at + prefix.size()), std::string::npos)
              << step.where << ": message '" << result.err << "' lacks '" << step.text << "'";
        }
        break;
      }
      case Step::Kind::kQuery: {
        if (result.exit_code != 0) {
          ADD_FAILURE() << step.where << ": exit " << result.exit_code << ": " << result.err;
          break;
        }
        std::vector<std::string> actual;
        ASSERT_TRUE(CsvToRows(result.out, &actual)) << step.where << ": bad CSV: " << result.out;
        const auto [actual_text, expected_text] = sqltest::RowTexts(step, std::move(actual));
        EXPECT_EQ(actual_text, expected_text) << step.where << ": " << step.sql;
        break;
      }
      case Step::Kind::kAs:
        break;
    }
  }

  if (door != Door::kCli) {
    if (asked) {
      ExpectLedgerIngress(door, last_index);
    }
    StopServers();
  }
}

// The files with a policy (and any file that does not parse, so that it fails here too), each
// through `door`.
std::vector<SuiteRun> PolicyRuns(Door door) {
  std::vector<SuiteRun> runs;
  for (const std::string& name : sqltest::TestFiles()) {
    sqltest::SqlFile file;
    std::string error;
    if (!sqltest::ParseSqlFile(sqltest::SourceDir() / "tests" / "sql" / name, &file, &error) ||
        !file.policy_file.empty()) {
      runs.push_back(SuiteRun{name, door});
    }
  }
  return runs;
}

std::string TestName(const ::testing::TestParamInfo<SuiteRun>& info) {
  std::string name;
  for (char c : info.param.file) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Sql, PolicyCliTest, ::testing::ValuesIn(PolicyRuns(Door::kCli)), TestName);
INSTANTIATE_TEST_SUITE_P(Rest, PolicyCliTest, ::testing::ValuesIn(PolicyRuns(Door::kRest)),
                         TestName);
INSTANTIATE_TEST_SUITE_P(Mcp, PolicyCliTest, ::testing::ValuesIn(PolicyRuns(Door::kMcp)), TestName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(PolicyCliTest);

}  // namespace
}  // namespace cairn
