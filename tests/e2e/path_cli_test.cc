// End-to-end tests of `cairn path` and `cairn graph`: the real binary over Chinook and
// Northwind, with joins stored in the state database the way discovery and verdicts store them.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_harness.h"

namespace cairn {
namespace {

namespace fs = std::filesystem;

using CliRun = e2e::Outcome;

class PathCliTest : public e2e::CliTest {
 protected:
  void SetUp() override {
    e2e::CliTest::SetUp();
    fs::path data = fs::path(CAIRN_SOURCE_DIR) / "tests" / "data";
    std::ofstream(dir_ / "cairn.yaml")
        << "version: 1\nsources:\n  chinook:\n    kind: sqlite\n    path: "
        << (data / "chinook.sqlite").string()
        << "\n  northwind:\n    kind: sqlite\n    path: " << (data / "northwind.sqlite").string()
        << "\n";
    // The first command creates the state database and its tables; the graph is still empty.
    CliRun empty = Cairn({"graph"});
    ASSERT_EQ(empty.exit_code, 0) << empty.err;
    EXPECT_EQ(empty.out, "flowchart LR\n");
    StoreJoins();
  }

  // Joins as the join store keeps them: declared foreign keys of Chinook, one inferred and one
  // rejected join, and Northwind's "Order Details" keys.
  void StoreJoins() {
    ExecState(
        "INSERT INTO joins (from_source, from_table, from_columns, to_source, to_table, "
        "to_columns, kind, score) VALUES "
        "('chinook', 'Track', '[\"AlbumId\"]', 'chinook', 'Album', '[\"AlbumId\"]', 'declared', 1),"
        "('chinook', 'Album', '[\"ArtistId\"]', 'chinook', 'Artist', '[\"ArtistId\"]', "
        "'declared', 1),"
        "('chinook', 'Track', '[\"GenreId\"]', 'chinook', 'Genre', '[\"GenreId\"]', 'inferred', "
        "0.9),"
        "('chinook', 'Track', '[\"MediaTypeId\"]', 'chinook', 'Genre', '[\"GenreId\"]', "
        "'rejected', 0),"
        "('northwind', 'Order Details', '[\"OrderID\"]', 'northwind', 'Orders', '[\"OrderID\"]', "
        "'declared', 1),"
        "('northwind', 'Orders', '[\"CustomerID\"]', 'northwind', 'Customers', "
        "'[\"CustomerID\"]', 'confirmed', 1)");
  }

  // Runs `sql` on the state database, as discovery and verdicts would have written it.
  void ExecState(const char* sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / ".cairn" / "state.sqlite").c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
    std::string message = error ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << message;
  }

  // Runs `sql` through `cairn query` and returns the row count as CSV (RFC 4180: CRLF).
  std::string CountRows(const std::string& sql) {
    CliRun run = Cairn({"query", "SELECT count(*) AS n FROM (" + sql + ")", "--format", "csv"});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return run.out;
  }
};

TEST_F(PathCliTest, PathPrintsSqlThatRuns) {
  CliRun path = Cairn({"path", "chinook.Track", "chinook.Artist"});
  ASSERT_EQ(path.exit_code, 0) << path.err;
  std::string sql =
      "SELECT *\nFROM \"chinook\".\"Track\" AS t\n"
      "JOIN \"chinook\".\"Album\" AS a ON a.\"AlbumId\" = t.\"AlbumId\"\n"
      "JOIN \"chinook\".\"Artist\" AS a2 ON a2.\"ArtistId\" = a.\"ArtistId\"";
  EXPECT_EQ(path.out.rfind(sql + ";\n", 0), 0u) << path.out;
  EXPECT_NE(path.out.find("declared"), std::string::npos);
  EXPECT_EQ(CountRows(sql), "n\r\n3503\r\n");

  // Bare names, three tables, an inferred join.
  CliRun json = Cairn({"path", "Artist", "Genre", "Track", "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  nlohmann::json plan = nlohmann::json::parse(json.out);
  EXPECT_EQ(plan["joins"].size(), 3u);
  EXPECT_EQ(plan["tables"].size(), 4u);
  EXPECT_EQ(plan["tables"][0]["table"], "Artist");
  EXPECT_DOUBLE_EQ(plan["cost"].get<double>(), 0.5 + 0.5 + 1.2);
  EXPECT_TRUE(plan["alternatives"].is_array());
  bool inferred = false;
  for (const auto& join : plan["joins"]) {
    EXPECT_TRUE(join["from"].contains("columns"));
    EXPECT_NE(join["kind"], "rejected");
    inferred = inferred || join["kind"] == "inferred";
  }
  EXPECT_TRUE(inferred);
  EXPECT_EQ(CountRows(plan["sql"].get<std::string>()), "n\r\n3503\r\n");

  CliRun northwind = Cairn({"path", "Order Details", "Customers", "--format", "jsonl"});
  ASSERT_EQ(northwind.exit_code, 0) << northwind.err;
  nlohmann::json line = nlohmann::json::parse(northwind.out);
  EXPECT_NE(line["sql"].get<std::string>().find("\"Order Details\" AS od"), std::string::npos);
  EXPECT_EQ(line["joins"][1]["kind"], "confirmed");
  EXPECT_EQ(CountRows(line["sql"].get<std::string>()), "n\r\n2155\r\n");
}

// Two equally cheap joins between two tables: the plan says nothing decided between them, and
// the text output says so in a note.
TEST_F(PathCliTest, ATieNothingDecidedIsNoted) {
  ExecState(
      "INSERT INTO joins (from_source, from_table, from_columns, to_source, to_table, "
      "to_columns, kind, score) VALUES "
      "('chinook', 'Invoice', '[\"CustomerId\"]', 'chinook', 'Customer', '[\"CustomerId\"]', "
      "'declared', 1),"
      "('chinook', 'Invoice', '[\"BillingCountry\"]', 'chinook', 'Customer', '[\"Country\"]', "
      "'declared', 1)");
  CliRun text = Cairn({"path", "chinook.Invoice", "chinook.Customer"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("note: 1 alternative(s) below cost the same and nothing told them "
                          "apart: choose the one the question is about"),
            std::string::npos)
      << text.out;
  CliRun json = Cairn({"path", "chinook.Invoice", "chinook.Customer", "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  nlohmann::json plan = nlohmann::json::parse(json.out);
  EXPECT_EQ(plan["tied"], 1);
  EXPECT_EQ(plan["decided_by"], "order");
  ASSERT_EQ(plan["alternatives"].size(), 1u);
  EXPECT_EQ(plan["alternatives"][0]["same_cost"], true);
  // The question's columns decide: one it names, or one it compares with a constant (a country
  // given, the invoices are the customer's by id), and the note says which rule chose.
  CliRun named = Cairn({"path", "chinook.Invoice", "chinook.Customer", "--column",
                        "Invoice.BillingCountry", "--format", "json"});
  ASSERT_EQ(named.exit_code, 0) << named.err;
  plan = nlohmann::json::parse(named.out);
  EXPECT_EQ(plan["decided_by"], "named columns");
  EXPECT_EQ(plan["joins"][0]["from"]["columns"][0], "BillingCountry");
  CliRun fixed = Cairn(
      {"path", "chinook.Invoice", "chinook.Customer", "--fixed", "chinook.Invoice.BillingCountry"});
  ASSERT_EQ(fixed.exit_code, 0) << fixed.err;
  EXPECT_NE(fixed.out.find("\"CustomerId\" = "), std::string::npos) << fixed.out;
  EXPECT_NE(fixed.out.find("chosen by fixed columns"), std::string::npos) << fixed.out;
  CliRun bad = Cairn({"path", "chinook.Invoice", "chinook.Customer", "--fixed", "Track.Name"});
  EXPECT_EQ(bad.exit_code, 3);
  EXPECT_NE(bad.err.find("--fixed: 'Track.Name' must be \"table.column\" of one of the given "
                         "tables"),
            std::string::npos)
      << bad.err;
  // Where one way is cheaper, nothing is noted.
  CliRun clear = Cairn({"path", "chinook.Track", "chinook.Artist"});
  ASSERT_EQ(clear.exit_code, 0) << clear.err;
  EXPECT_EQ(clear.out.find("note:"), std::string::npos) << clear.out;
}

TEST_F(PathCliTest, PathErrors) {
  CliRun unknown = Cairn({"path", "Track", "NoSuchTable"});
  EXPECT_EQ(unknown.exit_code, 4);
  EXPECT_NE(unknown.err.find("unknown table 'NoSuchTable'"), std::string::npos) << unknown.err;

  // MediaType exists in the source but its only join was rejected.
  CliRun apart = Cairn({"path", "chinook.Track", "chinook.MediaType"});
  EXPECT_EQ(apart.exit_code, 4);
  EXPECT_NE(apart.err.find("no join path between chinook.Track and chinook.MediaType (they are "
                           "in different components)"),
            std::string::npos)
      << apart.err;
  CliRun across = Cairn({"path", "chinook.Track", "northwind.Orders"});
  EXPECT_EQ(across.exit_code, 4);
  EXPECT_NE(across.err.find("different components"), std::string::npos);

  EXPECT_EQ(Cairn({"path", "chinook.Track"}).exit_code, 3);
  EXPECT_EQ(Cairn({"path"}).exit_code, 2);
}

// A bridge (context/join_bridges.h) joins tables no key join connects; path and graph say so.
TEST_F(PathCliTest, ABridgeIsTakenAndNamed) {
  ExecState(
      "INSERT INTO joins (from_source, from_table, from_columns, to_source, to_table, "
      "to_columns, kind, discovered_kind, score, evidence) VALUES ('chinook', 'Playlist', "
      "'[\"Name\"]', 'chinook', 'MediaType', '[\"Name\"]', 'inferred', 'inferred', 0.45, "
      "'{\"bridge\": true, \"shared_attribute\": \"Name\", \"cardinality\": "
      "\"many_to_many\"}')");

  CliRun path = Cairn({"path", "chinook.Playlist", "chinook.MediaType"});
  ASSERT_EQ(path.exit_code, 0) << path.err;
  EXPECT_NE(path.out.find("JOIN \"chinook\".\"MediaType\" AS mt ON mt.\"Name\" = p.\"Name\""),
            std::string::npos)
      << path.out;
  EXPECT_NE(path.out.find("cost 10.00\n"), std::string::npos) << path.out;
  EXPECT_NE(path.out.find("note: chinook.Playlist.Name = chinook.MediaType.Name is a bridge, not "
                          "a key join: the tables share that column (many_to_many), and no key "
                          "join connects them\n"),
            std::string::npos)
      << path.out;
  // Key joins elsewhere carry no note.
  EXPECT_EQ(Cairn({"path", "chinook.Track", "chinook.Artist"}).out.find("note:"),
            std::string::npos);
  CliRun dot = Cairn({"graph", "chinook", "--format", "dot"});
  ASSERT_EQ(dot.exit_code, 0) << dot.err;
  EXPECT_NE(dot.out.find("Name → Name\\ninferred bridge 0.45"), std::string::npos) << dot.out;
}

TEST_F(PathCliTest, GraphDrawsMermaidAndDot) {
  CliRun mermaid = Cairn({"graph"});
  ASSERT_EQ(mermaid.exit_code, 0) << mermaid.err;
  EXPECT_EQ(mermaid.out.rfind("flowchart LR\n", 0), 0u);
  EXPECT_NE(mermaid.out.find("subgraph s1[\"northwind\"]"), std::string::npos) << mermaid.out;
  EXPECT_NE(mermaid.out.find("==>|\"CustomerID → CustomerID<br/>confirmed\"|"), std::string::npos)
      << mermaid.out;
  EXPECT_EQ(mermaid.out.find("MediaType"), std::string::npos);  // only in the rejected join
  EXPECT_EQ(Cairn({"graph"}).out, mermaid.out);                 // deterministic

  CliRun dot = Cairn({"graph", "chinook", "--format", "dot"});
  ASSERT_EQ(dot.exit_code, 0) << dot.err;
  EXPECT_EQ(dot.out.rfind("digraph joins {\n", 0), 0u);
  EXPECT_NE(dot.out.find("GenreId → GenreId\\ninferred 0.90"), std::string::npos) << dot.out;
  EXPECT_EQ(dot.out.find("northwind"), std::string::npos);

  EXPECT_EQ(Cairn({"graph", "nosuch"}).exit_code, 4);
  EXPECT_EQ(Cairn({"graph", "--format", "png"}).exit_code, 2);
}

}  // namespace
}  // namespace cairn
