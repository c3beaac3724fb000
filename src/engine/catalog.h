#pragma once

// The catalog: the configured sources, opened on first use.
//
// A Catalog owns one connectors::Source per configured source and opens it lazily, so that an
// unreachable source fails only the queries that touch it. Opening errors are not cached: the
// next call tries again.
//
// Thread-safety: not thread-safe. One catalog serves the sessions of one thread.
// Lifetime: must outlive every Session created on it.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "connectors/source.h"
#include "core/config.h"
#include "core/status.h"

namespace cairn::engine {

class Catalog {
 public:
  // Validates every source's kind and options (no connection is made). InvalidArgument with
  // file:line:column on the first bad source.
  static Result<std::unique_ptr<Catalog>> Create(Config config);

  const Config& config() const { return config_; }

  // Configured source names, in configuration order.
  std::vector<std::string> SourceNames() const;

  // The source, opened now if it was not yet. NotFound for an unknown name; the connector's
  // error (Unavailable, NotFound, InvalidArgument, ...) when it cannot be opened.
  Result<connectors::Source*> Open(const std::string& name);

  // The index of `name` in SourceNames(), or -1.
  int IndexOf(const std::string& name) const;

 private:
  explicit Catalog(Config config) : config_(std::move(config)) {}

  Config config_;
  std::map<std::string, std::unique_ptr<connectors::Source>> open_;
};

}  // namespace cairn::engine
