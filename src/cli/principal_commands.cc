// `cairn principal add|list|disable|enable` and `cairn token issue|list|revoke`: who may act
// through Cairn, and the bearer tokens that stand for them. Every change is appended to the
// ledger (actions "principal_change" and "token_change"); a token's secret never is.

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "policy/principals.h"
#include "service/context_ops.h"

namespace cairn::cli {
namespace {

using V = engine::Value;

struct PrincipalFlags {
  std::string id;
  std::string kind = "person";
  std::vector<std::string> roles;
  std::vector<std::string> attributes;  // key=value
  std::string token_principal;
  std::string expires_in;
  std::string description;
  std::string token_id;
};

// Principals and tokens are managed by administrators only (the acting principal: --token,
// CAIRN_TOKEN, or the local administrator).
Result<std::unique_ptr<policy::PrincipalStore>> OpenPrincipals(Environment& env) {
  ASSIGN_OR_RETURN(store::StateDb * db, env.OpenStateDb());
  RETURN_IF_ERROR(env.RequireAdmin("managing principals and tokens"));
  ASSIGN_OR_RETURN(std::unique_ptr<policy::PrincipalStore> principals,
                   policy::PrincipalStore::Open(db));
  RETURN_IF_ERROR(principals->EnsureLocalAdmin());
  return principals;
}

// Appends a change made by the command-line administrator to the ledger. The change itself is
// already stored (ledger and state are separate connections, so not one transaction); a failure
// here is reported so that the unrecorded change does not pass silently.
Status RecordChange(Environment& env, const std::string& action, const std::string& subject) {
  Status appended = env.Record(action, subject);
  if (!appended.ok()) return appended.WithContext("done, but not recorded in the ledger");
  return OkStatus();
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

std::string AttributesText(const std::map<std::string, std::string>& attributes) {
  nlohmann::json json = attributes;
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::ordered_json PrincipalToJson(const policy::PrincipalRecord& p) {
  return {{"id", p.id},
          {"kind", p.kind},
          {"roles", p.roles},
          {"attributes", p.attributes},
          {"disabled", p.disabled},
          {"created", p.created}};
}

nlohmann::ordered_json TokenToJson(const policy::TokenRecord& t, std::string_view now) {
  return {
      {"id", t.id},
      {"principal", t.principal},
      {"state", std::string(policy::TokenState(t, now))},
      {"created", t.created},
      {"expires", t.expires.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(t.expires)},
      {"revoked", t.revoked},
      {"description", t.description}};
}

template <typename T, typename ToJson>
void PrintJson(const std::vector<T>& items, Format format, ToJson to_json) {
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  for (const auto& item : items) {
    if (format == Format::kJsonl) {
      std::cout << to_json(item).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                << "\n";
    } else {
      array.push_back(to_json(item));
    }
  }
  if (format == Format::kJson) {
    std::cout << array.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
}

Status RunAdd(Environment& env, const PrincipalFlags& f) {
  policy::PrincipalRecord p;
  p.id = f.id;
  p.kind = f.kind;
  p.roles = f.roles;
  for (const auto& attribute : f.attributes) {
    const size_t eq = attribute.find('=');
    if (eq == std::string::npos) {
      return InvalidArgumentError("--attr wants key=value, got '{}'", attribute);
    }
    const std::string key = attribute.substr(0, eq);
    if (p.attributes.count(key)) return InvalidArgumentError("attribute '{}' given twice", key);
    p.attributes[key] = attribute.substr(eq + 1);
  }
  ASSIGN_OR_RETURN(auto principals, OpenPrincipals(env));
  RETURN_IF_ERROR(principals->Add(p));
  ASSIGN_OR_RETURN(policy::PrincipalRecord added, principals->Get(p.id));
  RETURN_IF_ERROR(RecordChange(env, "principal_change", service::PrincipalAddSubject(added)));
  std::cout << "added " << added.kind << " " << added.id << "\n";
  return OkStatus();
}

Status RunList(Environment& env, Format format) {
  ASSIGN_OR_RETURN(auto principals, OpenPrincipals(env));
  ASSIGN_OR_RETURN(std::vector<policy::PrincipalRecord> all, principals->List());
  if (format == Format::kJson || format == Format::kJsonl) {
    PrintJson(all, format, PrincipalToJson);
    return OkStatus();
  }
  auto printer = MakePrinter(format, &std::cout);
  RETURN_IF_ERROR(printer->Columns({"id", "kind", "roles", "attributes", "disabled", "created"}));
  for (const auto& p : all) {
    RETURN_IF_ERROR(printer->Row({V::Text(p.id), V::Text(p.kind), V::Text(Join(p.roles)),
                                  V::Text(AttributesText(p.attributes)),
                                  V::Text(p.disabled ? "true" : "false"), V::Text(p.created)}));
  }
  return printer->Finish();
}

Status RunSetDisabled(Environment& env, const std::string& id, bool disabled) {
  ASSIGN_OR_RETURN(auto principals, OpenPrincipals(env));
  RETURN_IF_ERROR(principals->SetDisabled(id, disabled));
  const std::string verb = disabled ? "disable" : "enable";
  RETURN_IF_ERROR(
      RecordChange(env, "principal_change", service::PrincipalSetDisabledSubject(id, disabled)));
  std::cout << verb << "d principal " << id << "\n";
  return OkStatus();
}

Status RunIssue(Environment& env, const PrincipalFlags& f, Format format) {
  std::optional<std::chrono::seconds> ttl;
  if (!f.expires_in.empty()) {
    ASSIGN_OR_RETURN(ttl, policy::ParseTtl(f.expires_in));
  }
  ASSIGN_OR_RETURN(auto principals, OpenPrincipals(env));
  ASSIGN_OR_RETURN(policy::IssuedToken issued,
                   principals->Issue(f.token_principal, ttl, f.description));
  const policy::TokenRecord& t = issued.record;
  Status recorded = RecordChange(env, "token_change", service::TokenIssueSubject(t));
  if (!recorded.ok()) {
    // An unrecorded token must not be usable: take it back before reporting the failure.
    Status revoked = principals->Revoke(t.id);
    if (!revoked.ok()) return recorded.WithContext("token " + t.id + " could not be revoked");
    return recorded;
  }
  if (format == Format::kJson || format == Format::kJsonl) {
    nlohmann::ordered_json out = TokenToJson(t, t.created);
    out["secret"] = issued.secret;
    std::cout << out.dump(format == Format::kJson ? 2 : -1) << "\n";
  } else {
    std::cout << issued.secret << "\n";
  }
  std::cerr << "cairn: token " << t.id << " for " << t.principal << " (expires "
            << (t.expires.empty() ? "never" : t.expires)
            << "): store the secret now, it will not be shown again\n";
  return OkStatus();
}

Status RunTokens(Environment& env, const std::string& principal, Format format) {
  ASSIGN_OR_RETURN(auto principals, OpenPrincipals(env));
  ASSIGN_OR_RETURN(std::vector<policy::TokenRecord> tokens, principals->Tokens(principal));
  const std::string now = ledger::SystemClock().NowUtc();
  if (format == Format::kJson || format == Format::kJsonl) {
    PrintJson(tokens, format, [&](const policy::TokenRecord& t) { return TokenToJson(t, now); });
    return OkStatus();
  }
  auto printer = MakePrinter(format, &std::cout);
  RETURN_IF_ERROR(
      printer->Columns({"id", "principal", "state", "created", "expires", "description"}));
  for (const auto& t : tokens) {
    RETURN_IF_ERROR(
        printer->Row({V::Text(t.id), V::Text(t.principal),
                      V::Text(std::string(policy::TokenState(t, now))), V::Text(t.created),
                      V::Text(t.expires.empty() ? "never" : t.expires), V::Text(t.description)}));
  }
  return printer->Finish();
}

Status RunRevoke(Environment& env, const std::string& token_id) {
  ASSIGN_OR_RETURN(auto principals, OpenPrincipals(env));
  RETURN_IF_ERROR(principals->Revoke(token_id));
  RETURN_IF_ERROR(RecordChange(env, "token_change", service::TokenRevokeSubject(token_id)));
  std::cout << "revoked token " << token_id << "\n";
  return OkStatus();
}

}  // namespace

void RegisterPrincipalCommands(Cli* cli) {
  auto f = std::make_shared<PrincipalFlags>();

  auto* principal = cli->app->add_subcommand(
      "principal", "People and agents who may act through Cairn: add, list, disable, enable");
  principal->require_subcommand(1);

  auto* add = principal->add_subcommand("add", "Add a principal");
  add->add_option("id", f->id, "Id: [a-z0-9][a-z0-9._-]{0,63}")->required();
  add->add_option("--kind", f->kind, "person or agent")
      ->capture_default_str()
      ->check(CLI::IsMember({"person", "agent"}));
  add->add_option("--role", f->roles, "A role (repeatable)");
  add->add_option("--attr", f->attributes, "An attribute key=value (repeatable)");
  add->callback(cli->Run([cli, f](Format) { return RunAdd(cli->env, *f); }));

  auto* list = principal->add_subcommand("list", "Every principal");
  cli->AddFormat(list);
  list->callback(cli->Run([cli](Format format) { return RunList(cli->env, format); }));

  auto* disable =
      principal->add_subcommand("disable", "Stop a principal's tokens from authenticating");
  disable->add_option("id", f->id, "Principal id")->required();
  disable->callback(cli->Run([cli, f](Format) { return RunSetDisabled(cli->env, f->id, true); }));

  auto* enable = principal->add_subcommand("enable", "Enable a disabled principal again");
  enable->add_option("id", f->id, "Principal id")->required();
  enable->callback(cli->Run([cli, f](Format) { return RunSetDisabled(cli->env, f->id, false); }));

  auto* token = cli->app->add_subcommand("token",
                                         "Bearer tokens that stand for a principal: issue, list, "
                                         "revoke");
  token->require_subcommand(1);

  auto* issue = token->add_subcommand(
      "issue", "Issue a token; prints its secret once (the only copy: only a hash is stored)");
  issue->add_option("principal", f->token_principal, "Principal id")->required();
  issue->add_option("--expires-in", f->expires_in, "Lifetime: 90m, 12h, 30d (default: never)");
  issue->add_option("--description", f->description, "What the token is for");
  cli->AddFormat(issue);
  issue->callback(cli->Run([cli, f](Format format) { return RunIssue(cli->env, *f, format); }));

  auto* tokens = token->add_subcommand("list", "Tokens (of one principal), oldest first");
  tokens->add_option("principal", f->token_principal, "Principal id (default: all)");
  cli->AddFormat(tokens);
  tokens->callback(cli->Run(
      [cli, f](Format format) { return RunTokens(cli->env, f->token_principal, format); }));

  auto* revoke = token->add_subcommand("revoke", "Revoke a token for good");
  revoke->add_option("token_id", f->token_id, "Token id (from token list)")->required();
  revoke->callback(cli->Run([cli, f](Format) { return RunRevoke(cli->env, f->token_id); }));
}

}  // namespace cairn::cli
