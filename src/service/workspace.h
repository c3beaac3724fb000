#pragma once

// A workspace: one configuration (cairn.yaml and its .cairn/ state) opened for one thread, with
// everything a door (the CLI, the REST API, MCP) needs to act for a principal through the one
// choke point: authenticating tokens, the policy, sessions bound to a principal and an ingress,
// and the ledger. A server opens one Workspace per worker thread; a command opens one.
//
// Thread-safety: one thread at a time (each Workspace has its own state-database connections).
// Appends go to the ledger on this workspace's own connection unless set_recorder() names a
// shared one (a server's GroupCommitter).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/config.h"
#include "core/status.h"
#include "engine/access.h"
#include "engine/catalog.h"
#include "engine/session.h"
#include "ledger/clock.h"
#include "ledger/ledger.h"
#include "ledger/signing.h"
#include "policy/declassify.h"
#include "policy/policy.h"
#include "policy/principals.h"
#include "store/state_db.h"
#include "workflow/workflows.h"

namespace cairn::service {

class Workspace {
 public:
  // Loads `config_path`. NotFound if it is missing; InvalidArgument with file:line:column if it
  // is malformed. Nothing else is opened yet.
  static Result<std::unique_ptr<Workspace>> Open(const std::filesystem::path& config_path);
  ~Workspace();

  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  const std::filesystem::path& config_path() const { return config_path_; }
  const Config& config() const { return catalog_->config(); }
  engine::Catalog* catalog() { return catalog_.get(); }

  // .cairn/state.sqlite, opened once.
  Result<store::StateDb*> StateDb();
  // The ledger on its own connection, signing with .cairn/ledger.key (created with its .pub on
  // first use). Opened once. For reading (tail, proofs, verify) and, without a recorder, for
  // appending.
  Result<ledger::Ledger*> Ledger();
  // The signing key; valid after a successful Ledger().
  const ledger::KeyPair* ledger_key() const { return key_ ? &*key_ : nullptr; }
  // Appends of Record() and of sessions go to `recorder` (not owned) instead of Ledger().
  void set_recorder(ledger::Recorder* recorder) { recorder_ = recorder; }
  Result<ledger::Recorder*> Recorder();

  Result<policy::PrincipalStore*> Principals();
  Result<policy::Declassifications*> Declassifications();
  // policy.yaml (Config::policy_file) with the confirmed labels and the declassification store,
  // loaded once. A policy file whose digest was never seen is ledgered as a policy change,
  // attributed to `acting` (who first acted under it) through `ingress`.
  Result<policy::Policy*> Policy(const engine::Principal& acting, std::string_view ingress);

  // Between requests: reloads the policy if policy.yaml changed or labels were confirmed since
  // it was loaded (checked at most every kPolicyRefresh), so a change made on one node is in
  // force on every node within that delay. The swap is atomic for this workspace's requests
  // (each runs under the old or the new policy); cached sessions are dropped. A broken new
  // file keeps the old policy and returns the error.
  static constexpr std::chrono::milliseconds kPolicyRefresh{2000};
  Status RefreshPolicy(const engine::Principal& acting, std::string_view ingress);

  // The principal of a bearer token: Unauthenticated for a malformed, unknown, expired or
  // revoked token or a disabled principal.
  Result<engine::Principal> Authenticate(std::string_view token);
  // The local administrator (created on first use), who acts when a local command has no token.
  Result<engine::Principal> LocalAdmin();

  // A new session for `principal`, bound to the policy, the installation's mask key
  // (.cairn/mask.key) and the ledger (entries name `ingress`: "cli", "rest", "mcp", ...).
  Result<std::unique_ptr<engine::Session>> OpenSession(const engine::Principal& principal,
                                                       std::string_view ingress);
  // A session kept for reuse by later calls of the same principal (same id, roles and
  // attributes) and ingress; owned by the workspace. Limits are reset to the configured ones.
  Result<engine::Session*> CachedSession(const engine::Principal& principal,
                                         std::string_view ingress);

  // Appends an entry for an action of `principal` through `ingress` (state changes, tool
  // calls, refusals). `subject` is recorded with its SHA-256 as the input digest.
  Status Record(const engine::Principal& principal, std::string_view ingress,
                const std::string& action, const std::string& subject,
                const std::string& decision = "allow", const std::string& label = "");
  // PermissionDenied (recorded as "deny: not an administrator") unless `principal` has the
  // admin role.
  Status RequireAdmin(const engine::Principal& principal, std::string_view ingress,
                      std::string_view what);
  // The workflows and their cases over this workspace (state, ledger, sessions), opened once.
  Result<workflow::Workflows*> Workflows();

  // Signs a tree head over Ledger() if entries were appended since the last signed head.
  // No-op if the ledger was never opened.
  Status SignIfAppended();

 private:
  explicit Workspace(std::filesystem::path config_path) : config_path_(std::move(config_path)) {}

  std::filesystem::path config_path_;
  std::unique_ptr<engine::Catalog> catalog_;
  std::unique_ptr<store::StateDb> state_;
  ledger::SystemClock clock_;
  std::optional<ledger::KeyPair> key_;
  std::unique_ptr<ledger::Ledger> ledger_;
  ledger::Recorder* recorder_ = nullptr;
  std::unique_ptr<policy::PrincipalStore> principals_;
  std::unique_ptr<policy::Declassifications> declassifications_;
  std::unique_ptr<policy::Policy> policy_;
  std::string PolicyFileStamp() const;
  std::string policy_file_stamp_;  // size and mtime of policy.yaml when loaded
  std::chrono::steady_clock::time_point policy_checked_;
  std::optional<std::string> mask_key_;
  std::map<std::string, std::unique_ptr<engine::Session>> sessions_;
  std::unique_ptr<workflow::Host> workflow_host_;
  std::unique_ptr<workflow::Workflows> workflows_;
};

}  // namespace cairn::service
