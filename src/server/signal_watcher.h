#pragma once

// Graceful stop on SIGTERM/SIGINT for a process that serves with HttpServer.
//
// Thread-safety: construct before starting any thread that must not receive the signals (the
// mask is inherited), on the thread that later destroys it.

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <thread>

#include "server/http.h"

namespace cairn::server {

// Blocks SIGTERM and SIGINT in the calling thread (and the threads it starts after), and turns
// them into HttpServer::Stop() on a watcher thread. The destructor restores the signal mask.
class SignalWatcher {
 public:
  SignalWatcher() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGTERM);
    sigaddset(&set_, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
  }
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;
  void Watch(HttpServer* server) {
    thread_ = std::thread([this, server] {
      const timespec tick{0, 200'000'000};
      while (!done_) {
        if (sigtimedwait(&set_, nullptr, &tick) > 0) {
          server->Stop();
          return;
        }
      }
    });
  }
  ~SignalWatcher() {
    done_ = true;
    if (thread_.joinable()) thread_.join();
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t set_;
  sigset_t old_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace cairn::server
