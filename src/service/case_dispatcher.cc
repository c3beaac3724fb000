#include "service/case_dispatcher.h"

#include <exception>
#include <utility>

#include "ledger/clock.h"
#include "workflow/workflows.h"

namespace cairn::service {

using Json = nlohmann::ordered_json;

CaseDispatcher::CaseDispatcher(std::filesystem::path config_path, ledger::Recorder* recorder,
                               Options options)
    : config_path_(std::move(config_path)), recorder_(recorder), options_(options) {}

CaseDispatcher::~CaseDispatcher() { Stop(); }

void CaseDispatcher::Start() {
  if (options_.interval.count() <= 0 || thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void CaseDispatcher::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void CaseDispatcher::Loop() {
  while (!stopping_) {
    // An exception leaving this thread would end the server: report it like any failed round.
    try {
      Round();
    } catch (const std::exception& e) {
      workspace_.reset();
      Log({{"event", "case_resume_error"}, {"error", std::string("Internal: ") + e.what()}});
    }
    ++rounds_;
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, options_.interval, [this] { return stopping_.load(); });
  }
  // Its connections are closed on the thread that used them.
  workspace_.reset();
}

void CaseDispatcher::Round() {
  Result<Json> report = [this]() -> Result<Json> {
    if (!workspace_) {
      ASSIGN_OR_RETURN(std::unique_ptr<Workspace> ws, Workspace::Open(config_path_));
      if (recorder_ != nullptr) ws->set_recorder(recorder_);
      // Once per workspace: it makes sure the administrator exists, a write.
      ASSIGN_OR_RETURN(admin_, ws->LocalAdmin());
      workspace_ = std::move(ws);
    }
    ASSIGN_OR_RETURN(workflow::Workflows * workflows, workspace_->Workflows());
    return workflows->Resume(workflow::Actor{admin_, "serve"}, [this] { return stopping_.load(); });
  }();
  if (!report.ok()) {
    // The next round starts from a fresh workspace: a failed one may hold a broken connection.
    workspace_.reset();
    const std::string error = report.status().ToString();
    if (error != last_error_) Log({{"event", "case_resume_error"}, {"error", error}});
    last_error_ = error;
    return;
  }
  if (!last_error_.empty()) {
    Log({{"event", "case_resume_recovered"}});
    last_error_.clear();
  }
  const Json& r = *report;
  // Errors are reported when they are new for their case (or changed), not every round.
  std::map<int64_t, std::string> errors;
  Json fresh = Json::array();
  for (const Json& e : r["errors"]) {
    const int64_t id = e["case"].get<int64_t>();
    errors[id] = e["code"].get<std::string>() + ": " + e["error"].get<std::string>();
    auto before = case_errors_.find(id);
    if (before == case_errors_.end() || before->second != errors[id]) fresh.push_back(e);
  }
  case_errors_ = std::move(errors);
  const int64_t pending = r["actions_pending"].get<int64_t>();
  const bool news =
      r["interrupted"].get<int64_t>() > 0 || r["actions_delivered"].get<int64_t>() > 0 ||
      r["actions_failed"].get<int64_t>() > 0 || pending != last_pending_ || !fresh.empty();
  last_pending_ = pending;
  if (!news) return;
  Log({{"event", "case_resume"},
       {"resumed", r["resumed"]},
       {"interrupted", r["interrupted"]},
       {"busy", r["busy"]},
       {"actions_delivered", r["actions_delivered"]},
       {"actions_failed", r["actions_failed"]},
       {"actions_pending", pending},
       {"errors", fresh}});
}

void CaseDispatcher::Log(Json line) {
  if (options_.log == nullptr) return;
  ledger::SystemClock clock;
  Json out = {{"time", clock.NowUtc()}};
  for (auto& [key, value] : line.items()) out[key] = std::move(value);
  // One write per line, so that lines of other writers on the same stream do not cut into it.
  *options_.log << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  options_.log->flush();
}

}  // namespace cairn::service
