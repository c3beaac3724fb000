#pragma once

// Shared state of one `cairn` invocation and the commands that live outside main.cc.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "core/status.h"
#include "engine/catalog.h"
#include "engine/session.h"

namespace cairn::cli {

// Loads the configuration once and opens sessions over it, as the built-in administrator.
class Environment {
 public:
  std::filesystem::path config_path = "cairn.yaml";

  // NotFound if the configuration file is missing; InvalidArgument with file:line:column if it
  // is malformed.
  Result<std::unique_ptr<engine::Session>> OpenSession();
  // Valid after a successful OpenSession().
  engine::Catalog* catalog() { return catalog_.get(); }

 private:
  std::unique_ptr<engine::Catalog> catalog_;
};

struct DemoFlags {
  std::string dir = ".";
  uint64_t seed = 6346;
  bool force = false;
};

// `cairn demo`: generates the demo enterprise into flags.dir and runs the showcase queries.
Status RunDemo(const DemoFlags& flags);

}  // namespace cairn::cli
