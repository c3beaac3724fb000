#pragma once

// The workflow module's Host over a Workspace: the state database, the ledger (or the shared
// recorder), sessions bound to a principal and an ingress, principals from the principal
// store, the llm endpoint of cairn.yaml, and the system clock.
//
// Thread-safety: as the Workspace (one thread at a time). The Workspace must outlive it.

#include <optional>
#include <string>

#include "service/workspace.h"
#include "workflow/workflows.h"

namespace cairn::service {

class WorkflowHost : public workflow::Host {
 public:
  explicit WorkflowHost(Workspace* workspace) : ws_(workspace) {}

  Result<store::StateDb*> State() override { return ws_->StateDb(); }
  Result<ledger::Recorder*> Recorder() override { return ws_->Recorder(); }
  Result<engine::Session*> SessionFor(const engine::Principal& principal,
                                      std::string_view ingress) override {
    return ws_->CachedSession(principal, ingress);
  }
  Result<engine::Principal> PrincipalById(const std::string& id) override;
  Result<std::string> PrincipalKind(const std::string& id) override;
  Result<std::optional<workflow::LlmConfig>> Llm() override;
  std::string Now() override;

 private:
  Workspace* ws_;
};

}  // namespace cairn::service
