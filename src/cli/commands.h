#pragma once

// Shared state of one `cairn` invocation and the commands that live outside main.cc.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "cli/output.h"
#include "core/status.h"
#include "engine/catalog.h"
#include "engine/session.h"
#include "store/state_db.h"

namespace cairn::cli {

// Loads the configuration once and opens sessions over it, as the built-in administrator.
class Environment {
 public:
  std::filesystem::path config_path = "cairn.yaml";

  // NotFound if the configuration file is missing; InvalidArgument with file:line:column if it
  // is malformed.
  Result<std::unique_ptr<engine::Session>> OpenSession();
  // The state database, .cairn/state.sqlite beside the configuration, opened once. Errors as
  // OpenSession(), plus the StateDb's.
  Result<store::StateDb*> OpenStateDb();
  // Valid after a successful OpenSession() or OpenStateDb().
  engine::Catalog* catalog() { return catalog_.get(); }

 private:
  std::unique_ptr<engine::Catalog> catalog_;
  std::unique_ptr<store::StateDb> state_;
};

// The command line being built: subcommands register on `app` and report through `status`.
struct Cli {
  CLI::App* app = nullptr;
  Environment env;
  Status status;
  std::string config_path = "cairn.yaml";
  std::string format_name = "table";
  bool verbose = false;

  // Adds --format/-f (table, csv, json, jsonl) to `command`.
  void AddFormat(CLI::App* command);
  // A CLI11 callback that sets up the environment, runs `body` and stores its status.
  std::function<void()> Run(std::function<Status(Format)> body);
};

// Each registers its subcommands on cli->app; one file each.
void RegisterDiscoveryCommands(Cli* cli);  // discovery_commands.cc: discover, joins
void RegisterPathCommands(Cli* cli);       // path_commands.cc: path, graph
void RegisterMemoryCommands(Cli* cli);     // memory_commands.cc: search, remember, recall,
                                           // glossary, export-context

struct DemoFlags {
  std::string dir = ".";
  uint64_t seed = 6346;
  bool force = false;
};

// `cairn demo`: generates the demo enterprise into flags.dir and runs the showcase queries.
Status RunDemo(const DemoFlags& flags);

}  // namespace cairn::cli
