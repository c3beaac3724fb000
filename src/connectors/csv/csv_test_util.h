#pragma once

// Test helpers for the csv connector: a scratch directory and opening a csv source from YAML
// (running SQL on a connection with the source attached comes from common/sql_test_util.h).
// Test-only; not built into the library.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "connectors/common/sql_test_util.h"
#include "connectors/csv/csv_source.h"
#include "connectors/source.h"
#include "core/config.h"

namespace cairn::connectors::csv::testing {

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class ScratchDir {
 public:
  ScratchDir() {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = fmt::format("cairn_csv_{}_{}_{}", ::getpid(), counter++,
                                   info != nullptr ? info->name() : "env");
    path_ = std::filesystem::temp_directory_path() / name;
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Writes `bytes` exactly (binary) to `name` inside the directory.
  void Write(const std::string& name, const std::string& bytes) const {
    std::ofstream out(path_ / name, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    ASSERT_TRUE(out.good()) << "cannot write " << (path_ / name);
  }

 private:
  std::filesystem::path path_;
};

// The YAML of a config with one csv source `customs` at `dir`, plus `extra` option lines
// (each "    key: value\n").
inline std::string CsvConfigYaml(const std::filesystem::path& dir, const std::string& extra = "") {
  return "version: 1\n"
         "sources:\n"
         "  customs:\n"
         "    kind: csv\n"
         "    path: " +
         dir.string() + "\n" + extra;
}

// Parses the YAML as /etc/cairn/cairn.yaml and opens its first source with the csv kind.
inline Result<std::unique_ptr<Source>> OpenCsv(const std::string& yaml) {
  ASSIGN_OR_RETURN(Config config, ParseConfig(yaml, "/etc/cairn/cairn.yaml"));
  if (config.sources.empty()) return InternalError("no source in the test config");
  return Kind().open(config.sources[0]);
}

using connectors::testing::Db;
using connectors::testing::OpenMemoryDb;
using connectors::testing::Query;
using connectors::testing::QueryResult;

}  // namespace cairn::connectors::csv::testing
