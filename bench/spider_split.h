#pragma once

// The Spider databases held out from development (issue 14: quality figures are reported on data
// the code was not tuned on as well as on the data it was): the databases that have a
// `<name>/<name>.sqlite` under `database_dir`, sorted by name, every fifth of them (the 5th,
// 10th, ...). cairn_fk_bench and cairn_path_bench report them apart and list errors only for
// the split asked for (development by default).

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace cairn::bench {

inline std::set<std::string> SpiderHeldOut(const std::filesystem::path& database_dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(database_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (std::filesystem::exists(entry.path() / (name + ".sqlite"))) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  std::set<std::string> held_out;
  for (size_t i = 4; i < names.size(); i += 5) held_out.insert(names[i]);
  return held_out;
}

}  // namespace cairn::bench
