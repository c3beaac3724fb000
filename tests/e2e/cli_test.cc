// End-to-end tests of the `cairn` binary: real files, real processes, exit codes and output
// as a script would see them.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_harness.h"

namespace cairn {
namespace {

namespace fs = std::filesystem;

using e2e::Outcome;
using e2e::ReadFile;
using e2e::TestData;
using e2e::WriteFile;

class CliTest : public e2e::CliTest {
 protected:
  // A cairn.yaml with Chinook and Northwind as SQLite sources.
  void WriteChinookConfig() {
    WriteFile(dir_ / "cairn.yaml",
              "version: 1\nsources:\n  chinook:\n    kind: sqlite\n    path: " +
                  (TestData() / "chinook.sqlite").string() +
                  "\n  northwind:\n    kind: sqlite\n    path: " +
                  (TestData() / "northwind.sqlite").string() + "\n");
  }
};

TEST_F(CliTest, VersionAndHelp) {
  Outcome version = Cairn({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.out.find("cairn "), std::string::npos);
  for (const std::string command : {"", "query", "sources", "tables", "describe", "demo", "init"}) {
    std::vector<std::string> args;
    if (!command.empty()) args.push_back(command);
    args.push_back("--help");
    Outcome help = Cairn(args);
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_NE(help.out.find("Usage"), std::string::npos) << command << help.out;
  }
}

TEST_F(CliTest, BadCommandLineExitsTwo) {
  EXPECT_EQ(Cairn({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(Cairn({"query"}).exit_code, 2);
  EXPECT_EQ(Cairn({"query", "SELECT 1", "--format", "xml"}).exit_code, 2);
}

TEST_F(CliTest, InitWritesCommentedConfigAndRefusesToOverwrite) {
  Outcome init = Cairn({"init"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  std::string text = ReadFile(dir_ / "cairn.yaml");
  EXPECT_NE(text.find("# "), std::string::npos);
  EXPECT_TRUE(fs::is_directory(dir_ / ".cairn"));
  EXPECT_TRUE(fs::exists(dir_ / ".cairn" / "ledger.key"));
  EXPECT_EQ(fs::status(dir_ / ".cairn" / "ledger.key").permissions() & fs::perms::others_read,
            fs::perms::none);
  Outcome again = Cairn({"init"});
  EXPECT_EQ(again.exit_code, 8);
  EXPECT_NE(again.err.find("already exists"), std::string::npos);
  EXPECT_EQ(Cairn({"init", "--force"}).exit_code, 0);
  // The example loads: no sources, so `sources` succeeds with an empty list.
  Outcome sources = Cairn({"sources", "--format", "json"});
  EXPECT_EQ(sources.exit_code, 0) << sources.err;
  EXPECT_EQ(nlohmann::json::parse(sources.out), nlohmann::json::array());
}

TEST_F(CliTest, SourcesAddKeepsCommentsAndValidates) {
  ASSERT_EQ(Cairn({"init"}).exit_code, 0);
  Outcome add = Cairn({"sources", "add", "chinook", "--kind", "sqlite", "--path",
                       (TestData() / "chinook.sqlite").string()});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  std::string text = ReadFile(dir_ / "cairn.yaml");
  EXPECT_NE(text.find("# A SQLite database file"), std::string::npos) << text;
  EXPECT_NE(text.find("  chinook:\n    kind: sqlite\n"), std::string::npos) << text;

  Outcome duplicate = Cairn({"sources", "add", "chinook", "--kind", "csv", "--path", "x"});
  EXPECT_EQ(duplicate.exit_code, 8);
  EXPECT_NE(duplicate.err.find("already exists"), std::string::npos);

  Outcome clear_password = Cairn({"sources", "add", "erp", "--kind", "postgres", "-o", "host=h",
                                  "-o", "dbname=d", "-o", "user=u", "-o", "password=hunter2"});
  EXPECT_EQ(clear_password.exit_code, 3);
  EXPECT_NE(clear_password.err.find("${ENV_VAR}"), std::string::npos) << clear_password.err;
  EXPECT_EQ(clear_password.err.find("hunter2"), std::string::npos);
  EXPECT_EQ(ReadFile(dir_ / "cairn.yaml"), text) << "a refused edit must not touch the file";

  Outcome pg = Cairn({"sources", "add", "erp", "--kind", "postgres", "-o", "host=127.0.0.1", "-o",
                      "dbname=erp", "-o", "user=reader", "--password-env", "ERP_PASSWORD",
                      "--schemas", "public,sales"});
  EXPECT_EQ(pg.exit_code, 0) << pg.err;
  text = ReadFile(dir_ / "cairn.yaml");
  EXPECT_NE(text.find("password: ${ERP_PASSWORD}"), std::string::npos) << text;
  EXPECT_NE(text.find("schemas: [public, sales]"), std::string::npos) << text;

  Outcome bad_option = Cairn({"sources", "add", "x", "--kind", "sqlite", "-o", "pathh=a"});
  EXPECT_EQ(bad_option.exit_code, 3);
  EXPECT_NE(bad_option.err.find("sources.x.pathh"), std::string::npos) << bad_option.err;
}

TEST_F(CliTest, TablesDescribeAndQueryFormats) {
  WriteChinookConfig();
  Outcome tables = Cairn({"tables", "chinook", "--format", "csv"});
  ASSERT_EQ(tables.exit_code, 0) << tables.err;
  EXPECT_NE(tables.out.find("chinook,Track,table,9"), std::string::npos) << tables.out;

  Outcome describe = Cairn({"describe", "northwind.Order Details", "--format", "jsonl"});
  ASSERT_EQ(describe.exit_code, 0) << describe.err;
  EXPECT_NE(describe.out.find("\"column\":\"OrderID\""), std::string::npos) << describe.out;

  Outcome missing = Cairn({"describe", "chinook.Nope"});
  EXPECT_EQ(missing.exit_code, 4);
  EXPECT_NE(missing.err.find("Nope"), std::string::npos);

  const std::string sql =
      "SELECT ar.Name AS artist, count(*) AS albums FROM chinook.Artist ar "
      "JOIN chinook.Album al ON al.ArtistId = ar.ArtistId GROUP BY ar.ArtistId "
      "ORDER BY albums DESC, artist LIMIT 2";
  Outcome json = Cairn({"query", sql, "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  nlohmann::json rows = nlohmann::json::parse(json.out);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["artist"], "Iron Maiden");
  EXPECT_EQ(rows[0]["albums"], 21);

  Outcome jsonl = Cairn({"query", sql, "--format", "jsonl"});
  ASSERT_EQ(jsonl.exit_code, 0);
  std::istringstream lines(jsonl.out);
  std::string first;
  std::getline(lines, first);
  EXPECT_EQ(nlohmann::json::parse(first)["artist"], "Iron Maiden");

  Outcome csv = Cairn({"query", sql, "--format", "csv"});
  EXPECT_EQ(csv.out, "artist,albums\r\nIron Maiden,21\r\nLed Zeppelin,14\r\n");

  Outcome table = Cairn({"query", sql});
  EXPECT_NE(table.out.find("Iron Maiden"), std::string::npos);
  EXPECT_NE(table.out.find("(2 rows)"), std::string::npos);

  Outcome from_stdin =
      Cairn({"query", "-", "--format", "csv"}, "SELECT count(*) AS n FROM chinook.Track");
  EXPECT_EQ(from_stdin.out, "n\r\n3503\r\n");
}

TEST_F(CliTest, QueryErrorsHaveStableExitCodes) {
  WriteChinookConfig();
  Outcome syntax = Cairn({"query", "SELEC 1"});
  EXPECT_EQ(syntax.exit_code, 3);
  EXPECT_NE(syntax.err.find("syntax error"), std::string::npos) << syntax.err;

  Outcome write = Cairn({"query", "DELETE FROM chinook.Artist"});
  EXPECT_EQ(write.exit_code, 5);
  EXPECT_NE(write.err.find("read-only"), std::string::npos) << write.err;

  Outcome attach = Cairn({"query", "ATTACH '/tmp/x.db' AS x"});
  EXPECT_EQ(attach.exit_code, 5) << attach.err;

  Outcome unknown_source = Cairn({"query", "SELECT * FROM nosuch.t"});
  EXPECT_EQ(unknown_source.exit_code, 4);
  EXPECT_NE(unknown_source.err.find("no such source 'nosuch'"), std::string::npos)
      << unknown_source.err;

  Outcome endless = Cairn({"query", "--timeout-ms", "300",
                           "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                           "SELECT count(*) FROM c"});
  EXPECT_EQ(endless.exit_code, 7);
  EXPECT_NE(endless.err.find("DeadlineExceeded"), std::string::npos) << endless.err;

  Outcome rows = Cairn({"query", "--max-rows", "10", "SELECT * FROM chinook.Track"});
  EXPECT_EQ(rows.exit_code, 7);
  EXPECT_NE(rows.err.find("more than 10 rows"), std::string::npos) << rows.err;
}

TEST_F(CliTest, ConfigErrorsNameFileLineColumnAndKey) {
  Outcome missing = Cairn({"tables"});
  EXPECT_EQ(missing.exit_code, 4);
  EXPECT_NE(missing.err.find("cairn init"), std::string::npos);

  WriteFile(dir_ / "cairn.yaml",
            "version: 1\nsources:\n  tos:\n    kind: sqlite\n    path: [unclosed\n");
  Outcome malformed = Cairn({"tables"});
  EXPECT_EQ(malformed.exit_code, 3);
  EXPECT_NE(malformed.err.find("cairn.yaml:"), std::string::npos) << malformed.err;

  WriteFile(dir_ / "cairn.yaml", "version: 1\nsources:\n  tos:\n    kind: oracle\n    path: x\n");
  Outcome kind = Cairn({"tables"});
  EXPECT_EQ(kind.exit_code, 3);
  EXPECT_NE(kind.err.find("cairn.yaml:3:3: sources.tos.kind: unknown source kind 'oracle'"),
            std::string::npos)
      << kind.err;

  WriteFile(dir_ / "other.yaml", "version: 1\nsources:\n  tos:\n    kind: sqlite\n    size: 3\n");
  Outcome key = Cairn({"--config", "other.yaml", "tables"});
  EXPECT_EQ(key.exit_code, 3);
  EXPECT_NE(key.err.find("other.yaml:5:11: sources.tos.size: unknown option"), std::string::npos)
      << key.err;
}

TEST_F(CliTest, SourcesReportsUnreachableSource) {
  WriteFile(dir_ / "cairn.yaml",
            "version: 1\nsources:\n  gone:\n    kind: sqlite\n    path: missing.sqlite\n");
  Outcome sources = Cairn({"sources"});
  EXPECT_NE(sources.exit_code, 0);
  EXPECT_NE(sources.out.find("gone"), std::string::npos) << sources.out;
  EXPECT_NE(sources.out.find("missing.sqlite"), std::string::npos) << sources.out;
  EXPECT_FALSE(fs::exists(dir_ / "missing.sqlite")) << "a read-only source must not be created";
}

TEST_F(CliTest, DemoGeneratesThePortAndQueriesAcrossSources) {
  Outcome demo = Cairn({"demo", "--dir", "port"});
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  EXPECT_NE(demo.out.find("open customs hold"), std::string::npos) << demo.out;
  EXPECT_NE(demo.out.find("rows)"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir_ / "port" / "cairn.yaml"));

  Outcome again = Cairn({"demo", "--dir", "port"});
  EXPECT_EQ(again.exit_code, 8);
  EXPECT_NE(again.err.find("--force"), std::string::npos) << again.err;

  // SQLite x CSV x SQLite in one statement, from the generated cairn.yaml.
  Outcome query = Cairn({"--config", "port/cairn.yaml", "query", "--format", "json",
                         "SELECT count(*) AS n FROM tos.containers c "
                         "JOIN customs.holds h ON h.container_no = c.container_no "
                         "JOIN finance.invoices i ON i.bl_number = c.bl_number"});
  ASSERT_EQ(query.exit_code, 0) << query.err;
  EXPECT_GT(nlohmann::json::parse(query.out)[0]["n"].get<int>(), 0);

  Outcome sources = Cairn({"--config", "port/cairn.yaml", "sources", "--format", "json"});
  ASSERT_EQ(sources.exit_code, 0) << sources.err;
  auto list = nlohmann::json::parse(sources.out);
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(list[0]["name"], "tos");
  EXPECT_EQ(list[1]["kind"], "csv");
}

}  // namespace
}  // namespace cairn
