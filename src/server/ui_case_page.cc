// The case page of the reviewer web UI: what a reviewer needs to decide on the evidence, and
// nothing that could pass for evidence when it is not (the recommendation is the workflow's
// reading of its own checks; a language model's suggestion is marked as such).

#include <fmt/format.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "server/ui_pages.h"

namespace cairn::server::ui {
namespace {

// One evidence cell: null, a number, text, {"blob": hex} or {"real": "inf" | "-inf" | "nan"}.
std::string EvidenceCell(const Json& value) {
  if (value.is_null()) return "<td class=\"null\">null</td>";
  if (value.is_number()) return "<td class=\"num\">" + Escape(Text(value)) + "</td>";
  if (value.is_object() && At(value, "blob").is_string()) {
    const std::string hex = Field(value, "blob");
    return fmt::format("<td class=\"mono\" title=\"{}\">blob, {} bytes</td>", Escape(hex),
                       hex.size() / 2);
  }
  if (value.is_object() && At(value, "real").is_string()) {
    return "<td class=\"num\">" + Escape(Field(value, "real")) + "</td>";
  }
  return "<td>" + Escape(Text(value)) + "</td>";
}

// "tos.containers" of every "tos.containers.consignee_name" the query read, in order.
std::vector<std::string> SourceTables(const Json& reads) {
  std::vector<std::string> tables;
  std::set<std::string> seen;
  for (const Json& read : reads.is_array() ? reads : Json::array()) {
    const std::string text = Text(read);
    const size_t first = text.find('.');
    const size_t second = first == std::string::npos ? first : text.find('.', first + 1);
    std::string table = text.substr(0, second);
    if (seen.insert(table).second) tables.push_back(std::move(table));
  }
  return tables;
}

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + Escape(item);
  return out;
}

// A query step: what it read (columns and rows as the viewer may see them), its label, the
// SQL behind it and the source tables, and its ledger entry.
std::string EvidenceBlock(const Json& step) {
  const std::string id = Field(step, "step");
  // No id: one query step's evidence appears under every check that uses it.
  std::string out = "<div class=\"evidence\" data-step=\"" + Escape(id) +
                    "\">\n<h4>Evidence: " + Escape(Field(step, "title")) +
                    " <span class=\"muted\">(" + Escape(id) + ")</span> " +
                    Badge(Field(step, "status")) + "</h4>\n";
  const Json& evidence = At(step, "evidence");
  if (!evidence.is_object()) {
    const Json& result = At(step, "result");
    if (At(result, "error").is_string()) {
      out += "<p class=\"error\">The query failed: " + Escape(Field(result, "error")) + "</p>\n";
    } else {
      out += "<p class=\"muted\">Not gathered yet.</p>\n";
    }
  } else {
    const Json& rows = At(evidence, "rows");
    const size_t count = rows.is_array() ? rows.size() : 0;
    out += "<p class=\"muted\">" + std::to_string(count) + (count == 1 ? " row" : " rows") +
           " · label <strong class=\"label\">" + Escape(Field(evidence, "label")) + "</strong> · " +
           Escape(Field(evidence, "view")) + " · source tables: <span class=\"sources\">" +
           Joined(SourceTables(At(evidence, "reads"))) + "</span> · " +
           LedgerLink(At(step, "ledger_seq")) + "</p>\n";
    if (At(evidence, "hidden").is_string()) {
      out += "<p class=\"error\">Your access policy hides these rows: " +
             Escape(Field(evidence, "hidden")) + "</p>\n";
    }
    if (At(evidence, "truncated") == true) {
      out += "<p class=\"muted\">Only the first rows were kept as evidence.</p>\n";
    }
    out += "<div class=\"scroll\"><table class=\"rows\"><thead><tr>";
    for (const Json& column : At(evidence, "columns")) {
      out += "<th>" + Escape(Text(column)) + "</th>";
    }
    out += "</tr></thead><tbody>\n";
    for (const Json& row : rows) {
      out += "<tr>";
      for (const Json& cell : row) out += EvidenceCell(cell);
      out += "</tr>\n";
    }
    out += "</tbody></table></div>\n";
  }
  out += "<details><summary>SQL</summary><pre class=\"sql\">" + Escape(Field(step, "sql")) +
         "</pre></details>\n</div>\n";
  return out;
}

std::string Facts(const Json& c) {
  std::string out = "<dl class=\"facts\" id=\"facts\">";
  const std::string workflow = Field(c, "workflow");
  out += "<dt>Status</dt><dd id=\"status\">" + Badge(Field(c, "status")) + "</dd>";
  out += "<dt>Workflow</dt><dd><a href=\"/ui/workflows/" + UrlSegment(workflow) + "\">" +
         Escape(workflow) + "</a> <span class=\"mono muted\" title=\"" +
         Escape(Field(c, "version")) + "\">" + Escape(ShortHash(Field(c, "version"))) +
         "</span> at level " + Badge(Field(c, "level")) + "</dd>";
  out += "<dt>Inputs</dt><dd id=\"inputs\">";
  if (const Json& inputs = At(c, "inputs"); inputs.is_object()) {
    for (const auto& [key, value] : inputs.items()) {
      out += Escape(key) + ": <span class=\"mono\">" + Escape(Text(value)) + "</span> ";
    }
  }
  out += "</dd><dt>As of</dt><dd>" + Escape(Field(c, "as_of")) + "</dd>";
  out += "<dt>Started</dt><dd>" + Escape(Field(c, "started_at")) + " by " +
         Escape(Field(c, "started_by")) + "</dd>";
  out += "<dt>Evidence digest</dt><dd class=\"mono\" id=\"digest\">" +
         Escape(Field(c, "evidence_digest")) + "</dd>";
  if (At(c, "waiting_role").is_string()) {
    out += "<dt>Waiting for</dt><dd>role " + Escape(Field(c, "waiting_role")) + "</dd>";
  }
  out += "</dl>\n";
  return out;
}

std::string Recommendation(const Json& c) {
  std::string out = "<h2>Recommendation</h2>\n<div class=\"box\" id=\"recommendation\">";
  const Json& rec = At(c, "recommendation");
  if (rec.is_object()) {
    out += "<p>" + Badge(Field(rec, "verdict")) + " " + Escape(Field(rec, "reason")) + "</p>";
    out += "<p class=\"muted\">The workflow's own reading of its checks, not a decision.</p>";
  } else if (Field(c, "level") == "observe") {
    out +=
        "<p class=\"muted\">Hidden at level observe: you decide on the evidence alone, and "
        "your decisions measure the workflow.</p>";
  } else {
    out += "<p class=\"muted\">None yet.</p>";
  }
  out += "</div>\n";
  // Whatever a language model said: next to the checks, never one of them.
  std::string model;
  for (const Json& step : At(c, "steps")) {
    if (Field(step, "kind") == "llm" && At(At(step, "result"), "model").is_string()) {
      model = Field(At(step, "result"), "model");
    }
  }
  if (At(c, "suggestion").is_string()) {
    out +=
        "<section class=\"box llm\" id=\"suggestion\"><p class=\"marker\">Suggestion from a "
        "language model — not a check</p>";
    if (!model.empty()) out += "<p class=\"muted\">Model: " + Escape(model) + "</p>";
    out += "<pre>" + Escape(Field(c, "suggestion")) + "</pre></section>\n";
  }
  return out;
}

std::string Checks(const Json& c, const std::map<std::string, const Json*>& steps) {
  std::string out = "<h2>Checks</h2>\n";
  std::set<std::string> used;
  for (const Json& step : At(c, "steps")) {
    if (Field(step, "kind") != "check") continue;
    const std::string id = Field(step, "step");
    const Json& check = At(step, "check");
    const std::string outcome = check.is_object() ? Field(check, "outcome") : Field(step, "status");
    out += "<section class=\"check check-" + Escape(outcome) + "\" id=\"check-" + Escape(id) +
           "\" data-step=\"" + Escape(id) + "\" data-outcome=\"" + Escape(outcome) + "\">\n";
    out += "<h3>" + Badge(outcome) + " " + Escape(Field(step, "title")) +
           " <span class=\"muted\">(" + Escape(id) + ")</span></h3>\n";
    out += "<p class=\"reason\">" + Escape(Field(check, "reason")) + "</p>\n";
    out += "<p class=\"muted\">" + LedgerLink(At(step, "ledger_seq")) + "</p>\n";
    for (const Json& name : At(step, "uses")) {
      auto it = steps.find(Text(name));
      if (it == steps.end()) continue;
      used.insert(Text(name));
      out += EvidenceBlock(*it->second);
    }
    out += "</section>\n";
  }
  std::string other;
  for (const Json& step : At(c, "steps")) {
    if (Field(step, "kind") == "query" && !used.count(Field(step, "step"))) {
      other += EvidenceBlock(step);
    }
  }
  if (!other.empty()) out += "<h2>Other evidence</h2>\n" + other;
  return out;
}

// The ledger entry of a step: its own, or for a decide step the decision's and for an action
// step its delivery's.
const Json& StepSeq(const Json& c, const Json& step) {
  const std::string kind = Field(step, "kind");
  if (kind == "decide") return At(At(c, "decision"), "ledger_seq");
  if (kind == "action") {
    for (const Json& action : At(c, "actions")) {
      if (Field(action, "step") == Field(step, "step")) return At(action, "ledger_seq");
    }
  }
  return At(step, "ledger_seq");
}

std::string StepsTable(const Json& c) {
  std::string out =
      "<h2>Steps</h2>\n<table id=\"steps\" class=\"wide\"><thead><tr><th>Step</th><th>Kind</th>"
      "<th>Title</th><th>Status</th><th>Finished</th><th>Ledger</th></tr></thead><tbody>\n";
  for (const Json& step : At(c, "steps")) {
    out += "<tr data-step=\"" + Escape(Field(step, "step")) + "\"><td>" +
           Escape(Field(step, "step")) + "</td><td>" + Escape(Field(step, "kind")) + "</td><td>" +
           Escape(Field(step, "title")) + "</td><td>" + Badge(Field(step, "status")) + "</td><td>" +
           Escape(Field(step, "finished_at")) + "</td><td>" + LedgerLink(StepSeq(c, step)) +
           "</td></tr>\n";
  }
  out += "</tbody></table>\n";
  return out;
}

std::string DecisionAndActions(const Json& c) {
  std::string out;
  const Json& decision = At(c, "decision");
  if (decision.is_object()) {
    out += "<h2>Decision</h2>\n<div class=\"box\" id=\"decision\"><p>" +
           Badge(Field(decision, "verdict")) + " by <strong>" + Escape(Field(decision, "by")) +
           "</strong> (" + Escape(Field(decision, "kind")) + ", level " +
           Escape(Field(decision, "level")) + ") at " + Escape(Field(decision, "at")) + " · " +
           LedgerLink(At(decision, "ledger_seq")) + "</p><p class=\"reason\">" +
           Escape(Field(decision, "reason")) + "</p></div>\n";
  }
  const Json& review = At(c, "review");
  if (At(review, "required") == true) {
    out += "<h2>Review</h2>\n<div class=\"box\" id=\"review\">";
    if (At(review, "verdict").is_string()) {
      out += "<p>" + Badge(Field(review, "verdict")) + " by " + Escape(Field(review, "by")) +
             " at " + Escape(Field(review, "at")) + "</p><p class=\"reason\">" +
             Escape(Field(review, "reason")) + "</p>";
    } else {
      out += "<p class=\"muted\">Sampled for review; not reviewed yet.</p>";
    }
    out += "</div>\n";
  }
  const Json& actions = At(c, "actions");
  if (actions.is_array() && !actions.empty()) {
    out +=
        "<h2>Actions</h2>\n<table id=\"actions\" class=\"wide\"><thead><tr><th>Step</th>"
        "<th>Sink</th><th>Status</th><th>Attempts</th><th>Last error</th><th>Delivered</th>"
        "<th>Ledger</th></tr></thead><tbody>\n";
    for (const Json& a : actions) {
      out += "<tr><td>" + Escape(Field(a, "step")) + "</td><td>" + Escape(Field(a, "sink")) +
             " <span class=\"muted\">" + Escape(Field(a, "target")) + "</span></td><td>" +
             Badge(Field(a, "status")) + "</td><td class=\"num\">" + Escape(Field(a, "attempts")) +
             "</td><td>" + Escape(Field(a, "last_error")) + "</td><td>" +
             Escape(Field(a, "delivered_at")) + "</td><td>" + LedgerLink(At(a, "ledger_seq")) +
             "</td></tr>\n";
    }
    out += "</tbody></table>\n";
  }
  return out;
}

// The decision (or review) form: two verdicts and a required reason.
std::string VerdictForm(const std::string& id, const std::string& form, const Viewer& viewer,
                        const DecisionDraft& draft) {
  const DecisionDraft mine = draft.form == form ? draft : DecisionDraft{};
  const char* legend = form == "decision" ? "Your decision" : "Your review of the decision";
  std::string out = "<form class=\"decide\" id=\"" + form + "-form\" method=\"post\" action=\"" +
                    "/ui/cases/" + UrlSegment(id) + "/" + form + "\">" + CsrfField(viewer) +
                    "<fieldset><legend>" + legend + "</legend>\n";
  if (!mine.error.empty()) {
    out += "<p class=\"error\" role=\"alert\" id=\"form-error\">" + Escape(mine.error) + "</p>\n";
  }
  for (const char* verdict : {"approve", "reject"}) {
    out += fmt::format(
        "<label><input type=\"radio\" name=\"verdict\" value=\"{0}\" required{1}> {2}</label> ",
        verdict, mine.verdict == verdict ? " checked" : "",
        std::string_view(verdict) == "approve" ? "Approve" : "Reject");
  }
  out +=
      "\n<p><label for=\"reason\">Reason (required; recorded in the ledger with your "
      "name)</label><br><textarea id=\"reason\" name=\"reason\" required maxlength=\"4000\">" +
      Escape(mine.reason) + "</textarea></p>\n<p><button type=\"submit\">Record " +
      (form == "decision" ? std::string("decision") : std::string("review")) +
      "</button></p></fieldset></form>\n";
  return out;
}

std::string DecideSection(const Json& c, const Viewer& viewer, const DecisionDraft& draft) {
  std::string role = Field(c, "waiting_role");
  for (const Json& step : At(c, "steps")) {
    if (role.empty() && Field(step, "kind") == "decide") role = Field(step, "role");
  }
  const bool holds = (!role.empty() && viewer.HasRole(role)) || viewer.HasRole("admin");
  const std::string id = Field(c, "id");
  const bool waiting = Field(c, "status") == "waiting";
  const Json& review = At(c, "review");
  const bool review_open = At(review, "required") == true && At(review, "verdict").is_null() &&
                           At(c, "decision").is_object();
  if (!waiting && !review_open) return "";
  std::string out = "<h2>" + std::string(waiting ? "Decide" : "Review") + "</h2>\n";
  if (!holds) {
    return out + "<p class=\"box muted\" id=\"not-yours\">Waiting for role " + Escape(role) +
           ", which you do not hold.</p>\n";
  }
  if (viewer.kind == "agent") {
    return out +
           "<p class=\"box muted\" id=\"not-yours\">You are signed in as an agent: agents "
           "gather evidence and read cases, people decide.</p>\n";
  }
  return out + VerdictForm(id, waiting ? "decision" : "review", viewer, draft);
}

}  // namespace

std::string CasePage(const Json& c, const Viewer& viewer, std::string_view flash,
                     const DecisionDraft& draft) {
  std::map<std::string, const Json*> steps;
  for (const Json& step : At(c, "steps")) steps[Field(step, "step")] = &step;
  std::string body = Facts(c);
  body += Recommendation(c);
  body += Checks(c, steps);
  body += DecideSection(c, viewer, draft);
  body += DecisionAndActions(c);
  body += StepsTable(c);
  return Frame("Case " + Field(c, "id"), &viewer, flash, body);
}

}  // namespace cairn::server::ui
