#pragma once

// The pages of the reviewer web UI (server/ui.h), each rendered from the JSON the service
// already returns (service/workflow_api.h, service/api.h) as the viewer's principal may see
// it; every value goes through Escape() (server/ui_html.h). Pure functions: no I/O, no state.
//
//   LoginPage      the sign-in form (a bearer token).
//   QueuePage      cases waiting for one of the viewer's roles (ListCases, for_review).
//   CasePage       one case: facts, recommendation, the language model's suggestion (marked as
//                  such), every check with the evidence it used, steps with their ledger
//                  entries, the decision and its actions, and the decision form when the
//                  viewer may decide (ui_case_page.cc).
//   WorkflowsPage  the registered workflows and their level on the trust ladder.
//   WorkflowPage   one workflow: level, agreement figures and promotion criteria, versions,
//                  level changes.
//   LedgerPage     one ledger entry with its inclusion proof, the proof checked here.
//   ErrorPage      a refusal or an error, with what to do about it.

#include <string>
#include <string_view>

#include "server/ui_html.h"

namespace cairn::server::ui {

// A decision or review the server refused (400): shown again with the reason for refusing it.
struct DecisionDraft {
  std::string form;  // "decision" or "review": which form the draft belongs to
  std::string verdict;
  std::string reason;
  std::string error;
};

// `next`: where to go after signing in (a /ui/ path, already checked); `notice` a message
// (signed out, session ended) and `error` one for a refused token.
std::string LoginPage(std::string_view next, std::string_view notice, std::string_view error);
std::string QueuePage(const Json& cases, const Viewer& viewer, std::string_view flash);
std::string CasePage(const Json& c, const Viewer& viewer, std::string_view flash,
                     const DecisionDraft& draft = {});
std::string WorkflowsPage(const Json& workflows, const Viewer& viewer, std::string_view flash);
std::string WorkflowPage(const Json& workflow, const Viewer& viewer, std::string_view flash);
// `proof`: Api::LedgerProof() ({"seq","tree_size","leaf_hash","root_hash","path","entry"}).
std::string LedgerPage(const Json& proof, const Viewer& viewer, std::string_view flash);
// `viewer` may be null (not signed in).
std::string ErrorPage(int status, std::string_view message, const Viewer* viewer);

// <a href="/ui/ledger/SEQ">#SEQ</a>, or a note when the entry is not (yet) in the ledger.
std::string LedgerLink(const Json& seq);

}  // namespace cairn::server::ui
