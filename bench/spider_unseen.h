#pragma once

// Spider's own development set (issue 14: quality figures on schemas the code was not tuned on):
// the 20 databases of Spider's `dev` split, in MachineSpider's German translation, which
// neither split of bench/data/spider-de holds, so that no rule of Cairn's was written, tuned
// or checked on them. bench/data/spider-de-dev holds each database as the `schema.sql`
// MachineSpider ships (its tables, declared keys and rows) and the gold SQL of its questions
// (`dev_gold.sql`, one `SQL<TAB>db_id` a line); bench/data/README.md says where they come from.
// cairn_fk_bench spider-unseen and cairn_path_bench --unseen build an SQLite file from each
// schema into a temporary folder and measure there.

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

namespace cairn::bench {

// The folder of the unseen set's data, beside spider-de.
inline std::filesystem::path SpiderUnseenData(const std::filesystem::path& bench_data) {
  return bench_data / "spider-de-dev";
}

// A temporary folder, removed with everything in it when this goes out of scope.
class TempFolder {
 public:
  explicit TempFolder(const std::string& prefix)
      : path_(std::filesystem::temp_directory_path() /
              (prefix + "-" + std::to_string(::getpid()))) {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
    std::filesystem::create_directories(path_, ec);
  }
  ~TempFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Builds `out/database/<db>/<db>.sqlite` from every `data/database/<db>/schema.sql`, in name
// order, and returns the databases' names; on a schema that does not load, an error naming its
// file in `*error` (and the names built before it).
inline std::vector<std::string> BuildSpiderUnseen(const std::filesystem::path& data,
                                                  const std::filesystem::path& out,
                                                  std::string* error) {
  std::vector<std::filesystem::path> schemas;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(data / "database", ec)) {
    if (std::filesystem::exists(entry.path() / "schema.sql")) {
      schemas.push_back(entry.path() / "schema.sql");
    }
  }
  if (ec) {
    *error = (data / "database").string() + ": " + ec.message();
    return {};
  }
  std::sort(schemas.begin(), schemas.end());
  std::vector<std::string> built;
  for (const auto& schema : schemas) {
    const std::string name = schema.parent_path().filename().string();
    std::ifstream in(schema, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) {
      *error = schema.string() + ": cannot read";
      return built;
    }
    const std::filesystem::path folder = out / "database" / name;
    std::filesystem::create_directories(folder, ec);
    const std::filesystem::path file = folder / (name + ".sqlite");
    std::filesystem::remove(file, ec);
    sqlite3* db = nullptr;
    if (sqlite3_open(file.c_str(), &db) != SQLITE_OK) {
      *error = file.string() + ": " + sqlite3_errmsg(db);
      sqlite3_close(db);
      return built;
    }
    char* message = nullptr;
    const int rc = sqlite3_exec(db, text.str().c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
      *error = schema.string() + ": " + (message != nullptr ? message : sqlite3_errstr(rc));
      sqlite3_free(message);
      sqlite3_close(db);
      return built;
    }
    sqlite3_close(db);
    built.push_back(name);
  }
  if (built.empty()) *error = (data / "database").string() + ": no <db>/schema.sql";
  return built;
}

}  // namespace cairn::bench
