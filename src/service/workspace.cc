#include "service/workspace.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

#include "service/state_copy.h"
#include "service/workflow_host.h"

namespace cairn::service {

namespace {

// The cache key of a principal's sessions: everything the policy decides by.
std::string SessionKey(const engine::Principal& principal, std::string_view ingress) {
  std::string key = principal.id;
  key += '\x1f';
  key += ingress;
  for (const std::string& role : principal.roles) {
    key += '\x1e';
    key += role;
  }
  for (const auto& [name, value] : principal.attributes) {
    key += '\x1d';
    key += name;
    key += '=';
    key += value;
  }
  return key;
}

}  // namespace

Result<std::unique_ptr<Workspace>> Workspace::Open(const std::filesystem::path& config_path) {
  std::unique_ptr<Workspace> ws(new Workspace(config_path));
  ASSIGN_OR_RETURN(Config config, LoadConfig(config_path));
  // `cairn --state URL` (or CAIRN_STATE) puts the state in PostgreSQL whatever cairn.yaml says;
  // its password comes from PGPASSWORD or ~/.pgpass, never from the command line.
  if (const char* url = std::getenv("CAIRN_STATE"); url != nullptr && *url != '\0') {
    Status valid = CheckStateUrl(url);
    if (!valid.ok()) return InvalidArgumentError("--state / CAIRN_STATE: {}", valid.message());
    config.state = StateSettings{url, "", ConfigMark{"CAIRN_STATE", 0, 0}};
  }
  ASSIGN_OR_RETURN(ws->catalog_, engine::Catalog::Create(std::move(config)));
  return ws;
}

Workspace::~Workspace() {
  sessions_.clear();  // sessions refer to the policy and the ledger
}

Result<store::StateDb*> Workspace::StateDb() {
  if (state_ == nullptr) {
    ASSIGN_OR_RETURN(state_, store::StateDb::OpenConfigured(config()));
  }
  return state_.get();
}

Result<ledger::Ledger*> Workspace::Ledger() {
  if (ledger_ == nullptr) {
    const std::filesystem::path& state = config().state_dir;
    ASSIGN_OR_RETURN(std::unique_ptr<store::StateDb> db, store::StateDb::OpenConfigured(config()));
    ASSIGN_OR_RETURN(ledger::KeyPair key, ledger::KeyPair::LoadOrCreate(state / "ledger.key"));
    key_.emplace(std::move(key));
    ASSIGN_OR_RETURN(ledger_, ledger::Ledger::Open(std::move(db), &clock_, &*key_));
  }
  return ledger_.get();
}

Result<ledger::Recorder*> Workspace::Recorder() {
  if (recorder_ != nullptr) return recorder_;
  ASSIGN_OR_RETURN(ledger::Ledger * ledger, Ledger());
  return ledger;
}

Result<policy::PrincipalStore*> Workspace::Principals() {
  if (principals_ == nullptr) {
    ASSIGN_OR_RETURN(store::StateDb * db, StateDb());
    ASSIGN_OR_RETURN(principals_, policy::PrincipalStore::Open(db));
  }
  return principals_.get();
}

Result<workflow::Workflows*> Workspace::Workflows() {
  if (workflows_ == nullptr) {
    if (workflow_host_ == nullptr) workflow_host_ = std::make_unique<WorkflowHost>(this);
    ASSIGN_OR_RETURN(workflows_, workflow::Workflows::Open(workflow_host_.get()));
  }
  return workflows_.get();
}

Result<policy::Declassifications*> Workspace::Declassifications() {
  if (declassifications_ == nullptr) {
    ASSIGN_OR_RETURN(store::StateDb * db, StateDb());
    ASSIGN_OR_RETURN(declassifications_, policy::Declassifications::Open(db));
  }
  return declassifications_.get();
}

Result<policy::Policy*> Workspace::Policy(const engine::Principal& acting,
                                          std::string_view ingress) {
  if (policy_ == nullptr) {
    // The file's stamp before reading it: a file replaced while this loads (and ledgers) then
    // differs from the stamp and is reloaded at the next check. Taken after, it would match the
    // new file while the old one is in force, and the change would never be seen.
    const std::string stamp = PolicyFileStamp();
    ASSIGN_OR_RETURN(policy::Declassifications * store, Declassifications());
    ASSIGN_OR_RETURN(std::unique_ptr<policy::Policy> loaded,
                     policy::Policy::Load(config().policy_file));
    ASSIGN_OR_RETURN(auto confirmed, store->Confirmed());
    loaded->set_confirmed_labels(std::move(confirmed));
    loaded->set_declassifications(store);
    // A policy file never seen before is a policy change: ledger it (who edits the file is not
    // known to Cairn; the entry names the principal who first acted under it).
    const std::string digest = loaded->digest().empty() ? "none" : loaded->digest();
    ASSIGN_OR_RETURN(bool changed, store->NoteVersion(digest));
    if (changed) {
      RETURN_IF_ERROR(Record(
          acting, ingress, "policy_change",
          fmt::format("{} sha256 {}: {} roles, {} grants, {} row filters, {} masks, {} sinks",
                      loaded->file_name(), digest, loaded->roles().size(), loaded->grants().size(),
                      loaded->row_filters().size(), loaded->masks().size(), loaded->sinks().size()),
          "allow: in force from now"));
    }
    policy_ = std::move(loaded);
    policy_file_stamp_ = stamp;
    policy_checked_ = std::chrono::steady_clock::now();
  }
  return policy_.get();
}

std::string Workspace::PolicyFileStamp() const {
  std::error_code ec;
  const std::filesystem::path& file = config().policy_file;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) return "missing";
  const auto written = std::filesystem::last_write_time(file, ec);
  if (ec) return "missing";
  return fmt::format("{}:{}", size, written.time_since_epoch().count());
}

Status Workspace::RefreshPolicy(const engine::Principal& acting, std::string_view ingress) {
  if (policy_ == nullptr) return OkStatus();  // loaded fresh on first use
  const auto now = std::chrono::steady_clock::now();
  if (now - policy_checked_ < kPolicyRefresh) return OkStatus();
  policy_checked_ = now;
  bool changed = PolicyFileStamp() != policy_file_stamp_;
  if (!changed) {
    // Labels confirmed through another node (or another process) change what masks apply.
    ASSIGN_OR_RETURN(policy::Declassifications * store, Declassifications());
    ASSIGN_OR_RETURN(auto confirmed, store->Confirmed());
    changed = confirmed != policy_->confirmed_labels();
  }
  if (!changed) return OkStatus();
  // Load the new policy beside the old one: a broken file keeps the old one in force (and says
  // so in the log of the caller), never a mix.
  std::unique_ptr<policy::Policy> old = std::move(policy_);
  const std::string stamp = PolicyFileStamp();  // before the load, as in Policy()
  Result<policy::Policy*> loaded = Policy(acting, ingress);
  if (!loaded.ok()) {
    policy_ = std::move(old);
    policy_file_stamp_ = stamp;  // do not retry a broken file every request
    return loaded.status();
  }
  sessions_.clear();  // they were bound to the old policy
  return OkStatus();
}

Result<engine::Principal> Workspace::Authenticate(std::string_view token) {
  ASSIGN_OR_RETURN(policy::PrincipalStore * principals, Principals());
  return principals->Authenticate(token);
}

Result<engine::Principal> Workspace::LocalAdmin() {
  ASSIGN_OR_RETURN(policy::PrincipalStore * principals, Principals());
  // The local administrator, as a database superuser on its own machine.
  RETURN_IF_ERROR(principals->EnsureLocalAdmin());
  return engine::Principal::Admin();
}

Result<std::unique_ptr<engine::Session>> Workspace::OpenSession(const engine::Principal& principal,
                                                                std::string_view ingress) {
  ASSIGN_OR_RETURN(ledger::Recorder * recorder, Recorder());
  ASSIGN_OR_RETURN(policy::Policy * policy, Policy(principal, ingress));
  if (!mask_key_) {
    // Every node of a PostgreSQL state must hash masked values alike: the key lives there.
    ASSIGN_OR_RETURN(store::StateDb * db, StateDb());
    if (db->dialect() == store::Dialect::kPostgres) {
      ASSIGN_OR_RETURN(mask_key_, SharedMaskKey(db));
    } else {
      ASSIGN_OR_RETURN(mask_key_, LoadOrCreateMaskKey(config().state_dir / "mask.key"));
    }
  }
  ASSIGN_OR_RETURN(auto session, engine::Session::Open(catalog_.get(), principal));
  session->set_mask_key(*mask_key_);
  session->set_policy(policy);
  session->set_ledger(recorder, std::string(ingress));
  return session;
}

Result<engine::Session*> Workspace::CachedSession(const engine::Principal& principal,
                                                  std::string_view ingress) {
  const std::string key = SessionKey(principal, ingress);
  auto found = sessions_.find(key);
  if (found == sessions_.end()) {
    // Bounded: a server meets many principals; their sessions are cheap to reopen.
    constexpr size_t kMaxSessions = 64;
    if (sessions_.size() >= kMaxSessions) sessions_.erase(sessions_.begin());
    ASSIGN_OR_RETURN(auto session, OpenSession(principal, ingress));
    found = sessions_.emplace(key, std::move(session)).first;
  }
  found->second->set_limits(config().limits);
  return found->second.get();
}

Status Workspace::Record(const engine::Principal& principal, std::string_view ingress,
                         const std::string& action, const std::string& subject,
                         const std::string& decision, const std::string& label) {
  ASSIGN_OR_RETURN(ledger::Recorder * recorder, Recorder());
  ledger::Entry entry;
  entry.principal = principal.id;
  entry.action = action;
  entry.subject = subject;
  entry.input_digest = ledger::ToHex(ledger::Sha256(subject));
  entry.decision = decision;
  entry.label = label;
  entry.ingress = std::string(ingress);
  return recorder->Append(std::move(entry)).status();
}

Status Workspace::RequireAdmin(const engine::Principal& principal, std::string_view ingress,
                               std::string_view what) {
  if (principal.HasRole("admin")) return OkStatus();
  Status denied =
      PermissionDeniedError("{} needs the admin role; '{}' does not have it", what, principal.id);
  RETURN_IF_ERROR(Record(principal, ingress, std::string(what), std::string(what),
                         "deny: not an administrator"));
  return denied;
}

Status Workspace::SignIfAppended() {
  if (ledger_ == nullptr) return OkStatus();
  ASSIGN_OR_RETURN(uint64_t size, ledger_->Size());
  ASSIGN_OR_RETURN(std::optional<ledger::SignedTreeHead> last, ledger_->LatestSignedTreeHead());
  if (size == 0 || (last && last->tree_size >= size)) return OkStatus();
  return ledger_->SignTreeHead().status();
}

}  // namespace cairn::service
