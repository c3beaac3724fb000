#pragma once

// Shared state of one `cairn` invocation and the commands that live outside main.cc.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "cli/output.h"
#include "context/model.h"
#include "context/recipes.h"
#include "context/search.h"
#include "core/status.h"
#include "engine/catalog.h"
#include "engine/session.h"
#include "ledger/clock.h"
#include "ledger/ledger.h"
#include "ledger/signing.h"
#include "policy/declassify.h"
#include "policy/policy.h"
#include "service/visibility.h"
#include "service/workspace.h"
#include "store/state_db.h"

namespace cairn::cli {

// One `cairn` invocation's service::Workspace, acting as the principal of the token given with
// --token or CAIRN_TOKEN, or as the local administrator when there is none (ingress "cli").
class Environment {
 public:
  std::filesystem::path config_path = "cairn.yaml";
  std::string token;  // --token, else CAIRN_TOKEN; empty: the local administrator

  // The workspace of config_path, opened once. NotFound if the configuration file is missing;
  // InvalidArgument with file:line:column if it is malformed.
  Result<service::Workspace*> OpenWorkspace();
  // A session bound to Principal() and the policy; every query is ledgered. Errors as
  // OpenWorkspace(), plus Unauthenticated for an unknown, expired or revoked token.
  Result<std::unique_ptr<engine::Session>> OpenSession();
  // Who is acting, resolved once.
  Result<engine::Principal> Principal();
  // Fails with PermissionDenied unless the acting principal is an administrator.
  Status RequireAdmin(std::string_view what);
  // Workspace::Policy() for the acting principal.
  Result<policy::Policy*> OpenPolicy();
  Result<policy::Declassifications*> OpenDeclassifications();
  // Appends an entry for an action of the acting principal (ingress "cli"); for commands that
  // change state (principals, tokens, policy decisions, discovery, recipes, joins).
  Status Record(const std::string& action, const std::string& subject,
                const std::string& decision = "allow");
  // Signs a tree head if entries were appended since the last signed one (the CLI's signing
  // policy: every command that appended leaves a signed head behind). No-op if the ledger was
  // never opened.
  Status SignIfAppended();
  Result<ledger::Ledger*> OpenLedger();
  // The ledger's signing key; valid after a successful OpenLedger().
  const ledger::KeyPair* ledger_key() const { return ws_ ? ws_->ledger_key() : nullptr; }
  Result<store::StateDb*> OpenStateDb();
  // Valid after a successful OpenWorkspace() (or any Open*()).
  engine::Catalog* catalog() { return ws_ ? ws_->catalog() : nullptr; }

 private:
  std::unique_ptr<service::Workspace> ws_;
  std::optional<engine::Principal> principal_;
};

// The command line being built: subcommands register on `app` and report through `status`.
struct Cli {
  CLI::App* app = nullptr;
  Environment env;
  Status status;
  std::string config_path = "cairn.yaml";
  std::string format_name = "table";
  std::string token;  // --token
  std::string state;  // --state: the state in PostgreSQL (exported as CAIRN_STATE)
  bool verbose = false;

  // Adds --format/-f (table, csv, json, jsonl) to `command`.
  void AddFormat(CLI::App* command);
  // A CLI11 callback that sets up the environment, runs `body` and stores its status.
  std::function<void()> Run(std::function<Status(Format)> body);
};

// Each registers its subcommands on cli->app; one file each.
void RegisterDiscoveryCommands(Cli* cli);  // discovery_commands.cc: discover, joins
void RegisterPathCommands(Cli* cli);       // path_commands.cc: path, graph
void RegisterLedgerCommands(Cli* cli);     // ledger_commands.cc: ledger tail|show|search|
                                           // verify|prove|consistency|sign
void RegisterStateCommands(Cli* cli);      // state_commands.cc: state show|migrate
void RegisterMemoryCommands(Cli* cli);     // memory_commands.cc: search, remember, recall,
                                           // glossary, export-context
void RegisterPrincipalCommands(Cli* cli);  // principal_commands.cc: principal add|list|disable,
                                           // token issue|list|revoke
void RegisterPolicyCommands(Cli* cli);     // policy_commands.cc: policy check|show, labels,
                                           // declassify
void RegisterServeCommands(Cli* cli);      // serve_commands.cc: serve, mcp
void RegisterWorkflowCommands(Cli* cli);   // workflow_commands.cc: workflow list|show|add|eval|
                                           // promote|demote, case start|list|show|decide|
                                           // review|resume

// What the principal may see of the shared context (service/visibility.h).
using service::CanSeeHit;
using service::CanSeeJoin;
using service::CanSeeRecipe;

struct DemoFlags {
  std::string dir = ".";
  uint64_t seed = 6346;
  int containers = 3000;  // demo::DemoOptions::containers
  bool force = false;
};

// `cairn demo`: generates the demo enterprise into flags.dir and runs the showcase queries;
// with --format json prints its summary (planted problems, cases started) instead.
Status RunDemo(const DemoFlags& flags, Format format);

struct DemoApiFlags {
  std::string dir = ".";  // where `cairn demo` wrote the port
  std::string address = "127.0.0.1";
  int port = 8471;  // 0: any free port
};

// `cairn demo serve-api`: serves the demo's delivery orders as a paginated JSON API (a shipping
// line's; demo_api_command.cc) until SIGINT or SIGTERM. Prints "cairn: demo API on
// http://ADDR:PORT ..." once listening.
Status RunDemoApi(const DemoApiFlags& flags);

}  // namespace cairn::cli
