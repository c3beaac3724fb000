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
#include "store/state_db.h"

namespace cairn::cli {

// Loads the configuration once and opens sessions over it, as the principal of the token given
// with --token or CAIRN_TOKEN, or as the local administrator when there is none.
class Environment {
 public:
  std::filesystem::path config_path = "cairn.yaml";
  std::string token;  // --token, else CAIRN_TOKEN; empty: the local administrator

  // NotFound if the configuration file is missing; InvalidArgument with file:line:column if it
  // is malformed; Unauthenticated for an unknown, expired or revoked token. The session is
  // bound to Principal() and the policy, and records every query in the ledger (ingress "cli").
  Result<std::unique_ptr<engine::Session>> OpenSession();
  // Who is acting, resolved once.
  Result<engine::Principal> Principal();
  // Fails with PermissionDenied unless the acting principal is an administrator.
  Status RequireAdmin(std::string_view what);
  // policy.yaml (Config::policy_file) with the labels confirmed in the state database and the
  // declassification store. Loaded once.
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
  // The ledger in .cairn/state.sqlite, on its own connection, signing with .cairn/ledger.key
  // (created with its .pub on first use). Opened once.
  Result<ledger::Ledger*> OpenLedger();
  // The ledger's signing key; valid after a successful OpenLedger().
  const ledger::KeyPair* ledger_key() const { return key_ ? &*key_ : nullptr; }
  // The state database, .cairn/state.sqlite beside the configuration, opened once. Errors as
  // OpenSession(), plus the StateDb's.
  Result<store::StateDb*> OpenStateDb();
  // Valid after a successful OpenSession() or OpenStateDb().
  engine::Catalog* catalog() { return catalog_.get(); }

 private:
  std::unique_ptr<engine::Catalog> catalog_;
  std::unique_ptr<store::StateDb> state_;
  ledger::SystemClock clock_;
  std::optional<ledger::KeyPair> key_;
  std::unique_ptr<ledger::Ledger> ledger_;
  std::optional<engine::Principal> principal_;
  std::unique_ptr<policy::Declassifications> declassifications_;
  std::unique_ptr<policy::Policy> policy_;
};

// The command line being built: subcommands register on `app` and report through `status`.
struct Cli {
  CLI::App* app = nullptr;
  Environment env;
  Status status;
  std::string config_path = "cairn.yaml";
  std::string format_name = "table";
  std::string token;  // --token
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
void RegisterMemoryCommands(Cli* cli);     // memory_commands.cc: search, remember, recall,
                                           // glossary, export-context
void RegisterPrincipalCommands(Cli* cli);  // principal_commands.cc: principal add|list|disable,
                                           // token issue|list|revoke
void RegisterPolicyCommands(Cli* cli);     // policy_commands.cc: policy check|show, labels,
                                           // declassify

// visibility.cc: whether the session's principal may see a join, a recipe or a search hit
// (every table and column it names is granted). Always true for the administrator.
bool CanSeeJoin(engine::Session& session, const context::Join& join);
bool CanSeeRecipe(engine::Session& session, const context::Recipe& recipe);
bool CanSeeHit(engine::Session& session, const context::SearchHit& hit,
               context::RecipeStore* recipes);

struct DemoFlags {
  std::string dir = ".";
  uint64_t seed = 6346;
  bool force = false;
};

// `cairn demo`: generates the demo enterprise into flags.dir and runs the showcase queries.
Status RunDemo(const DemoFlags& flags);

}  // namespace cairn::cli
