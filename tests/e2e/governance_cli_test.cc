// End-to-end tests of governance through the real `cairn` binary, on the demo port `cairn demo`
// writes (its policy.yaml: five roles, grants, row filters, masks, labels and sinks; its
// principals release-bot, the AI release agent, and ada, the auditor): what a restricted
// principal sees, sinks and declassification, label proposals, token authentication, and the
// ledger record of every decision.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cli_harness.h"

namespace cairn {
namespace {

using nlohmann::json;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

bool StartsWith(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

// Parses `text` as JSON, or records a failure and returns null.
json ParseJson(const std::string& text) {
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(parsed.is_discarded()) << "not JSON: " << text;
  return parsed.is_discarded() ? json() : parsed;
}

class GovernanceCliTest : public e2e::CliTest {
 protected:
  void SetUp() override {
    e2e::CliTest::SetUp();
    // The administrator acts when no token is given; a token inherited from the environment
    // would make every "as admin" call below act as someone else.
    ::unsetenv("CAIRN_TOKEN");
    e2e::Outcome demo = Cairn({"demo"});
    ASSERT_EQ(demo.exit_code, 0) << demo.out << demo.err;
  }

  // Runs cairn as the principal of `token` (through CAIRN_TOKEN, as an agent would).
  e2e::Outcome As(const std::string& token, const std::vector<std::string>& args,
                  const std::string& stdin_text = "") {
    ::setenv("CAIRN_TOKEN", token.c_str(), 1);
    e2e::Outcome outcome = Cairn(args, stdin_text);
    ::unsetenv("CAIRN_TOKEN");
    return outcome;
  }

  // Issues a token for `principal` as the administrator; "" (and a test failure) if refused.
  std::string IssueToken(const std::string& principal, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"token", "issue", principal};
    args.insert(args.end(), extra.begin(), extra.end());
    e2e::Outcome issue = Cairn(args);
    EXPECT_EQ(issue.exit_code, 0) << issue.err;
    if (issue.exit_code != 0) return "";
    const std::string secret = issue.out.substr(0, issue.out.find('\n'));
    EXPECT_TRUE(StartsWith(secret, "cairn_")) << issue.out;
    return secret;
  }

  // The ledger entries `cairn ledger search ARGS --format json` finds (as the administrator).
  json Ledger(std::vector<std::string> filters) {
    std::vector<std::string> args = {"ledger", "search"};
    args.insert(args.end(), filters.begin(), filters.end());
    args.insert(args.end(), {"--format", "json"});
    e2e::Outcome search = Cairn(args);
    EXPECT_EQ(search.exit_code, 0) << search.err;
    json entries = ParseJson(search.out);
    EXPECT_TRUE(entries.is_array()) << search.out;
    return entries.is_array() ? entries : json::array();
  }
};

// The (source, table) pairs of `cairn tables --format json` output.
std::set<std::pair<std::string, std::string>> TablesOf(const std::string& out) {
  std::set<std::pair<std::string, std::string>> tables;
  for (const auto& row : ParseJson(out))
    tables.emplace(row["source"].get<std::string>(), row["table"].get<std::string>());
  return tables;
}

TEST_F(GovernanceCliTest, TheReleaseAgentSeesOnlyWhatItIsGranted) {
  e2e::Outcome check = Cairn({"policy", "check"});
  ASSERT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_TRUE(Contains(check.out, "7 roles")) << check.out;

  // What exists, as the administrator sees it: the hidden tables and columns below are real.
  e2e::Outcome admin_tables = Cairn({"tables", "--format", "json"});
  ASSERT_EQ(admin_tables.exit_code, 0) << admin_tables.err;
  const auto all_tables = TablesOf(admin_tables.out);
  ASSERT_TRUE(all_tables.count({"finance", "customers"})) << admin_tables.out;
  ASSERT_TRUE(all_tables.count({"finance", "payments"})) << admin_tables.out;
  e2e::Outcome admin_describe = Cairn({"describe", "tos.containers", "--format", "json"});
  ASSERT_EQ(admin_describe.exit_code, 0) << admin_describe.err;
  ASSERT_TRUE(Contains(admin_describe.out, "\"consignee_name\"")) << admin_describe.out;
  e2e::Outcome exports =
      Cairn({"query", "--format", "json",
             "SELECT count(*) AS n FROM tos.containers WHERE direction='export'"});
  ASSERT_EQ(exports.exit_code, 0) << exports.err;
  ASSERT_GT(ParseJson(exports.out)[0]["n"].get<int64_t>(), 0) << exports.out;

  const std::string bot = IssueToken("release-bot");
  ASSERT_FALSE(bot.empty());

  e2e::Outcome tables = As(bot, {"tables", "--format", "json"});
  ASSERT_EQ(tables.exit_code, 0) << tables.err;
  const auto visible = TablesOf(tables.out);
  EXPECT_TRUE(visible.count({"tos", "containers"})) << tables.out;
  EXPECT_TRUE(visible.count({"customs", "holds"})) << tables.out;
  EXPECT_TRUE(visible.count({"finance", "invoices"})) << tables.out;
  EXPECT_FALSE(visible.count({"finance", "customers"})) << tables.out;
  EXPECT_FALSE(visible.count({"finance", "payments"})) << tables.out;
  EXPECT_FALSE(visible.count({"customs", "declarations"})) << tables.out;
  EXPECT_FALSE(visible.count({"lines", "bills_of_lading"})) << tables.out;
  EXPECT_FALSE(Contains(tables.out, "customers")) << tables.out;
  for (const auto& table : visible) {
    EXPECT_TRUE(all_tables.count(table)) << table.second;
  }

  e2e::Outcome describe = As(bot, {"describe", "tos.containers", "--format", "json"});
  ASSERT_EQ(describe.exit_code, 0) << describe.err;
  std::vector<std::string> columns;
  for (const auto& row : ParseJson(describe.out)) columns.push_back(row["column"]);
  EXPECT_EQ(columns, (std::vector<std::string>{"container_no", "iso_type", "direction", "status",
                                               "voyage_id", "line_code", "bl_number"}))
      << describe.out;
  EXPECT_FALSE(Contains(describe.out, "consignee_name")) << describe.out;

  // An ungranted column does not exist; nor does an ungranted table, and it reads exactly like
  // a table that really does not exist.
  e2e::Outcome amount = As(bot, {"query", "SELECT amount FROM finance.invoices"});
  EXPECT_EQ(amount.exit_code, 3) << amount.err;
  EXPECT_TRUE(Contains(amount.err, "no such column")) << amount.err;
  EXPECT_TRUE(amount.out.empty()) << amount.out;
  e2e::Outcome consignee = As(bot, {"query", "SELECT consignee_name FROM tos.containers"});
  EXPECT_EQ(consignee.exit_code, 3) << consignee.err;
  EXPECT_TRUE(Contains(consignee.err, "no such column")) << consignee.err;

  e2e::Outcome hidden = As(bot, {"query", "SELECT * FROM finance.customers"});
  e2e::Outcome missing = As(bot, {"query", "SELECT * FROM finance.no_such_table"});
  EXPECT_EQ(hidden.exit_code, 4) << hidden.err;
  EXPECT_EQ(missing.exit_code, 4) << missing.err;
  EXPECT_TRUE(hidden.out.empty()) << hidden.out;
  EXPECT_EQ(hidden.err, "cairn: NotFound: no such table: finance.customers\n");
  EXPECT_EQ(missing.err, "cairn: NotFound: no such table: finance.no_such_table\n");
  e2e::Outcome describe_hidden = As(bot, {"describe", "finance.customers"});
  e2e::Outcome describe_missing = As(bot, {"describe", "finance.no_such_table"});
  EXPECT_EQ(describe_hidden.exit_code, 4) << describe_hidden.err;
  EXPECT_EQ(describe_missing.exit_code, describe_hidden.exit_code) << describe_missing.err;

  // The row filter: the release agent sees import containers only.
  e2e::Outcome filtered = As(bot, {"query", "--format", "json",
                                   "SELECT count(*) FROM tos.containers WHERE direction='export'"});
  ASSERT_EQ(filtered.exit_code, 0) << filtered.err;
  json counted = ParseJson(filtered.out);
  ASSERT_EQ(counted.size(), 1u) << filtered.out;
  EXPECT_EQ(counted[0]["count(*)"], 0) << filtered.out;
  e2e::Outcome directions =
      As(bot, {"query", "--format", "json", "SELECT DISTINCT direction FROM tos.containers"});
  ASSERT_EQ(directions.exit_code, 0) << directions.err;
  json distinct = ParseJson(directions.out);
  ASSERT_EQ(distinct.size(), 1u) << directions.out;
  EXPECT_EQ(distinct[0]["direction"], "import") << directions.out;

  // policy show: one row per visible column, nothing else.
  e2e::Outcome show = As(bot, {"policy", "show", "--format", "json"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  json shown = ParseJson(show.out);
  ASSERT_TRUE(shown.is_array()) << show.out;
  ASSERT_FALSE(shown.empty());
  std::set<std::pair<std::string, std::string>> shown_tables;
  std::set<std::string> shown_columns;
  for (const auto& row : shown) {
    for (const char* key : {"source", "table", "column", "mask", "label", "row_filter"}) {
      EXPECT_TRUE(row.contains(key)) << key << " in " << row;
    }
    shown_tables.emplace(row["source"].get<std::string>(), row["table"].get<std::string>());
    shown_columns.insert(row["source"].get<std::string>() + "." + row["table"].get<std::string>() +
                         "." + row["column"].get<std::string>());
    if (row["source"] == "tos" && row["table"] == "containers") {
      ASSERT_TRUE(row["row_filter"].is_string()) << row;
      EXPECT_TRUE(Contains(row["row_filter"], "direction = 'import'")) << row;
    }
  }
  EXPECT_EQ(shown_tables, visible);
  for (const std::string& column : columns) {
    EXPECT_TRUE(shown_columns.count("tos.containers." + column)) << column;
  }
  EXPECT_FALSE(shown_columns.count("tos.containers.consignee_name")) << show.out;
  EXPECT_FALSE(shown_columns.count("finance.invoices.amount")) << show.out;
  EXPECT_TRUE(shown_columns.count("finance.invoices.status")) << show.out;
  EXPECT_FALSE(shown_columns.count("customs.holds.reason")) << show.out;
  EXPECT_FALSE(Contains(show.out, "customers")) << show.out;

  // Managing principals is for administrators.
  e2e::Outcome principals = As(bot, {"principal", "list"});
  EXPECT_EQ(principals.exit_code, 5) << principals.err;
  EXPECT_TRUE(Contains(principals.err, "admin")) << principals.err;
  EXPECT_TRUE(principals.out.empty()) << principals.out;
  EXPECT_EQ(As(bot, {"token", "issue", "release-bot"}).exit_code, 5);
  EXPECT_EQ(Cairn({"principal", "list"}).exit_code, 0);
}

TEST_F(GovernanceCliTest, SinksRefuseWhatTheirClearanceDoesNotCoverUnlessDeclassified) {
  const std::string ada = IssueToken("ada");
  const std::string bot = IssueToken("release-bot");
  ASSERT_FALSE(ada.empty());
  ASSERT_FALSE(bot.empty());
  const std::string sql = "SELECT name FROM finance.customers";

  // The auditor may read customer names, but not send them to the public status board.
  e2e::Outcome plain = As(ada, {"query", "--format", "json", sql});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_FALSE(ParseJson(plain.out).empty()) << plain.out;
  e2e::Outcome refused = As(ada, {"query", "--to", "status_board", sql});
  EXPECT_EQ(refused.exit_code, 5) << refused.err;
  EXPECT_TRUE(Contains(refused.err, "PermissionDenied")) << refused.err;
  EXPECT_TRUE(Contains(refused.err, "confidential")) << refused.err;
  EXPECT_TRUE(Contains(refused.err, "status_board")) << refused.err;
  EXPECT_TRUE(refused.out.empty()) << "not a row may reach the sink: " << refused.out;
  e2e::Outcome unknown_sink = As(ada, {"query", "--to", "no_such_sink", sql});
  EXPECT_EQ(unknown_sink.exit_code, 4) << unknown_sink.err;

  e2e::Outcome approve = As(ada, {"declassify", sql, "--to", "status_board", "--reason",
                                  "the gate board shows the consignee"});
  ASSERT_EQ(approve.exit_code, 0) << approve.err;
  EXPECT_TRUE(Contains(approve.out, "approved")) << approve.out;
  EXPECT_TRUE(Contains(approve.out, "status_board")) << approve.out;

  e2e::Outcome allowed = As(ada, {"query", "--to", "status_board", "--format", "json", sql});
  ASSERT_EQ(allowed.exit_code, 0) << allowed.err;
  EXPECT_EQ(ParseJson(allowed.out), ParseJson(plain.out));

  // The approval is for that exact SQL and that sink only.
  e2e::Outcome other_sql =
      As(ada, {"query", "--to", "status_board", "SELECT name FROM finance.customers LIMIT 1"});
  EXPECT_EQ(other_sql.exit_code, 5) << other_sql.err;
  EXPECT_TRUE(Contains(other_sql.err, "status_board")) << other_sql.err;
  e2e::Outcome email = As(ada, {"query", "--to", "status_board",
                                "SELECT email FROM "
                                "finance.customers"});
  EXPECT_EQ(email.exit_code, 5) << email.err;
  e2e::Outcome other_sink = As(ada, {"query", "--to", "partner_portal", sql});
  EXPECT_EQ(other_sink.exit_code, 5) << other_sink.err;
  EXPECT_TRUE(Contains(other_sink.err, "partner_portal")) << other_sink.err;

  // Only declassifiers may approve.
  e2e::Outcome by_bot = As(bot, {"declassify", "SELECT container_no FROM tos.containers", "--to",
                                 "status_board", "--reason", "I want to"});
  EXPECT_EQ(by_bot.exit_code, 5) << by_bot.err;
  EXPECT_TRUE(Contains(by_bot.err, "release-bot")) << by_bot.err;
  EXPECT_TRUE(by_bot.out.empty()) << by_bot.out;

  json declassifications = Ledger({"--action", "declassify"});
  bool approval = false, refusal = false;
  for (const auto& entry : declassifications) {
    const std::string subject = entry["subject"], decision = entry["decision"];
    if (entry["principal"] == "ada") {
      EXPECT_TRUE(StartsWith(decision, "allow")) << entry;
      EXPECT_TRUE(Contains(decision, "status_board")) << entry;
      EXPECT_TRUE(Contains(subject, sql)) << entry;
      EXPECT_TRUE(Contains(subject, "status_board")) << entry;
      EXPECT_TRUE(Contains(subject, "the gate board shows the consignee")) << entry;
      approval = true;
    } else if (entry["principal"] == "release-bot") {
      EXPECT_TRUE(StartsWith(decision, "deny")) << entry;
      refusal = true;
    } else {
      ADD_FAILURE() << "unexpected declassify entry: " << entry;
    }
  }
  EXPECT_TRUE(approval) << declassifications.dump(2);
  EXPECT_TRUE(refusal) << declassifications.dump(2);

  // The refused flows are in the ledger as denials naming the sink.
  int sink_denials = 0;
  for (const auto& entry : Ledger({"--principal", "ada", "--action", "query"})) {
    const std::string decision = entry["decision"];
    if (StartsWith(decision, "deny") && Contains(decision, "status_board")) ++sink_denials;
  }
  EXPECT_EQ(sink_denials, 3);

  e2e::Outcome verify = Cairn({"ledger", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(GovernanceCliTest, LabelsAreProposedFromDiscoveryAndConfirmedByAnAdministrator) {
  e2e::Outcome too_early = Cairn({"labels", "propose"});
  EXPECT_EQ(too_early.exit_code, 8) << too_early.err;  // no profiles yet

  e2e::Outcome discover = Cairn({"discover"});
  ASSERT_EQ(discover.exit_code, 0) << discover.out << discover.err;
  e2e::Outcome propose = Cairn({"labels", "propose"});
  ASSERT_EQ(propose.exit_code, 0) << propose.err;
  EXPECT_TRUE(Contains(propose.out, "proposed")) << propose.out;

  auto find_email = [&](const std::string& out) -> json {
    for (const auto& row : ParseJson(out)) {
      if (row["source"] == "finance" && row["table"] == "customers" && row["column"] == "email") {
        return row;
      }
    }
    return json();
  };
  e2e::Outcome listed = Cairn({"labels", "--format", "json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  json email = find_email(listed.out);
  ASSERT_TRUE(email.is_object()) << listed.out;
  EXPECT_EQ(email["label"], "confidential");
  EXPECT_EQ(email["semantic_type"], "email");
  EXPECT_EQ(email["status"], "proposed");
  EXPECT_TRUE(email["decided_by"].is_null()) << email;

  // Not an administrator: refused, whoever it is (the auditor included).
  const std::string bot = IssueToken("release-bot");
  const std::string ada = IssueToken("ada");
  ASSERT_FALSE(bot.empty());
  ASSERT_FALSE(ada.empty());
  e2e::Outcome by_bot = As(bot, {"labels", "confirm", "finance.customers.email"});
  EXPECT_EQ(by_bot.exit_code, 5) << by_bot.err;
  EXPECT_EQ(As(ada, {"labels", "confirm", "finance.customers.email"}).exit_code, 5);
  EXPECT_EQ(As(bot, {"labels", "propose"}).exit_code, 5);
  EXPECT_EQ(As(bot, {"labels", "reject", "finance.customers.email"}).exit_code, 5);
  email = find_email(Cairn({"labels", "--format", "json"}).out);
  EXPECT_EQ(email["status"], "proposed") << email;

  e2e::Outcome confirm = Cairn({"labels", "confirm", "finance.customers.email"});
  ASSERT_EQ(confirm.exit_code, 0) << confirm.err;
  EXPECT_EQ(confirm.out, "confirmed finance.customers.email\n");
  listed = Cairn({"labels", "--format", "json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  email = find_email(listed.out);
  ASSERT_TRUE(email.is_object()) << listed.out;
  EXPECT_EQ(email["status"], "confirmed");
  EXPECT_EQ(email["decided_by"], "admin");
  EXPECT_EQ(email["label"], "confidential");
  e2e::Outcome csv = Cairn({"labels", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_TRUE(Contains(csv.out, "finance,customers,email,confidential,email,confirmed,admin"))
      << csv.out;

  e2e::Outcome unknown_column = Cairn({"labels", "confirm", "finance.customers.no_such_column"});
  EXPECT_EQ(unknown_column.exit_code, 4) << unknown_column.err;
  EXPECT_EQ(Cairn({"labels", "confirm", "nowhere.nothing.none"}).exit_code, 4);
  EXPECT_EQ(Cairn({"labels", "confirm", "not-dotted"}).exit_code, 3);

  bool recorded = false;
  for (const auto& entry : Ledger({"--action", "label_change"})) {
    if (entry["subject"] == "confirm finance.customers.email") {
      EXPECT_EQ(entry["principal"], "admin");
      EXPECT_EQ(entry["decision"], "allow");
      recorded = true;
    }
  }
  EXPECT_TRUE(recorded);
  EXPECT_EQ(Cairn({"ledger", "verify"}).exit_code, 0);
}

TEST_F(GovernanceCliTest, ExpiredRevokedDisabledAndMalformedTokensAreRefused) {
  const std::string expiring = IssueToken("release-bot", {"--expires-in", "1s"});
  ASSERT_FALSE(expiring.empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  e2e::Outcome expired = As(expiring, {"tables"});
  EXPECT_EQ(expired.exit_code, 5) << expired.err;
  EXPECT_TRUE(Contains(expired.err, "Unauthenticated")) << expired.err;
  EXPECT_TRUE(Contains(expired.err, "expired")) << expired.err;
  EXPECT_TRUE(expired.out.empty()) << expired.out;

  e2e::Outcome issued = Cairn({"token", "issue", "release-bot", "--format", "json"});
  ASSERT_EQ(issued.exit_code, 0) << issued.err;
  json token = ParseJson(issued.out);
  const std::string secret = token.value("secret", ""), id = token.value("id", "");
  ASSERT_FALSE(secret.empty()) << issued.out;
  ASSERT_EQ(As(secret, {"query", "SELECT count(*) FROM tos.containers"}).exit_code, 0);
  ASSERT_EQ(Cairn({"token", "revoke", id}).exit_code, 0);
  e2e::Outcome revoked = As(secret, {"query", "SELECT count(*) FROM tos.containers"});
  EXPECT_EQ(revoked.exit_code, 5) << revoked.err;
  EXPECT_TRUE(Contains(revoked.err, "Unauthenticated")) << revoked.err;
  EXPECT_TRUE(revoked.out.empty()) << revoked.out;
  // Through --token as well as CAIRN_TOKEN.
  e2e::Outcome revoked_flag = Cairn({"--token", secret, "tables"});
  EXPECT_EQ(revoked_flag.exit_code, 5) << revoked_flag.err;
  EXPECT_TRUE(Contains(revoked_flag.err, "Unauthenticated")) << revoked_flag.err;

  const std::string live = IssueToken("release-bot");
  ASSERT_FALSE(live.empty());
  ASSERT_EQ(Cairn({"--token", live, "tables"}).exit_code, 0);
  ASSERT_EQ(Cairn({"principal", "disable", "release-bot"}).exit_code, 0);
  e2e::Outcome disabled = Cairn({"--token", live, "tables"});
  EXPECT_EQ(disabled.exit_code, 5) << disabled.err;
  EXPECT_TRUE(Contains(disabled.err, "Unauthenticated")) << disabled.err;
  ASSERT_EQ(Cairn({"principal", "enable", "release-bot"}).exit_code, 0);
  EXPECT_EQ(Cairn({"--token", live, "tables"}).exit_code, 0);

  // A token that was never issued: garbage, or the shape of a real one with other bytes.
  e2e::Outcome garbage = Cairn({"--token", "garbage", "tables"});
  EXPECT_EQ(garbage.exit_code, 5) << garbage.err;
  EXPECT_TRUE(Contains(garbage.err, "Unauthenticated")) << garbage.err;
  EXPECT_TRUE(garbage.out.empty()) << garbage.out;
  std::string forged = live;
  forged[10] = forged[10] == 'A' ? 'B' : 'A';
  e2e::Outcome forged_run = As(forged, {"query", "SELECT 1"});
  EXPECT_EQ(forged_run.exit_code, 5) << forged_run.err;
  EXPECT_TRUE(Contains(forged_run.err, "Unauthenticated")) << forged_run.err;
  e2e::Outcome forged_admin = As(forged, {"principal", "list"});
  EXPECT_EQ(forged_admin.exit_code, 5) << forged_admin.err;
  EXPECT_TRUE(forged_admin.out.empty()) << forged_admin.out;
}

TEST_F(GovernanceCliTest, EveryQueryOfTheAgentIsLedgeredWithItsDecision) {
  const std::string bot = IssueToken("release-bot");
  ASSERT_FALSE(bot.empty());
  struct Case {
    std::string sql;
    std::string sink;
    bool allowed;
    bool touches_customers;
  };
  const std::vector<Case> cases = {
      {"SELECT count(*) FROM tos.containers WHERE direction='export'", "", true, false},
      {"SELECT container_no, authority FROM customs.holds WHERE released_at IS NULL", "", true,
       false},
      {"SELECT container_no, status FROM tos.containers LIMIT 3", "status_board", true, false},
      {"SELECT container_no, iso_type FROM tos.containers LIMIT 3", "status_board", false, false},
      {"SELECT amount FROM finance.invoices", "", false, false},
      {"SELECT * FROM finance.customers", "", false, true},
      {"SELECT name, email FROM finance.customers WHERE country = 'DE'", "", false, true},
      {"SELECT i.status FROM finance.invoices i JOIN finance.customers c "
       "ON c.customer_id = i.customer_id",
       "", false, true},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"query", c.sql};
    if (!c.sink.empty()) args.insert(args.end(), {"--to", c.sink});
    e2e::Outcome run = As(bot, args);
    EXPECT_EQ(run.exit_code == 0, c.allowed) << c.sql << ": " << run.exit_code << " " << run.err;
  }

  json entries = Ledger({"--principal", "release-bot"});
  ASSERT_FALSE(entries.empty());
  for (const auto& entry : entries) {
    for (const char* key :
         {"seq", "time", "principal", "action", "subject", "label", "decision", "hash"}) {
      EXPECT_TRUE(entry.contains(key)) << key << " in " << entry;
    }
    EXPECT_EQ(entry["principal"], "release-bot") << entry;
    EXPECT_TRUE(entry["seq"].is_number_integer()) << entry;
    EXPECT_EQ(entry["hash"].get<std::string>().size(), 64u) << entry;
    if (entry["action"] != "query") continue;
    const std::string decision = entry["decision"];
    EXPECT_TRUE(StartsWith(decision, "allow") || StartsWith(decision, "deny")) << entry;
  }
  for (const Case& c : cases) {
    int found = 0;
    for (const auto& entry : entries) {
      if (entry["action"] != "query" || entry["subject"] != c.sql) continue;
      ++found;
      const std::string decision = entry["decision"];
      if (c.allowed) {
        EXPECT_TRUE(StartsWith(decision, "allow")) << entry;
        EXPECT_FALSE(entry["label"].get<std::string>().empty()) << entry;
      } else {
        EXPECT_TRUE(StartsWith(decision, "deny")) << entry;
      }
      if (!c.sink.empty()) {
        EXPECT_TRUE(Contains(decision, c.sink)) << entry;
      }
      if (c.touches_customers) {
        EXPECT_TRUE(Contains(decision, "no grant")) << entry;
        EXPECT_TRUE(Contains(decision, "finance.customers")) << entry;
      }
    }
    EXPECT_EQ(found, 1) << c.sql;
  }
  // The denied column read names the rule that decided.
  for (const auto& entry : entries) {
    if (entry["subject"] == "SELECT amount FROM finance.invoices") {
      EXPECT_TRUE(Contains(entry["decision"], "no grant on finance.invoices.amount")) << entry;
    }
  }
  EXPECT_EQ(Cairn({"ledger", "verify"}).exit_code, 0);
}

// README ("Governance"): tables and columns without a grant "do not exist for it, in data and in
// metadata". The label proposals and the ledger name hidden tables and columns (and the ledger
// holds other principals' SQL), so a restricted principal must either be refused them or see
// nothing of what it may not see.
TEST_F(GovernanceCliTest, LabelsAndLedgerDoNotRevealHiddenTablesToTheReleaseAgent) {
  ASSERT_EQ(Cairn({"discover"}).exit_code, 0);
  ASSERT_EQ(Cairn({"labels", "propose"}).exit_code, 0);
  ASSERT_EQ(Cairn({"query", "SELECT email FROM finance.customers LIMIT 1"}).exit_code, 0);
  const std::string bot = IssueToken("release-bot");
  ASSERT_FALSE(bot.empty());
  ASSERT_EQ(As(bot, {"query", "SELECT * FROM finance.customers"}).exit_code, 4);

  e2e::Outcome labels = As(bot, {"labels", "--format", "csv"});
  if (labels.exit_code == 0) {
    EXPECT_FALSE(Contains(labels.out, "customers")) << labels.out;
    EXPECT_FALSE(Contains(labels.out, "declarations")) << labels.out;
  } else {
    EXPECT_EQ(labels.exit_code, 5) << labels.err;
  }
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"ledger", "tail", "-n", "1000", "--format", "json"},
        std::vector<std::string>{"ledger", "search", "--format", "json"},
        std::vector<std::string>{"ledger", "search", "--principal", "release-bot", "--format",
                                 "json"}}) {
    e2e::Outcome ledger = As(bot, args);
    if (ledger.exit_code == 0) {
      EXPECT_FALSE(Contains(ledger.out, "finance.customers")) << args[1] << ": " << ledger.out;
    } else {
      EXPECT_EQ(ledger.exit_code, 5) << args[1] << ": " << ledger.err;
    }
  }
}

}  // namespace
}  // namespace cairn
