#include <iostream>
#include <set>

#include "cli/commands.h"
#include "cli/output.h"
#include "context/glossary.h"
#include "core/strings.h"
#include "demo/demo.h"
#include "policy/principals.h"
#include "service/context_ops.h"
#include "workflow/definition.h"
#include "workflow/workflows.h"

namespace cairn::cli {
namespace {

using Json = nlohmann::ordered_json;

constexpr size_t kShownRows = 8;
constexpr char kNoProblem[] = "no planted problem";

// Creates the demo's principals (policy.yaml names their roles) and shows what the AI release
// assistant may and may not see, through the same session and ledger as every other door.
Status ShowTheReleaseAgent(Environment& env, std::ostream& out) {
  ASSIGN_OR_RETURN(store::StateDb * db, env.OpenStateDb());
  ASSIGN_OR_RETURN(auto principals, policy::PrincipalStore::Open(db));
  RETURN_IF_ERROR(principals->EnsureLocalAdmin());
  for (const demo::DemoPrincipal& p : demo::DemoPrincipals()) {
    if (principals->Get(p.id).ok()) continue;
    policy::PrincipalRecord record;
    record.id = p.id;
    record.kind = p.kind;
    record.roles = p.roles;
    record.attributes = p.attributes;
    RETURN_IF_ERROR(principals->Add(record));
    RETURN_IF_ERROR(env.Record("principal_change", fmt::format("principal add {} (demo) roles=[{}]",
                                                               p.id, fmt::join(p.roles, ","))));
  }
  ASSIGN_OR_RETURN(policy::PrincipalRecord bot, principals->Get("release-bot"));
  ASSIGN_OR_RETURN(policy::Policy * policy, env.OpenPolicy());
  ASSIGN_OR_RETURN(ledger::Ledger * ledger, env.OpenLedger());
  ASSIGN_OR_RETURN(
      auto session,
      engine::Session::Open(env.catalog(), engine::Principal{bot.id, bot.roles, bot.attributes}));
  session->set_policy(policy);
  session->set_ledger(ledger, "cli");
  out << "\n== As release-bot (role release_agent, an AI agent): containers held by "
         "customs, with the invoice status it may see\n";
  const std::string sql =
      "SELECT c.container_no, c.status, h.authority, i.status AS invoice_status\n"
      "FROM tos.containers c JOIN customs.holds h ON h.container_no = c.container_no\n"
      "LEFT JOIN finance.invoices i ON i.container_no = c.container_no\n"
      "WHERE h.released_at IS NULL ORDER BY c.container_no LIMIT 5";
  out << sql << "\n\n";
  engine::QueryStats stats;
  engine::QueryResult result;
  struct Collect : engine::RowSink {
    engine::QueryResult* out;
    Status Columns(const std::vector<std::string>& names) override {
      out->columns = names;
      return OkStatus();
    }
    Status Row(const std::vector<engine::Value>& values) override {
      out->rows.push_back(values);
      return OkStatus();
    }
  } collect;
  collect.out = &result;
  RETURN_IF_ERROR(session->Query(sql, &collect, &stats));
  auto printer = MakePrinter(Format::kTable, &out);
  RETURN_IF_ERROR(printer->Columns(result.columns));
  for (const auto& row : result.rows) RETURN_IF_ERROR(printer->Row(row));
  RETURN_IF_ERROR(printer->Finish());
  out << "label: " << engine::LabelName(stats.label) << "\n";
  for (const std::string& denied : {std::string("SELECT amount FROM finance.invoices LIMIT 1"),
                                    std::string("SELECT email FROM finance.customers LIMIT 1"),
                                    std::string("SELECT reason FROM customs.holds LIMIT 1")}) {
    Result<engine::QueryResult> refused = session->QueryAll(denied);
    out << denied << "\n  -> "
        << (refused.ok() ? std::string("allowed (unexpected)") : refused.status().ToString())
        << "\n";
  }
  return OkStatus();
}

// Installs the container-release workflow and lets the AI release agent start one case per kind
// of planted problem, plus a clean one: agents gather the evidence, a release officer decides.
// Returns the cases: [{"id","container_no","problem","status"}], "problem" null for the clean
// one.
Result<Json> ShowTheReleaseWorkflow(Environment& env, const demo::DemoSummary& summary,
                                    std::ostream& out) {
  ASSIGN_OR_RETURN(service::Workspace * ws, env.OpenWorkspace());
  ASSIGN_OR_RETURN(workflow::Workflows * workflows, ws->Workflows());
  ASSIGN_OR_RETURN(engine::Principal admin, env.Principal());
  ASSIGN_OR_RETURN(workflow::Definition definition,
                   workflow::LoadDefinition(std::filesystem::absolute(
                       summary.dir / std::string(demo::kReleaseWorkflowFile))));
  RETURN_IF_ERROR(workflows->AddVersion({admin, "cli"}, definition).status());
  ASSIGN_OR_RETURN(auto principals, ws->Principals());
  ASSIGN_OR_RETURN(policy::PrincipalRecord bot, principals->Get("release-bot"));
  const workflow::Actor agent{engine::Principal{bot.id, bot.roles, bot.attributes}, "cli"};

  std::vector<std::pair<std::string, std::string>> picks;  // {what, container}
  std::set<std::string> troubled;
  for (const demo::PlantedProblem& p : summary.problems) troubled.insert(p.container_no);
  for (const demo::PlantedProblem& p : summary.problems) {
    const std::string kind(demo::ProblemKindName(p.kind));
    bool seen = false;
    for (const auto& pick : picks) seen = seen || pick.first == kind;
    if (!seen) picks.emplace_back(kind, p.container_no);
  }
  ASSIGN_OR_RETURN(auto session, env.OpenSession());
  ASSIGN_OR_RETURN(engine::QueryResult clean,
                   session->QueryAll("SELECT container_no FROM tos.containers WHERE direction = "
                                     "'import' AND status = 'in_yard' ORDER BY container_no"));
  for (const auto& row : clean.rows) {
    if (!troubled.count(row[0].bytes)) {
      picks.insert(picks.begin(), {kNoProblem, row[0].bytes});
      break;
    }
  }
  out << "\n== The container-release workflow (workflows/container_release.yaml, level "
         "observe): release-bot, an AI agent, starts cases; each gathers evidence from the "
         "four systems as release-desk, checks it, and waits for a release officer\n";
  Json cases = Json::array();
  for (const auto& [what, container] : picks) {
    ASSIGN_OR_RETURN(Json c,
                     workflows->Start(agent, "container_release", {{"container_no", container}},
                                      std::string(demo::kDemoAsOf)));
    std::string findings;
    for (const auto& step : c["steps"]) {
      if (!step.contains("check") || step["check"]["outcome"] == "pass") continue;
      findings +=
          fmt::format("\n      {} {}: {}", step["check"]["outcome"].get<std::string>(),
                      step["step"].get<std::string>(), step["check"]["reason"].get<std::string>());
    }
    cases.push_back({{"id", c["id"]},
                     {"container_no", container},
                     {"problem", what == kNoProblem ? Json(nullptr) : Json(what)},
                     {"status", c["status"]}});
    out << fmt::format("  case {} {} ({}): {}{}\n", c["id"].get<int64_t>(), container, what,
                       c["status"].get<std::string>(),
                       findings.empty() ? " (every check passed)" : findings);
  }
  return cases;
}

// States the port's glossary (demo::PortGlossary) as the local administrator, unless a term is
// already stated: a person's restatement is never overwritten.
Status StateTheGlossary(Environment& env) {
  ASSIGN_OR_RETURN(store::StateDb * db, env.OpenStateDb());
  ASSIGN_OR_RETURN(context::Glossary glossary, context::Glossary::Open(db));
  ASSIGN_OR_RETURN(std::vector<context::GlossaryTerm> stated, glossary.ListTerms());
  // Terms are one whatever their ASCII case ("Container" is "container").
  std::set<std::string> known;
  for (const auto& term : stated) known.insert(AsciiLower(term.term));
  ASSIGN_OR_RETURN(auto session, env.OpenSession());
  int added = 0;
  for (const demo::GlossaryEntry& entry : demo::PortGlossary()) {
    if (known.count(AsciiLower(entry.term)) > 0) continue;
    RETURN_IF_ERROR(glossary
                        .AddTerm(entry.term, entry.definition, entry.see, session->principal().id,
                                 entry.synonyms)
                        .status());
    ++added;
  }
  if (added == 0) return OkStatus();
  RETURN_IF_ERROR(
      env.Record("glossary_change", fmt::format("glossary add {} terms (demo)", added)));
  return service::RefreshSearch(db);
}

}  // namespace

Status RunDemo(const DemoFlags& flags, Format format) {
  demo::DemoOptions options;
  options.dir = flags.dir;
  options.seed = flags.seed;
  options.containers = flags.containers;
  options.force = flags.force;
  Result<demo::DemoSummary> generated = demo::GenerateDemo(options);
  if (generated.status().code() == StatusCode::kFailedPrecondition) {
    return generated.status().WithContext("use 'cairn demo --force' to overwrite");
  }
  ASSIGN_OR_RETURN(demo::DemoSummary summary, std::move(generated));
  // With --format json the same demo is set up, and stdout gets only the summary: the planted
  // problems (the ground truth for tests and evaluations) and the cases started.
  const bool json = format == Format::kJson || format == Format::kJsonl;
  std::ostream silent(nullptr);
  std::ostream& out = json ? silent : std::cout;

  out << "Cairn demo: a container port spread over four systems, written to "
      << std::filesystem::absolute(summary.dir).lexically_normal().string() << "\n"
      << "  tos      terminal operating system (SQLite: tos.sqlite)\n"
      << "  customs  customs exports (CSV: customs/)\n"
      << "  finance  customers, invoices, payments (SQLite: finance.sqlite)\n"
      << "  lines    shipping-line documents (CSV: lines/)\n"
      << "Seed " << summary.seed << ", data as of " << summary.as_of << ": "
      << summary.import_containers_in_yard << " import containers in the yard, "
      << summary.containers_ready_for_release
      << " ready for release. Planted problems: " << summary.planted.open_customs_holds
      << " open customs holds, " << summary.planted.unpaid_invoices << " unpaid invoices ("
      << summary.planted.overdue_invoices << " overdue), "
      << summary.planted.bl_consignee_mismatches + summary.planted.tos_consignee_mismatches
      << " consignee name mismatches, " << summary.planted.missing_delivery_orders
      << " missing and " << summary.planted.expired_delivery_orders
      << " expired delivery orders.\n";

  Environment env;
  env.config_path = summary.dir / "cairn.yaml";
  ASSIGN_OR_RETURN(auto session, env.OpenSession());
  for (const demo::ShowcaseQuery& query : demo::ShowcaseQueries()) {
    out << "\n== " << query.title << "\n" << query.sql << "\n\n";
    ASSIGN_OR_RETURN(engine::QueryResult result, session->QueryAll(query.sql));
    auto printer = MakePrinter(Format::kTable, &out);
    RETURN_IF_ERROR(printer->Columns(result.columns));
    for (size_t i = 0; i < result.rows.size() && i < kShownRows; ++i) {
      RETURN_IF_ERROR(printer->Row(result.rows[i]));
    }
    RETURN_IF_ERROR(printer->Finish());
    if (result.rows.size() > kShownRows) {
      out << "(" << result.rows.size() - kShownRows << " more rows not shown)\n";
    }
  }
  RETURN_IF_ERROR(StateTheGlossary(env));
  RETURN_IF_ERROR(ShowTheReleaseAgent(env, out));
  ASSIGN_OR_RETURN(Json cases, ShowTheReleaseWorkflow(env, summary, out));
  if (json) {
    Json doc = Json::parse(summary.ToJson());
    doc["cases"] = cases;
    std::cout << doc.dump(format == Format::kJson ? 2 : -1) << "\n";
    return OkStatus();
  }
  int64_t held_case = 1;
  for (const Json& c : cases) {
    if (c["problem"] == demo::ProblemKindName(demo::ProblemKind::kOpenCustomsHold)) {
      held_case = c["id"].get<int64_t>();
    }
  }
  std::cout << "\nTry it yourself:\n  cd " << flags.dir
            << " && cairn tables && cairn query \"SELECT * FROM customs.holds LIMIT 5\"\n"
            << "  T=$(cairn token issue release-bot) && CAIRN_TOKEN=$T cairn tables\n"
            << "  R=$(cairn token issue rita) && CAIRN_TOKEN=$R cairn case list --for-review\n"
            << fmt::format(
                   "  CAIRN_TOKEN=$R cairn case show {0} && CAIRN_TOKEN=$R cairn case "
                   "decide {0} reject --reason \"open customs hold\"\n",
                   held_case)
            << "  CAIRN_TOKEN=$T cairn case decide 1 approve --reason x   # refused: agents never "
               "decide\n"
            << "  cairn workflow show container_release   # level, agreement; promote is refused "
               "until 50 human decisions agree\n"
            << "  cairn ledger tail && cairn ledger verify\n"
            << "  cairn demo serve-api &   # the shipping line's delivery-order API on port 8471; "
               "uncomment the api source at the end of cairn.yaml, then join api.delivery_orders "
               "with tos.containers\n"
            << "The reviewer UI: cairn serve, then open http://127.0.0.1:8470/ui/ and sign in with "
               "rita's token ($R): her queue, each case's evidence and checks, approve or reject\n";
  return OkStatus();
}

}  // namespace cairn::cli
