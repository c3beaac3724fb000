// The pages of the reviewer web UI other than the case page (ui_case_page.cc): sign-in, the
// queue, workflows, one workflow, a ledger entry with its proof, errors.

#include "server/ui_pages.h"

#include <fmt/format.h>

#include <vector>

#include "ledger/merkle.h"

namespace cairn::server::ui {
namespace {

std::string Cell(const Json& value) { return "<td>" + Escape(Text(value)) + "</td>"; }

// "approve" / "reject" as a badge, or a dash.
std::string VerdictCell(const Json& verdict) {
  return verdict.is_string() ? "<td>" + Badge(verdict.get<std::string>()) + "</td>"
                             : "<td class=\"muted\">—</td>";
}

// "key: value" lines of an object (a case's inputs).
std::string Pairs(const Json& object) {
  if (!object.is_object()) return "";
  std::string out;
  for (const auto& [key, value] : object.items()) {
    if (!out.empty()) out += "<br>";
    out += "<span class=\"muted\">" + Escape(key) + ":</span> <span class=\"mono\">" +
           Escape(Text(value)) + "</span>";
  }
  return out;
}

std::string Percent(const Json& share) {
  return share.is_number() ? fmt::format("{:.1f} %", share.get<double>() * 100) : "—";
}

std::string YesNo(bool yes) { return yes ? "yes" : "no"; }

// Whether the audit path recomputes the root for the entry's leaf (RFC 9162 verifier of the
// ledger module, which shares no code with the prover that made the path).
bool ProofHolds(const Json& proof) {
  if (!At(proof, "seq").is_number_integer() || !At(proof, "tree_size").is_number_integer())
    return false;
  Result<ledger::Hash> leaf = ledger::HashFromHex(Field(proof, "leaf_hash"));
  Result<ledger::Hash> root = ledger::HashFromHex(Field(proof, "root_hash"));
  if (!leaf.ok() || !root.ok() || !At(proof, "path").is_array()) return false;
  std::vector<ledger::Hash> path;
  for (const Json& node : At(proof, "path")) {
    Result<ledger::Hash> hash = ledger::HashFromHex(Text(node));
    if (!hash.ok()) return false;
    path.push_back(*hash);
  }
  return ledger::VerifyInclusion(*leaf, At(proof, "seq").get<uint64_t>(),
                                 At(proof, "tree_size").get<uint64_t>(), path, *root);
}

std::string_view StatusTitle(int status) {
  switch (status) {
    case 400:
      return "Bad request";
    case 401:
      return "Sign-in needed";
    case 403:
      return "Not allowed";
    case 404:
      return "Not found";
    case 405:
      return "Method not allowed";
    case 409:
      return "Already decided";
    case 413:
      return "Too large";
    case 415:
      return "Unsupported form";
    case 429:
      return "Too many requests";
    case 503:
      return "Unavailable";
    default:
      return status >= 500 ? "Server error" : "Error";
  }
}

}  // namespace

std::string LedgerLink(const Json& seq) {
  if (!seq.is_number_integer()) return "<span class=\"muted\">not in the ledger yet</span>";
  const int64_t n = seq.get<int64_t>();
  return fmt::format("<a class=\"ledger\" href=\"/ui/ledger/{}\">ledger #{}</a>", n, n);
}

std::string LoginPage(std::string_view next, std::string_view notice, std::string_view error) {
  std::string body;
  if (!notice.empty()) body += "<p class=\"flash\" role=\"status\">" + Escape(notice) + "</p>\n";
  if (!error.empty()) body += "<p class=\"error\" role=\"alert\">" + Escape(error) + "</p>\n";
  body +=
      "<p>Sign in with your Cairn bearer token (<code>cairn token issue YOUR-ID</code>). The "
      "token is checked and not kept: the server holds a session bound to it, which ends when "
      "the token is revoked or expires, after 30 minutes without use, or when you sign out.</p>\n"
      "<form method=\"post\" action=\"/ui/login\" class=\"box\">\n";
  if (!next.empty()) {
    body += "<input type=\"hidden\" name=\"next\" value=\"" + Escape(next) + "\">\n";
  }
  body +=
      "<p><label for=\"token\">Token</label><br>"
      "<input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"off\" required "
      "spellcheck=\"false\"></p>\n<p><button type=\"submit\">Sign in</button></p>\n</form>\n";
  return Frame("Sign in", nullptr, "", body);
}

std::string QueuePage(const Json& cases, const Viewer& viewer, std::string_view flash) {
  std::string body =
      "<p>Cases waiting for a decision (or a sampled review) by one of your roles, newest "
      "first.</p>\n";
  if (!cases.is_array() || cases.empty()) {
    body += "<p id=\"empty-queue\" class=\"box\">No case is waiting for you.</p>\n";
    return Frame("Queue", &viewer, flash, body);
  }
  body +=
      "<div class=\"scroll\"><table id=\"queue\" class=\"wide\">\n<thead><tr><th>Case</th>"
      "<th>Workflow</th><th>Inputs</th><th>Started</th><th>Waiting for</th>"
      "<th>Recommendation</th><th>Failed checks</th><th>Unknown checks</th></tr></thead>\n"
      "<tbody>\n";
  for (const Json& c : cases) {
    const std::string id = Field(c, "id");
    const Json checks = At(c, "checks");
    const std::string what =
        (At(c, "review_pending") == true) ? "review" : Field(c, "waiting_role");
    body += "<tr data-case=\"" + Escape(id) + "\"><td><a href=\"/ui/cases/" + UrlSegment(id) +
            "\">#" + Escape(id) + "</a></td>";
    body += Cell(At(c, "workflow")) + "<td>" + Pairs(At(c, "inputs")) + "</td>";
    body += "<td>" + Escape(Field(c, "started_at")) + "<br><span class=\"muted\">by " +
            Escape(Field(c, "started_by")) + "</span></td>";
    body += "<td>" + Escape(what) + "</td>" + VerdictCell(At(c, "recommendation"));
    body += "<td class=\"num failed\">" + Escape(Field(checks, "fail")) + "</td>";
    body += "<td class=\"num unknown\">" + Escape(Field(checks, "unknown")) + "</td></tr>\n";
  }
  body += "</tbody></table></div>\n";
  return Frame("Queue", &viewer, flash, body);
}

std::string WorkflowsPage(const Json& workflows, const Viewer& viewer, std::string_view flash) {
  const Json list = At(workflows, "workflows");
  std::string body =
      "<p>Each workflow gathers evidence, checks it and recommends; a person of its decide role "
      "decides until the trust ladder lets it decide alone.</p>\n";
  if (list.empty()) {
    body += "<p class=\"box\">No workflow is registered.</p>\n";
    return Frame("Workflows", &viewer, flash, body);
  }
  body +=
      "<table id=\"workflows\" class=\"wide\"><thead><tr><th>Workflow</th><th>Level</th>"
      "<th>Since</th><th>Version</th><th>Decided by role</th><th>Cases</th><th>Waiting</th>"
      "</tr></thead><tbody>\n";
  for (const Json& w : list) {
    const std::string name = Field(w, "name");
    body += "<tr data-workflow=\"" + Escape(name) + "\"><td><a href=\"/ui/workflows/" +
            UrlSegment(name) + "\">" + Escape(name) + "</a><br><span class=\"muted\">" +
            Escape(Field(w, "description")) + "</span></td>";
    body += "<td>" + Badge(Field(w, "level")) + "</td>" + Cell(At(w, "level_since"));
    body += "<td class=\"mono\" title=\"" + Escape(Field(w, "version")) + "\">" +
            Escape(ShortHash(Field(w, "version"))) + "</td>";
    body += Cell(At(w, "decide_role")) + "<td class=\"num\">" + Escape(Field(w, "cases")) +
            "</td><td class=\"num\">" + Escape(Field(w, "waiting")) + "</td></tr>\n";
  }
  body += "</tbody></table>\n";
  return Frame("Workflows", &viewer, flash, body);
}

std::string WorkflowPage(const Json& workflow, const Viewer& viewer, std::string_view flash) {
  const std::string name = Field(workflow, "name");
  const Json figures = At(workflow, "figures");
  std::string body = "<p>" + Escape(Field(workflow, "description")) + "</p>\n";
  body += "<dl class=\"facts\"><dt>Level</dt><dd id=\"level\">" + Badge(Field(workflow, "level")) +
          " since " + Escape(Field(workflow, "level_since")) +
          "</dd><dt>Current version</dt><dd class=\"mono\">" + Escape(Field(workflow, "version")) +
          "</dd><dt>Gathers evidence as</dt><dd>" + Escape(Field(workflow, "principal")) +
          "</dd></dl>\n";

  body += "<h2>Agreement at this level</h2>\n<dl class=\"facts\" id=\"figures\">";
  body += "<dt>Human-decided cases</dt><dd>" + Escape(Field(figures, "cases")) + " at level " +
          Escape(Field(figures, "level")) + " (this version)</dd>";
  body += "<dt>Recommendation agreed</dt><dd>" + Escape(Field(figures, "agree")) + " (" +
          Escape(Percent(At(figures, "agreement"))) + ")</dd>";
  body += "<dt>Rejected by the human, recommended for approval</dt><dd>" +
          Escape(Field(figures, "rejected_disagree")) + "</dd>";
  const Json criteria = At(figures, "criteria");
  body += "<dt>Promotion needs</dt><dd>at least " + Escape(Field(criteria, "min_cases")) +
          " cases, agreement of at least " + Escape(Percent(At(criteria, "min_agreement"))) +
          ((At(criteria, "forbid_rejected_disagreement") == true)
               ? ", and no rejected case recommended for approval"
               : "") +
          "</dd>";
  const bool eligible = (At(figures, "eligible") == true);
  body += "<dt>Criteria hold</dt><dd id=\"eligible\">" + Badge(eligible ? "pass" : "fail") + " " +
          YesNo(eligible);
  if (At(figures, "why").is_array() && !At(figures, "why").empty()) {
    body += "<ul>";
    for (const Json& why : At(figures, "why")) body += "<li>" + Escape(Text(why)) + "</li>";
    body += "</ul>";
  }
  body += "</dd>";
  if (const Json& r = At(figures, "reviews"); r.is_object()) {
    body += "<dt>Sampled reviews</dt><dd>" + Escape(Field(r, "disagree")) + " of the last " +
            Escape(Field(r, "reviewed")) + " reviewed disagreed (window " +
            Escape(Field(r, "window")) + ", demotion above " +
            Escape(Percent(At(r, "max_disagreement"))) + ", sample rate " +
            Escape(Percent(At(r, "sample_rate"))) + ")</dd>";
  }
  body += "</dl>\n";

  body +=
      "<h2>Versions</h2>\n<table id=\"versions\"><thead><tr><th>Version</th><th>Added</th>"
      "<th>By</th><th></th></tr></thead><tbody>\n";
  for (const Json& v : At(workflow, "versions")) {
    body += "<tr><td class=\"mono\">" + Escape(Field(v, "version")) + "</td>" +
            Cell(At(v, "added_at")) + Cell(At(v, "added_by")) + "<td>" +
            ((At(v, "current") == true) ? "current" : "") + "</td></tr>\n";
  }
  body += "</tbody></table>\n";

  body +=
      "<h2>Level changes and versions</h2>\n<table id=\"events\" class=\"wide\"><thead><tr>"
      "<th>At</th><th>What</th><th>Version</th><th>From</th><th>To</th><th>By</th>"
      "<th>Reason</th><th>Ledger</th></tr></thead><tbody>\n";
  for (const Json& e : At(workflow, "events")) {
    std::string what = Escape(Field(e, "kind"));
    if ((At(e, "forced") == true)) what += " <strong>(forced)</strong>";
    body += "<tr>" + Cell(At(e, "at")) + "<td>" + what + "</td><td class=\"mono\">" +
            Escape(ShortHash(Field(e, "version"))) + "</td>" + Cell(At(e, "from")) +
            Cell(At(e, "to")) + Cell(At(e, "actor")) + Cell(At(e, "reason")) + "<td>" +
            LedgerLink(At(e, "ledger_seq")) + "</td></tr>\n";
  }
  body += "</tbody></table>\n";
  body += "<h2>Definition</h2>\n<pre class=\"definition\">" + Escape(Field(workflow, "text")) +
          "</pre>\n";
  return Frame("Workflow " + name, &viewer, flash, body);
}

std::string LedgerPage(const Json& proof, const Viewer& viewer, std::string_view flash) {
  const std::string seq = Field(proof, "seq");
  const Json entry = At(proof, "entry");
  std::string body = "<dl class=\"facts\" id=\"entry\">";
  for (const char* key : {"seq", "time", "principal", "action", "subject", "decision", "label",
                          "ingress", "input_digest", "result_digest", "leaf_hash"}) {
    body += "<dt>" + Escape(key) + "</dt><dd class=\"" + Escape(key) + "\">" +
            Escape(Field(entry, key)) + "</dd>";
  }
  body += "</dl>\n<h2>Inclusion proof</h2>\n";
  const bool holds = ProofHolds(proof);
  body += "<dl class=\"facts\" id=\"proof\"><dt>Tree size</dt><dd>" +
          Escape(Field(proof, "tree_size")) + "</dd><dt>Root hash</dt><dd class=\"mono\">" +
          Escape(Field(proof, "root_hash")) + "</dd><dt>Leaf hash</dt><dd class=\"mono\">" +
          Escape(Field(proof, "leaf_hash")) +
          "</dd><dt>Audit path</dt><dd class=\"mono\"><ol start=\"1\">";
  for (const Json& node : At(proof, "path")) {
    body += "<li>" + Escape(Text(node)) + "</li>";
  }
  body += "</ol></dd><dt>Path recomputes the root</dt><dd id=\"verified\">" +
          Badge(holds ? "pass" : "fail") + " " + YesNo(holds) + "</dd></dl>\n";
  body +=
      "<p class=\"muted\">Checked here with the RFC 9162 verifier. To check it outside Cairn, "
      "fetch <code>/api/v1/ledger/entries/" +
      Escape(seq) +
      "/proof</code> with a bearer token and compare the root with a signed tree head "
      "(<code>cairn ledger verify</code>, <code>tools/verify_ledger.py</code>).</p>\n";
  return Frame("Ledger entry " + seq, &viewer, flash, body);
}

std::string ErrorPage(int status, std::string_view message, const Viewer* viewer) {
  std::string body = "<p class=\"error\" role=\"alert\" id=\"error\" data-status=\"" +
                     std::to_string(status) + "\">" + Escape(message) + "</p>\n";
  body += viewer != nullptr ? "<p><a href=\"/ui/\">Back to the queue</a></p>\n"
                            : "<p><a href=\"/ui/login\">Sign in</a></p>\n";
  return Frame(fmt::format("{} ({})", StatusTitle(status), status), viewer, "", body);
}

}  // namespace cairn::server::ui
