// cairn workflow list|show|add|eval|promote|demote and cairn case start|list|show|decide|
// review|resume: the CLI door to workflow::Workflows, acting as the principal of --token (or
// the local administrator) through the workspace, like every other door.

#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "workflow/definition.h"
#include "workflow/workflows.h"

namespace cairn::cli {
namespace {

using Json = nlohmann::ordered_json;
using V = engine::Value;

struct WorkflowFlags {
  std::string name;
  std::string file;
  std::string candidate;
  bool force = false;
  std::string reason;
  std::string to;
  std::vector<std::string> inputs;  // key=value
  std::string status;
  bool for_review = false;
  int64_t limit = 50;
  int64_t id = 0;
  std::string verdict;
  std::string as_of;
};

struct Context {
  workflow::Workflows* workflows;
  workflow::Actor actor;
};

Result<Context> Open(Environment& env) {
  ASSIGN_OR_RETURN(service::Workspace * ws, env.OpenWorkspace());
  ASSIGN_OR_RETURN(engine::Principal principal, env.Principal());
  ASSIGN_OR_RETURN(workflow::Workflows * workflows, ws->Workflows());
  return Context{workflows, workflow::Actor{std::move(principal), "cli"}};
}

// A JSON value as one table cell.
V Cell(const Json& value) {
  if (value.is_null()) return V::Null();
  if (value.is_string()) return V::Text(value.get<std::string>());
  if (value.is_number_integer()) return V::Integer(value.get<int64_t>());
  if (value.is_number()) return V::Real(value.get<double>());
  return V::Text(value.dump());
}

// Prints an array of flat objects as a table (json/jsonl print the documents as they are).
Status PrintRows(Format format, const Json& rows, const std::vector<std::string>& columns) {
  if (format == Format::kJson) {
    std::cout << rows.dump(2) << "\n";
    return OkStatus();
  }
  if (format == Format::kJsonl) {
    for (const auto& row : rows) std::cout << row.dump() << "\n";
    return OkStatus();
  }
  auto printer = MakePrinter(format, &std::cout);
  RETURN_IF_ERROR(printer->Columns(columns));
  for (const auto& row : rows) {
    std::vector<V> cells;
    for (const std::string& c : columns) cells.push_back(Cell(row.value(c, Json(nullptr))));
    RETURN_IF_ERROR(printer->Row(cells));
  }
  return printer->Finish();
}

Result<workflow::Verdict> ParseDecision(const std::string& text) {
  ASSIGN_OR_RETURN(workflow::Verdict verdict, workflow::ParseVerdict(text));
  if (verdict == workflow::Verdict::kNone) {
    return InvalidArgumentError("a decision is approve or reject, not '{}'", text);
  }
  return verdict;
}

// A case for people: status, each step with its outcome, the recommendation, the decision.
void PrintCase(const Json& c) {
  std::cout << "case " << c["id"].get<int64_t>() << "  " << c["workflow"].get<std::string>()
            << " (level " << c["level"].get<std::string>() << ")  status "
            << c["status"].get<std::string>() << "\n";
  std::cout << "inputs: " << c["inputs"].dump() << "   as of " << c["as_of"].get<std::string>()
            << "   evidence " << c["evidence_digest"].get<std::string>().substr(0, 16) << "\n";
  for (const auto& step : c["steps"]) {
    std::string line = "  [" + step["kind"].get<std::string>() + "] " +
                       step["step"].get<std::string>() + ": " +
                       step.value("status", std::string("pending"));
    if (step.contains("check")) {
      line += " -> " + step["check"]["outcome"].get<std::string>() + ": " +
              step["check"]["reason"].get<std::string>();
    }
    if (step.contains("evidence")) {
      const auto& e = step["evidence"];
      line += fmt::format(" -> {} row(s), label {}", e["rows"].size(), e.value("label", ""));
      if (e.contains("hidden")) line += " (" + e["hidden"].get<std::string>() + ")";
    }
    if (step.contains("result") && step["result"].contains("skipped")) {
      line += " (" + step["result"]["skipped"].get<std::string>() + ")";
    }
    if (!step["ledger_seq"].is_null() && step.contains("ledger_seq")) {
      line += fmt::format("  [ledger #{}]", step["ledger_seq"].dump());
    }
    std::cout << line << "\n";
  }
  if (!c["recommendation"].is_null()) {
    std::cout << "recommendation: " << c["recommendation"]["verdict"].get<std::string>() << " ("
              << c["recommendation"]["reason"].get<std::string>() << ")\n";
  }
  if (!c["suggestion"].is_null()) {
    std::cout << "llm suggestion (not a check): " << c["suggestion"].get<std::string>() << "\n";
  }
  if (!c["decision"].is_null()) {
    const auto& d = c["decision"];
    std::cout << "decision: " << d["verdict"].get<std::string>() << " by "
              << d["by"].get<std::string>() << " (" << d["kind"].get<std::string>()
              << "): " << d["reason"].get<std::string>() << "\n";
  } else if (!c["waiting_role"].is_null()) {
    std::cout << "waiting for a decision by role " << c["waiting_role"].get<std::string>() << "\n";
  }
  for (const auto& a : c["actions"]) {
    std::cout << "action " << a["step"].get<std::string>() << " -> "
              << a["target"].get<std::string>() << ": " << a["status"].get<std::string>()
              << " after " << a["attempts"].get<int64_t>() << " attempt(s)";
    if (!a["last_error"].is_null()) std::cout << " (" << a["last_error"].get<std::string>() << ")";
    std::cout << "\n";
  }
}

Status PrintDoc(Format format, const Json& doc, void (*human)(const Json&)) {
  if (format == Format::kJson || format == Format::kJsonl) {
    std::cout << doc.dump(format == Format::kJson ? 2 : -1) << "\n";
  } else {
    human(doc);
  }
  return OkStatus();
}

void PrintWorkflow(const Json& w) {
  std::cout << "workflow " << w["name"].get<std::string>() << "  version "
            << w["version"].get<std::string>().substr(0, 12) << "  level "
            << w["level"].get<std::string>() << " since " << w["level_since"].get<std::string>()
            << "\n";
  const auto& f = w["figures"];
  std::cout << fmt::format(
      "at this level: {} human-decided case(s), agreement {:.1f}%, {} rejected case(s) "
      "recommended for approval; promotion {}\n",
      f["cases"].get<int64_t>(), f["agreement"].get<double>() * 100,
      f["rejected_disagree"].get<int64_t>(),
      f["eligible"].get<bool>() ? "possible" : "refused until: " + f["why"].dump());
  for (const auto& e : w["events"]) {
    std::cout << "  " << e["at"].get<std::string>() << "  " << e["kind"].get<std::string>() << " "
              << e["from"].get<std::string>() << " -> " << e["to"].get<std::string>() << " by "
              << e["actor"].get<std::string>() << (e["forced"].get<bool>() ? " (forced)" : "")
              << "\n";
  }
}

void PrintEval(const Json& r) {
  auto side = [](const Json& s) {
    return fmt::format("{} case(s), agreement {:.1f}%, {} rejected case(s) approved",
                       s["cases"].get<int64_t>(), s["agreement"].get<double>() * 100,
                       s["rejected_approved"].get<int64_t>());
  };
  std::cout << "current   " << r["current"]["version"].get<std::string>().substr(0, 12) << ": "
            << side(r["current"]) << "\n";
  std::cout << "candidate " << r["candidate"]["version"].get<std::string>().substr(0, 12) << ": "
            << side(r["candidate"]) << "\n";
  for (const auto& c : r["changed"]) {
    std::cout << "  case " << c["case"].get<int64_t>() << " " << c["inputs"].dump() << ": human "
              << c["human"].get<std::string>() << ", current " << c["current"].get<std::string>()
              << ", candidate " << c["candidate"].get<std::string>() << " ("
              << c["candidate_reason"].get<std::string>() << ")\n";
  }
  for (const auto& n : r["not_replayable"]) {
    std::cout << "  case " << n["case"].get<int64_t>()
              << " not replayable: " << n["why"].get<std::string>() << "\n";
  }
  std::cout << "gate: " << (r["gate"]["pass"].get<bool>() ? "passes" : "fails");
  for (const auto& w : r["gate"]["why"]) std::cout << "; " << w.get<std::string>();
  std::cout << "\n";
}

Result<workflow::Definition> LoadFile(const std::string& file) {
  return workflow::LoadDefinition(std::filesystem::absolute(file));
}

}  // namespace

void RegisterWorkflowCommands(Cli* cli) {
  auto f = std::make_shared<WorkflowFlags>();
  auto* wf = cli->app->add_subcommand(
      "workflow",
      "Workflow definitions, versions and the trust ladder: list, show, add, eval, "
      "promote, demote");
  wf->require_subcommand(1);

  auto* list = wf->add_subcommand("list", "Registered workflows with their level");
  cli->AddFormat(list);
  list->callback(cli->Run([cli](Format format) -> Status {
    ASSIGN_OR_RETURN(Context c, Open(cli->env));
    ASSIGN_OR_RETURN(Json rows, c.workflows->List(c.actor));
    return PrintRows(format, rows, {"name", "level", "version", "decide_role", "cases", "waiting"});
  }));

  auto* show = wf->add_subcommand("show", "One workflow: level, figures, versions, level changes");
  show->add_option("name", f->name, "Workflow name")->required();
  cli->AddFormat(show);
  show->callback(cli->Run([cli, f](Format format) -> Status {
    ASSIGN_OR_RETURN(Context c, Open(cli->env));
    ASSIGN_OR_RETURN(Json doc, c.workflows->Show(c.actor, f->name));
    return PrintDoc(format, doc, PrintWorkflow);
  }));

  auto* add = wf->add_subcommand(
      "add",
      "Register a definition file: a new workflow starts at observe; a changed one is "
      "kept as a candidate version (see eval and promote --candidate)");
  add->add_option("file", f->file, "workflows/NAME.yaml")->required();
  cli->AddFormat(add);
  add->callback(cli->Run([cli, f](Format format) -> Status {
    ASSIGN_OR_RETURN(Context c, Open(cli->env));
    ASSIGN_OR_RETURN(workflow::Definition def, LoadFile(f->file));
    ASSIGN_OR_RETURN(Json out, c.workflows->AddVersion(c.actor, def));
    if (format == Format::kJson || format == Format::kJsonl) {
      std::cout << out.dump() << "\n";
    } else {
      std::cout << "workflow " << def.name << " version " << def.version.substr(0, 12) << ": "
                << out["status"].get<std::string>() << " (level " << out["level"].get<std::string>()
                << ")\n";
    }
    return OkStatus();
  }));

  auto* eval = wf->add_subcommand(
      "eval", "Replay past human-decided cases through the current version and a candidate");
  eval->add_option("name", f->name, "Workflow name")->required();
  eval->add_option("--candidate", f->candidate, "The candidate definition file")->required();
  cli->AddFormat(eval);
  eval->callback(cli->Run([cli, f](Format format) -> Status {
    ASSIGN_OR_RETURN(Context c, Open(cli->env));
    ASSIGN_OR_RETURN(workflow::Definition def, LoadFile(f->candidate));
    ASSIGN_OR_RETURN(Json report, c.workflows->Evaluate(c.actor, f->name, def));
    return PrintDoc(format, report, PrintEval);
  }));

  auto* promote = wf->add_subcommand(
      "promote",
      "Move up one level of the trust ladder (refused unless the measured criteria "
      "hold), or with --candidate make a new version current (refused by the "
      "evaluation gate unless --force)");
  promote->add_option("name", f->name, "Workflow name")->required();
  promote->add_option("--candidate", f->candidate, "A candidate definition file");
  promote->add_flag("--force", f->force, "Override the criteria or the gate (ledgered as forced)");
  promote->add_option("--reason", f->reason, "Why (required with --force)");
  cli->AddFormat(promote);
  promote->callback(cli->Run([cli, f](Format format) -> Status {
    ASSIGN_OR_RETURN(Context c, Open(cli->env));
    Json doc;
    if (!f->candidate.empty()) {
      ASSIGN_OR_RETURN(workflow::Definition def, LoadFile(f->candidate));
      ASSIGN_OR_RETURN(doc,
                       c.workflows->PromoteVersion(c.actor, f->name, def, f->force, f->reason));
    } else {
      ASSIGN_OR_RETURN(doc, c.workflows->Promote(c.actor, f->name, f->force, f->reason));
    }
    return PrintDoc(format, doc, PrintWorkflow);
  }));

  auto* demote = wf->add_subcommand("demote", "Move down the trust ladder");
  demote->add_option("name", f->name, "Workflow name")->required();
  demote->add_option("--to", f->to, "observe, suggest or auto_with_exceptions (default: one down)");
  demote->add_option("--reason", f->reason, "Why");
  cli->AddFormat(demote);
  demote->callback(cli->Run([cli, f](Format format) -> Status {
    ASSIGN_OR_RETURN(Context c, Open(cli->env));
    std::optional<workflow::Level> to;
    if (!f->to.empty()) {
      ASSIGN_OR_RETURN(workflow::Level level, workflow::ParseLevel(f->to));
      to = level;
    }
    ASSIGN_OR_RETURN(Json doc, c.workflows->Demote(c.actor, f->name, to, f->reason));
    return PrintDoc(format, doc, PrintWorkflow);
  }));

  auto* cs = cli->app->add_subcommand(
      "case",
      "Cases (one run of a workflow on one input): start, list, show, decide, review, "
      "resume");
  cs->require_subcommand(1);

  auto* start = cs->add_subcommand("start", "Start a case and gather its evidence");
  start->add_option("workflow", f->name, "Workflow name")->required();
  start->add_option("--input,-i", f->inputs, "An input name=value (repeatable)");
  start->add_option("--as-of", f->as_of,
                    "Judge as of this time (ISO-8601 UTC, default now): the checks' :now");
  cli->AddFormat(start);
  start->callback(cli->Run([cli, f](Format format) -> Status {
    ASSIGN_OR_RETURN(Context c, Open(cli->env));
    std::map<std::string, std::string> inputs;
    for (const std::string& kv : f->inputs) {
      const size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) {
        return InvalidArgumentError("--input '{}': expected name=value", kv);
      }
      inputs[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    ASSIGN_OR_RETURN(Json doc, c.workflows->Start(c.actor, f->name, inputs, f->as_of));
    return PrintDoc(format, doc, PrintCase);
  }));

  auto* list_cases = cs->add_subcommand("list", "Cases you may see, newest first");
  list_cases->add_option("--workflow", f->name, "Only this workflow");
  list_cases->add_option("--status", f->status, "running, waiting, actioning or done");
  list_cases->add_flag("--for-review", f->for_review,
                       "Only cases waiting for one of your roles (decisions, sampled reviews)");
  list_cases->add_option("--limit", f->limit, "At most this many")->capture_default_str();
  cli->AddFormat(list_cases);
  list_cases->callback(cli->Run([cli, f](Format format) -> Status {
    ASSIGN_OR_RETURN(Context c, Open(cli->env));
    ASSIGN_OR_RETURN(Json rows,
                     c.workflows->ListCases(c.actor, f->name, f->status, f->for_review, f->limit));
    for (auto& row : rows) row["inputs"] = row["inputs"].dump();
    return PrintRows(format, rows,
                     {"id", "workflow", "status", "inputs", "recommendation", "decision",
                      "decided_by", "waiting_role", "review_pending"});
  }));

  auto* show_case = cs->add_subcommand("show", "One case with its evidence, checks and decision");
  show_case->add_option("id", f->id, "Case id")->required();
  cli->AddFormat(show_case);
  show_case->callback(cli->Run([cli, f](Format format) -> Status {
    ASSIGN_OR_RETURN(Context c, Open(cli->env));
    ASSIGN_OR_RETURN(Json doc, c.workflows->Get(c.actor, f->id));
    return PrintDoc(format, doc, PrintCase);
  }));

  for (const char* verb : {"decide", "review"}) {
    const bool decide = std::string(verb) == "decide";
    auto* cmd = cs->add_subcommand(
        verb, decide ? "Decide a waiting case (people of the decide step's role; never agents)"
                     : "Review an automatically decided case sampled for review");
    cmd->add_option("id", f->id, "Case id")->required();
    cmd->add_option("verdict", f->verdict, "approve or reject")
        ->required()
        ->check(CLI::IsMember({"approve", "reject"}));
    cmd->add_option("--reason", f->reason, "Why (required)")->required();
    cli->AddFormat(cmd);
    cmd->callback(cli->Run([cli, f, decide](Format format) -> Status {
      ASSIGN_OR_RETURN(Context c, Open(cli->env));
      ASSIGN_OR_RETURN(workflow::Verdict verdict, ParseDecision(f->verdict));
      Json doc;
      if (decide) {
        ASSIGN_OR_RETURN(doc, c.workflows->Decide(c.actor, f->id, verdict, f->reason));
      } else {
        ASSIGN_OR_RETURN(doc, c.workflows->Review(c.actor, f->id, verdict, f->reason));
      }
      return PrintDoc(format, doc, PrintCase);
    }));
  }

  auto* resume = cs->add_subcommand(
      "resume", "Finish cases interrupted by a crash and deliver due actions (retries)");
  cli->AddFormat(resume);
  resume->callback(cli->Run([cli](Format format) -> Status {
    ASSIGN_OR_RETURN(Context c, Open(cli->env));
    ASSIGN_OR_RETURN(Json out, c.workflows->Resume(c.actor));
    if (format == Format::kJson || format == Format::kJsonl) {
      std::cout << out.dump() << "\n";
    } else {
      std::cout << fmt::format(
          "resumed {} case(s) ({} interrupted), {} busy with another runner; actions "
          "delivered {}, failed {}, pending {}\n",
          out["resumed"].get<int64_t>(), out["interrupted"].get<int64_t>(),
          out["busy"].get<int64_t>(), out["actions_delivered"].get<int64_t>(),
          out["actions_failed"].get<int64_t>(), out["actions_pending"].get<int64_t>());
      for (const auto& e : out["errors"]) {
        std::cout << "  case " << e["case"].get<int64_t>() << ": " << e["code"].get<std::string>()
                  << ": " << e["error"].get<std::string>() << "\n";
      }
    }
    // Every other case was still advanced; the exit code says that some could not be.
    if (!out["errors"].empty()) {
      const Json& first = out["errors"][0];
      StatusCode code = StatusCode::kInternal;
      StatusCodeFromName(first["code"].get<std::string>(), &code);
      return Status(
          code, fmt::format("{} case(s) could not be resumed; case {}: {}", out["errors"].size(),
                            first["case"].get<int64_t>(), first["error"].get<std::string>()));
    }
    return OkStatus();
  }));
}

}  // namespace cairn::cli
