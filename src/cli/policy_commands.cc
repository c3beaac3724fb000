// cairn policy check|show, cairn labels [propose|confirm|reject], cairn declassify.

#include <iostream>

#include "cli/commands.h"
#include "context/catalog_store.h"
#include "context/semantic.h"
#include "ledger/merkle.h"

namespace cairn::cli {
namespace {

using V = engine::Value;

// Checks that every name the policy uses exists in the sources, and that every table's guard
// compiles for every role (filters and masks are SQL: compiled against the real tables).
Status RunPolicyCheck(Environment& env) {
  RETURN_IF_ERROR(env.RequireAdmin("policy check"));
  ASSIGN_OR_RETURN(policy::Policy * policy, env.OpenPolicy());
  ASSIGN_OR_RETURN(auto admin, env.OpenSession());
  std::vector<std::string> problems;
  auto table_of = [&](const std::string& where, const std::string& source,
                      const std::string& table) -> std::optional<connectors::TableInfo> {
    Result<connectors::TableInfo> info = admin->Describe(source, table);
    if (!info.ok()) {
      problems.push_back(fmt::format("{}: {}", where, info.status().message()));
      return std::nullopt;
    }
    return *info;
  };
  auto has_column = [](const connectors::TableInfo& t, const std::string& c) {
    for (const auto& column : t.columns) {
      if (column.name == c) return true;
    }
    return false;
  };
  for (const policy::Grant& grant : policy->grants()) {
    if (grant.tables.empty()) {
      Result<std::vector<connectors::TableInfo>> tables = admin->Tables(grant.source);
      if (!tables.ok()) problems.push_back(grant.where + ": " + tables.status().message());
    }
    for (const std::string& table : grant.tables) {
      auto info = table_of(grant.where, grant.source, table);
      for (const std::string& column : grant.columns) {
        if (info && !has_column(*info, column)) {
          problems.push_back(
              fmt::format("{}: no column '{}' in {}.{}", grant.where, column, grant.source, table));
        }
      }
    }
  }
  for (const policy::RowFilter& filter : policy->row_filters()) {
    table_of(filter.where, filter.source, filter.table);
  }
  for (const policy::Mask& mask : policy->masks()) {
    auto info = table_of(mask.where, mask.source, mask.table);
    if (info && !has_column(*info, mask.column)) {
      problems.push_back(fmt::format("{}: no column '{}' in {}.{}", mask.where, mask.column,
                                     mask.source, mask.table));
    }
  }
  // Compile each granted table's guard as a principal of each role.
  int compiled = 0;
  for (const auto& [role, description] : policy->roles()) {
    engine::Principal principal{"policy-check:" + role, {role}, {}};
    ASSIGN_OR_RETURN(auto session, engine::Session::Open(env.catalog(), principal));
    session->set_policy(policy);
    for (const std::string& source : env.catalog()->SourceNames()) {
      Result<std::vector<connectors::TableInfo>> tables = session->Tables(source);
      if (!tables.ok()) continue;
      for (const auto& table : *tables) {
        Result<engine::StatementInfo> info =
            session->Analyze(fmt::format("SELECT * FROM {}.{}", connectors::QuoteIdentifier(source),
                                         connectors::QuoteIdentifier(table.name)));
        if (!info.ok()) {
          problems.push_back(fmt::format("role {}: {}", role, info.status().message()));
        } else {
          ++compiled;
        }
      }
    }
  }
  if (!problems.empty()) {
    for (const auto& p : problems) std::cerr << "  " << p << "\n";
    return FailedPreconditionError("{}: {} problem(s) (listed above)", policy->file_name(),
                                   problems.size());
  }
  std::cout << policy->file_name() << ": " << policy->roles().size() << " roles, "
            << policy->grants().size() << " grants, " << policy->row_filters().size()
            << " row filters, " << policy->masks().size() << " masks, " << policy->sinks().size()
            << " sinks; " << compiled << " table views compiled across roles: OK\n";
  return OkStatus();
}

// What the acting principal (or --principal's roles) may see: one row per visible column.
Status RunPolicyShow(Environment& env, Format format) {
  ASSIGN_OR_RETURN(policy::Policy * policy, env.OpenPolicy());
  ASSIGN_OR_RETURN(auto session, env.OpenSession());
  auto printer = MakePrinter(format, &std::cout);
  RETURN_IF_ERROR(printer->Columns({"source", "table", "column", "mask", "label", "row_filter"}));
  for (const std::string& source : env.catalog()->SourceNames()) {
    Result<std::vector<connectors::TableInfo>> tables = session->Tables(source);
    if (!tables.ok()) continue;
    for (const auto& table : *tables) {
      std::optional<engine::TableAccess> access;
      if (session->restricted()) {
        Result<connectors::TableInfo> raw = [&]() -> Result<connectors::TableInfo> {
          ASSIGN_OR_RETURN(connectors::Source * s, env.catalog()->Open(source));
          ASSIGN_OR_RETURN(auto all, s->Tables());
          for (auto& t : all) {
            if (t.name == table.name) return t;
          }
          return NotFoundError("{}", table.name);
        }();
        if (raw.ok()) access = policy->Table(session->principal(), source, *raw);
      }
      for (const auto& column : table.columns) {
        std::string mask;
        if (access) {
          for (const auto& c : access->columns) {
            if (c.name == column.name) mask = c.mask;
          }
        }
        RETURN_IF_ERROR(printer->Row(
            {V::Text(source), V::Text(table.name), V::Text(column.name),
             mask.empty() ? V::Null() : V::Text(mask),
             V::Text(std::string(
                 engine::LabelName(policy->ColumnLabel(source, table.name, column.name)))),
             access && !access->row_filter.empty() ? V::Text(access->row_filter) : V::Null()}));
      }
    }
  }
  return printer->Finish();
}

Status RunLabelsList(Environment& env, Format format) {
  ASSIGN_OR_RETURN(auto session, env.OpenSession());
  ASSIGN_OR_RETURN(policy::Declassifications * store, env.OpenDeclassifications());
  ASSIGN_OR_RETURN(auto all, store->Proposals());
  // A principal sees the labels of the columns it may see, no others.
  std::vector<policy::LabelProposal> proposals;
  for (auto& p : all) {
    if (session->CanSee(p.source, p.table, p.column)) proposals.push_back(std::move(p));
  }
  auto printer = MakePrinter(format, &std::cout);
  RETURN_IF_ERROR(printer->Columns(
      {"source", "table", "column", "label", "semantic_type", "status", "decided_by"}));
  for (const auto& p : proposals) {
    RETURN_IF_ERROR(printer->Row({V::Text(p.source), V::Text(p.table), V::Text(p.column),
                                  V::Text(std::string(engine::LabelName(p.label))),
                                  V::Text(p.semantic_type), V::Text(p.status),
                                  p.decided_by.empty() ? V::Null() : V::Text(p.decided_by)}));
  }
  return printer->Finish();
}

// Proposes labels from the profiles discovery stored (semantic types and column names).
Status RunLabelsPropose(Environment& env) {
  RETURN_IF_ERROR(env.RequireAdmin("labels propose"));
  ASSIGN_OR_RETURN(store::StateDb * db, env.OpenStateDb());
  ASSIGN_OR_RETURN(context::CatalogStore catalog, context::CatalogStore::Open(db));
  ASSIGN_OR_RETURN(auto tables, catalog.ListTables());
  if (tables.empty()) {
    return FailedPreconditionError("no profiles yet: run cairn discover first");
  }
  std::vector<policy::LabelProposal> proposals;
  for (const auto& table : tables) {
    for (const auto& column : table.columns) {
      const std::string semantic(context::SemanticTypeName(column.semantic_type));
      std::optional<engine::Label> label = policy::ProposeLabel(semantic, column.name);
      if (!label) continue;
      policy::LabelProposal p;
      p.source = table.source;
      p.table = table.table;
      p.column = column.name;
      p.label = *label;
      p.semantic_type = semantic;
      proposals.push_back(std::move(p));
    }
  }
  ASSIGN_OR_RETURN(policy::Declassifications * store, env.OpenDeclassifications());
  ASSIGN_OR_RETURN(int added, store->Propose(proposals));
  RETURN_IF_ERROR(env.Record("label_change",
                             fmt::format("propose {} label(s), {} new", proposals.size(), added)));
  std::cout << "proposed " << proposals.size() << " label(s) (" << added
            << " new); review with cairn labels, then cairn labels confirm source.table.column\n";
  return OkStatus();
}

Status RunLabelsDecide(Environment& env, const std::vector<std::string>& columns, bool confirm) {
  RETURN_IF_ERROR(env.RequireAdmin(confirm ? "labels confirm" : "labels reject"));
  ASSIGN_OR_RETURN(engine::Principal principal, env.Principal());
  ASSIGN_OR_RETURN(policy::Declassifications * store, env.OpenDeclassifications());
  for (const std::string& name : columns) {
    size_t first = name.find('.');
    size_t last = name.rfind('.');
    if (first == std::string::npos || first == last) {
      return InvalidArgumentError("expected source.table.column, got '{}'", name);
    }
    RETURN_IF_ERROR(store->Decide(name.substr(0, first), name.substr(first + 1, last - first - 1),
                                  name.substr(last + 1), confirm, principal.id));
    RETURN_IF_ERROR(
        env.Record("label_change", fmt::format("{} {}", confirm ? "confirm" : "reject", name)));
    std::cout << (confirm ? "confirmed " : "rejected ") << name << "\n";
  }
  return OkStatus();
}

struct DeclassifyFlags {
  std::string sql;
  std::string sink;
  std::string reason;
};

// Approves one query (by its SHA-256) for one sink below its label.
Status RunDeclassify(Environment& env, const DeclassifyFlags& flags) {
  ASSIGN_OR_RETURN(policy::Policy * policy, env.OpenPolicy());
  ASSIGN_OR_RETURN(engine::Principal principal, env.Principal());
  const std::string digest = ledger::ToHex(ledger::Sha256(flags.sql));
  const std::string subject = fmt::format("declassify {} to {}: {}", digest, flags.sink, flags.sql);
  if (!policy->CanDeclassify(principal)) {
    RETURN_IF_ERROR(env.Record("declassify", subject, "deny: not a declassifier"));
    return PermissionDeniedError(
        "'{}' may not declassify: only roles listed under declassifiers in {} may", principal.id,
        policy->file_name());
  }
  if (policy->FindSink(flags.sink) == nullptr) {
    return NotFoundError("no sink '{}' in {}", flags.sink, policy->file_name());
  }
  // The query must compile for the approver, so an approval names something real.
  ASSIGN_OR_RETURN(auto session, env.OpenSession());
  ASSIGN_OR_RETURN(engine::StatementInfo info, session->Analyze(flags.sql));
  ASSIGN_OR_RETURN(policy::Declassifications * store, env.OpenDeclassifications());
  RETURN_IF_ERROR(store->Approve({digest, flags.sink, principal.id, flags.reason, ""}));
  RETURN_IF_ERROR(env.Record(
      "declassify", subject + " (reason: " + flags.reason + ")",
      fmt::format("allow: {} result may go to {}", engine::LabelName(info.label), flags.sink)));
  std::cout << "approved: this query (sha256 " << digest.substr(0, 16) << "…, label "
            << engine::LabelName(info.label) << ") may go to " << flags.sink << "\n";
  return OkStatus();
}

}  // namespace

void RegisterPolicyCommands(Cli* cli) {
  CLI::App& app = *cli->app;
  Environment& env = cli->env;

  auto* policy = app.add_subcommand("policy", "Check or show the access policy (policy.yaml)");
  policy->require_subcommand(1);
  auto* check = policy->add_subcommand(
      "check", "Validate policy.yaml against the sources and compile every role's views");
  check->callback(cli->Run([&env](Format) { return RunPolicyCheck(env); }));
  auto* show = policy->add_subcommand(
      "show", "What the acting principal (--token) sees: columns, masks, labels, row filters");
  cli->AddFormat(show);
  show->callback(cli->Run([&env](Format format) { return RunPolicyShow(env, format); }));

  auto* labels = app.add_subcommand("labels", "Classification label proposals and decisions");
  cli->AddFormat(labels);
  auto* propose = labels->add_subcommand(
      "propose", "Propose labels from discovery's semantic types (emails, phones, IBANs, names)");
  static std::vector<std::string> confirm_columns, reject_columns;
  auto* confirm = labels->add_subcommand("confirm", "Confirm proposals (source.table.column ...)");
  confirm->add_option("columns", confirm_columns, "source.table.column")->required();
  auto* reject = labels->add_subcommand("reject", "Reject proposals (source.table.column ...)");
  reject->add_option("columns", reject_columns, "source.table.column")->required();
  propose->callback(cli->Run([&env](Format) { return RunLabelsPropose(env); }));
  confirm->callback(
      cli->Run([&env](Format) { return RunLabelsDecide(env, confirm_columns, true); }));
  reject->callback(
      cli->Run([&env](Format) { return RunLabelsDecide(env, reject_columns, false); }));
  auto list = cli->Run([&env](Format format) { return RunLabelsList(env, format); });
  labels->callback([labels, propose, confirm, reject, list] {
    if (!propose->parsed() && !confirm->parsed() && !reject->parsed()) list();
  });

  static DeclassifyFlags flags;
  auto* declassify = app.add_subcommand(
      "declassify", "Approve one query's result for a sink below its label (declassifiers only)");
  declassify->add_option("sql", flags.sql, "The exact SQL text that will be run")->required();
  declassify->add_option("--to", flags.sink, "The sink")->required();
  declassify->add_option("--reason", flags.reason, "Why (recorded in the ledger)")->required();
  declassify->callback(cli->Run([&env](Format) { return RunDeclassify(env, flags); }));
}

}  // namespace cairn::cli
