#pragma once

// The background case runner of `cairn serve`: while the server runs, it finishes the cases a
// crash or a restart cut short and delivers the actions whose retry is due, by calling
// workflow::Workflows::Resume() as the local administrator (ingress "serve") at start-up and
// then every `interval`. Without it, an interrupted case or a failed delivery would wait for
// someone to run `cairn case resume`.
//
// It has its own Workspace (its own state-database connections), opened on its thread at the
// first round and again after a failure, and appends to the ledger through the server's shared
// recorder. Resume() holds each case's lock while it works on it, so the loop never touches a
// case a request is advancing, nor one another process (`cairn case resume`) is.
//
// Nothing here stops the server: an error (the state database busy, a case that cannot be
// advanced) is logged and the loop goes on. The log gets one JSON line per round in which
// something happened, and nothing for a quiet round:
//   {"time","event":"case_resume","resumed","interrupted","busy","actions_delivered",
//    "actions_failed","actions_pending","errors":[{"case","code","error"}]}
// when cases were finished after an interruption, actions delivered or refused, the number of
// pending actions changed, or a case's error is new or different; errors already reported are
// not repeated every round. A failing round logs {"time","event":"case_resume_error","error"}
// once per distinct error, and {"event":"case_resume_recovered"} when a round works again.
//
// Thread-safety: Start() and Stop() from one thread; rounds() from any.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <thread>

#include "ledger/ledger.h"
#include "service/workspace.h"

namespace cairn::service {

class CaseDispatcher {
 public:
  struct Options {
    // Between the end of one round and the start of the next; zero disables the loop.
    std::chrono::milliseconds interval{std::chrono::seconds(5)};
    // Where the JSON lines go (shared with other writers line by line); nullptr: nowhere.
    std::ostream* log = nullptr;
  };

  // `recorder` (not owned; nullptr: the workspace's own ledger) must outlive Stop().
  CaseDispatcher(std::filesystem::path config_path, ledger::Recorder* recorder, Options options);
  ~CaseDispatcher();  // Stop()
  CaseDispatcher(const CaseDispatcher&) = delete;
  CaseDispatcher& operator=(const CaseDispatcher&) = delete;

  // Starts the loop on its own thread; the first round runs at once. No-op when the interval
  // is zero or the loop runs already.
  void Start();
  // Asks the loop to stop — a round in progress stops between two cases — and waits for it.
  // Idempotent.
  void Stop();

  // Rounds finished so far, successful or not.
  int64_t rounds() const { return rounds_.load(); }

 private:
  void Loop();
  void Round();
  void Log(nlohmann::ordered_json line);

  const std::filesystem::path config_path_;
  ledger::Recorder* const recorder_;
  const Options options_;

  std::unique_ptr<Workspace> workspace_;        // the loop's own, opened by the loop
  engine::Principal admin_;                     // the local administrator, as the loop acts
  std::string last_error_;                      // of the last failed round; "" after a good one
  std::map<int64_t, std::string> case_errors_;  // reported per case, to report changes only
  int64_t last_pending_ = 0;

  std::mutex mu_;
  std::condition_variable wake_;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> rounds_{0};
  std::thread thread_;
};

}  // namespace cairn::service
