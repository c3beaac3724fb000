// End-to-end tests of `cairn principal ...` and `cairn token ...`: principals and tokens are
// stored, every change is ledgered without the secret, and errors give stable exit codes.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_harness.h"

namespace cairn {
namespace {

class PrincipalCliTest : public e2e::CliTest {
 protected:
  void SetUp() override {
    e2e::CliTest::SetUp();
    e2e::Outcome init = Cairn({"init"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
  }
};

TEST_F(PrincipalCliTest, PrincipalsTokensAndTheLedger) {
  e2e::Outcome add = Cairn({"principal", "add", "ops1", "--kind", "agent", "--role", "operator",
                            "--role", "auditor", "--attr", "terminal=T2", "--attr", "note=a=b"});
  ASSERT_EQ(add.exit_code, 0) << add.err;

  e2e::Outcome list = Cairn({"principal", "list", "--format", "json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  nlohmann::json principals = nlohmann::json::parse(list.out);
  ASSERT_EQ(principals.size(), 2u) << list.out;  // the local admin and ops1
  EXPECT_EQ(principals[0]["id"], "admin");
  EXPECT_EQ(principals[1]["id"], "ops1");
  EXPECT_EQ(principals[1]["kind"], "agent");
  EXPECT_EQ(principals[1]["roles"], nlohmann::json({"operator", "auditor"}));
  EXPECT_EQ(principals[1]["attributes"]["terminal"], "T2");
  EXPECT_EQ(principals[1]["attributes"]["note"], "a=b");
  EXPECT_EQ(principals[1]["disabled"], false);

  e2e::Outcome issue =
      Cairn({"token", "issue", "ops1", "--expires-in", "30d", "--description", "laptop"});
  ASSERT_EQ(issue.exit_code, 0) << issue.err;
  const std::string secret = issue.out.substr(0, issue.out.find('\n'));
  EXPECT_EQ(secret.rfind("cairn_", 0), 0u) << issue.out;
  EXPECT_EQ(secret.size(), 55u);
  EXPECT_EQ(issue.out, secret + "\n");
  EXPECT_NE(issue.err.find("will not be shown again"), std::string::npos) << issue.err;

  e2e::Outcome tokens = Cairn({"token", "list", "ops1", "--format", "json"});
  ASSERT_EQ(tokens.exit_code, 0) << tokens.err;
  nlohmann::json token_list = nlohmann::json::parse(tokens.out);
  ASSERT_EQ(token_list.size(), 1u);
  const std::string id = token_list[0]["id"];
  EXPECT_EQ(token_list[0]["principal"], "ops1");
  EXPECT_EQ(token_list[0]["state"], "active");
  EXPECT_EQ(token_list[0]["description"], "laptop");
  EXPECT_TRUE(token_list[0]["expires"].is_string());
  EXPECT_EQ(tokens.out.find(secret), std::string::npos);
  EXPECT_NE(issue.err.find(id), std::string::npos) << issue.err;

  e2e::Outcome json_issue = Cairn({"token", "issue", "ops1", "--format", "json"});
  ASSERT_EQ(json_issue.exit_code, 0) << json_issue.err;
  nlohmann::json second = nlohmann::json::parse(json_issue.out);
  EXPECT_EQ(second["secret"].get<std::string>().size(), 55u);
  EXPECT_TRUE(second["expires"].is_null());

  e2e::Outcome revoke = Cairn({"token", "revoke", id});
  ASSERT_EQ(revoke.exit_code, 0) << revoke.err;
  tokens = Cairn({"token", "list", "--format", "json"});
  ASSERT_EQ(tokens.exit_code, 0) << tokens.err;
  token_list = nlohmann::json::parse(tokens.out);
  ASSERT_EQ(token_list.size(), 2u);
  EXPECT_EQ(token_list[0]["state"], "revoked");
  EXPECT_EQ(token_list[1]["state"], "active");

  ASSERT_EQ(Cairn({"principal", "disable", "ops1"}).exit_code, 0);
  list = Cairn({"principal", "list", "--format", "json"});
  EXPECT_EQ(nlohmann::json::parse(list.out)[1]["disabled"], true);
  EXPECT_EQ(Cairn({"token", "issue", "ops1"}).exit_code, 8);  // disabled
  ASSERT_EQ(Cairn({"principal", "enable", "ops1"}).exit_code, 0);

  // Every change is in the ledger, and no secret is.
  e2e::Outcome ledger = Cairn({"ledger", "tail", "--format", "json"});
  ASSERT_EQ(ledger.exit_code, 0) << ledger.err;
  nlohmann::json entries = nlohmann::json::parse(ledger.out);
  ASSERT_EQ(entries.size(), 6u) << ledger.out;
  EXPECT_EQ(entries[0]["action"], "principal_change");
  EXPECT_EQ(entries[0]["principal"], "admin");
  EXPECT_NE(entries[0]["subject"].get<std::string>().find("principal add ops1"), std::string::npos);
  EXPECT_NE(entries[0]["subject"].get<std::string>().find("operator,auditor"), std::string::npos);
  EXPECT_EQ(entries[1]["action"], "token_change");
  EXPECT_EQ(entries[1]["subject"].get<std::string>().rfind("token issue " + id + " for ops1", 0),
            0u)
      << entries[1];
  EXPECT_EQ(entries[3]["subject"], "token revoke " + id);
  EXPECT_EQ(entries[4]["subject"], "principal disable ops1");
  EXPECT_EQ(entries[5]["subject"], "principal enable ops1");
  for (const auto& entry : entries) {
    EXPECT_EQ(entry["decision"], "allow");
    EXPECT_EQ(entry["subject"].get<std::string>().find("cairn_"), std::string::npos);
  }
  EXPECT_EQ(e2e::ReadFile(dir_ / ".cairn" / "state.sqlite").find(secret.substr(6, 20)),
            std::string::npos);
  EXPECT_EQ(Cairn({"ledger", "verify"}).exit_code, 0);
}

TEST_F(PrincipalCliTest, ErrorsHaveStableExitCodes) {
  ASSERT_EQ(Cairn({"principal", "add", "ops1"}).exit_code, 0);
  e2e::Outcome duplicate = Cairn({"principal", "add", "ops1"});
  EXPECT_EQ(duplicate.exit_code, 8);
  EXPECT_NE(duplicate.err.find("AlreadyExists"), std::string::npos) << duplicate.err;
  EXPECT_EQ(Cairn({"principal", "add", "Bad Name"}).exit_code, 3);
  EXPECT_EQ(Cairn({"principal", "add", "ops2", "--role", "Admin"}).exit_code, 3);
  EXPECT_EQ(Cairn({"principal", "add", "ops2", "--attr", "noequals"}).exit_code, 3);
  EXPECT_EQ(Cairn({"principal", "add", "ops2", "--attr", "Region=EU"}).exit_code, 3);
  EXPECT_EQ(Cairn({"principal", "add", "ops2", "--kind", "robot"}).exit_code, 2);
  EXPECT_EQ(Cairn({"principal", "disable", "nobody"}).exit_code, 4);
  EXPECT_EQ(Cairn({"principal", "enable", "nobody"}).exit_code, 4);
  EXPECT_EQ(Cairn({"token", "issue", "nobody"}).exit_code, 4);
  EXPECT_EQ(Cairn({"token", "issue", "ops1", "--expires-in", "1w"}).exit_code, 3);
  EXPECT_EQ(Cairn({"token", "issue", "ops1", "--expires-in", "0d"}).exit_code, 3);
  EXPECT_EQ(Cairn({"token", "list", "nobody"}).exit_code, 4);
  EXPECT_EQ(Cairn({"token", "revoke", "0123456789ab"}).exit_code, 4);
  EXPECT_EQ(Cairn({"token"}).exit_code, 2);
  EXPECT_EQ(Cairn({"principal"}).exit_code, 2);

  // None of the failures reached the ledger.
  e2e::Outcome ledger = Cairn({"ledger", "tail", "--format", "json"});
  ASSERT_EQ(ledger.exit_code, 0) << ledger.err;
  EXPECT_EQ(nlohmann::json::parse(ledger.out).size(), 1u);
}

}  // namespace
}  // namespace cairn
