// End-to-end tests of `cairn discover` and `cairn joins` through the binary.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_harness.h"

namespace cairn {
namespace {

namespace fs = std::filesystem;

using CliRun = e2e::Outcome;

class DiscoveryCliTest : public e2e::CliTest {
 protected:
  void SetUp() override {
    e2e::CliTest::SetUp();
    fs::path data = fs::path(CAIRN_SOURCE_DIR) / "tests" / "data";
    fs::copy_file(data / "chinook.sqlite", dir_ / "chinook.sqlite");
    std::ofstream(dir_ / "cairn.yaml")
        << "version: 1\nsources:\n  music: {kind: sqlite, path: chinook.sqlite}\n";
  }
};

TEST_F(DiscoveryCliTest, DiscoverJsonThenIncrementalThenJoins) {
  CliRun first = Cairn({"discover", "--json"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  nlohmann::json report = nlohmann::json::parse(first.out);
  EXPECT_EQ(report["tables_profiled"], 11);
  EXPECT_EQ(report["tables_skipped"], 0);
  EXPECT_EQ(report["joins"]["declared"], 11);
  bool track = false;
  for (const auto& t : report["tables"]) {
    if (t["table"] == "Track") {
      track = true;
      EXPECT_EQ(t["row_count"], 3503);
      EXPECT_EQ(t["sample_size"], 3503);
    }
  }
  EXPECT_TRUE(track);
  EXPECT_TRUE(first.err.empty()) << first.err;  // no progress bar when stderr is not a terminal

  CliRun second = Cairn({"discover", "--json", "music"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(nlohmann::json::parse(second.out)["tables_skipped"], 11);

  CliRun human = Cairn({"discover"});
  ASSERT_EQ(human.exit_code, 0);
  EXPECT_NE(human.out.find("skipped 11 unchanged"), std::string::npos) << human.out;

  CliRun joins = Cairn({"joins", "--format", "json"});
  ASSERT_EQ(joins.exit_code, 0) << joins.err;
  nlohmann::json list = nlohmann::json::parse(joins.out);
  ASSERT_EQ(list.size(), 11u);
  for (const auto& j : list) {
    EXPECT_EQ(j["kind"], "declared");
    EXPECT_TRUE(j["from"].contains("source"));
    EXPECT_TRUE(j["from"]["columns"].is_array());
    EXPECT_TRUE(j["to"].contains("table"));
    EXPECT_EQ(j["score"], 1.0);
    EXPECT_TRUE(j.contains("evidence"));
  }
}

TEST_F(DiscoveryCliTest, ConfirmAndRejectStickAcrossRediscovery) {
  ASSERT_EQ(Cairn({"discover"}).exit_code, 0);
  CliRun confirm = Cairn({"joins", "confirm", "music.Track(AlbumId)", "music.Album(AlbumId)"});
  ASSERT_EQ(confirm.exit_code, 0) << confirm.err;
  CliRun reject =
      Cairn({"joins", "reject", "music.Track(GenreId)", "music.MediaType(MediaTypeId)"});
  ASSERT_EQ(reject.exit_code, 0) << reject.err;
  ASSERT_EQ(Cairn({"discover", "--full"}).exit_code, 0);
  nlohmann::json list = nlohmann::json::parse(Cairn({"joins", "-f", "json"}).out);
  int seen = 0;
  for (const auto& j : list) {
    if (j["from"]["table"] == "Track" && j["from"]["columns"][0] == "AlbumId") {
      EXPECT_EQ(j["kind"], "confirmed");
      EXPECT_EQ(j["stated_by"], "admin");
      ++seen;
    }
    if (j["from"]["table"] == "Track" && j["to"]["table"] == "MediaType" &&
        j["from"]["columns"][0] == "GenreId") {
      EXPECT_EQ(j["kind"], "rejected");
      ++seen;
    }
  }
  EXPECT_EQ(seen, 2);
  CliRun bad = Cairn({"joins", "confirm", "music.Track", "music.Album(AlbumId)"});
  EXPECT_EQ(bad.exit_code, 3) << bad.err;
  EXPECT_NE(bad.err.find("InvalidArgument"), std::string::npos);
}

TEST_F(DiscoveryCliTest, UnknownSourceAndRaggedCsvFailWithCodes) {
  CliRun unknown = Cairn({"discover", "nosuch"});
  EXPECT_EQ(unknown.exit_code, 4) << unknown.err;
  EXPECT_NE(unknown.err.find("nosuch"), std::string::npos);

  fs::create_directories(dir_ / "csv");
  std::ofstream(dir_ / "csv" / "ok.csv") << "id,name\n1,a\n";
  std::ofstream(dir_ / "csv" / "ragged.csv") << "id,name\n1,a\n2\n";
  std::ofstream(dir_ / "cairn.yaml", std::ios::app) << "  files: {kind: csv, path: csv}\n";
  CliRun ragged = Cairn({"discover", "--json"});
  EXPECT_EQ(ragged.exit_code, 3) << ragged.err;
  EXPECT_NE(ragged.err.find("files.ragged"), std::string::npos) << ragged.err;
  nlohmann::json report = nlohmann::json::parse(ragged.out);
  EXPECT_EQ(report["tables_failed"], 1);
  EXPECT_EQ(report["tables_profiled"], 12);
}

}  // namespace
}  // namespace cairn
