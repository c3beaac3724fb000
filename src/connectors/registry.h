#pragma once

// The one list of connector kinds. Adding a kind = one folder + one line in registry.cc.
//
// OpenSource() validates a SourceConfig against its kind's option specs before opening it:
// unknown kind, unknown option, missing required option, and a secret option that is not a
// `${ENV_VAR}` reference are all InvalidArgument errors naming file:line:column and key.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "connectors/source.h"
#include "core/config.h"
#include "core/status.h"

namespace cairn::connectors {

struct OptionSpec {
  std::string name;
  bool required = false;
  // Secrets may only be written as `${ENV_VAR}` references and are never printed.
  bool secret = false;
  bool list = false;  // accepts a YAML list
  std::string help;
  bool map = false;  // accepts a YAML mapping (OptionValue::fields), which the kind checks
};

struct KindSpec {
  std::string name;
  std::string summary;
  std::vector<OptionSpec> options;
  // Opens a source from an already validated config. Unavailable when the system cannot be
  // reached; InvalidArgument for a bad option value.
  std::function<Result<std::unique_ptr<Source>>(const SourceConfig&)> open;
};

// Every kind, in registration order.
const std::vector<KindSpec>& Kinds();
// nullptr when unknown.
const KindSpec* FindKind(const std::string& name);

// Checks kind and option names/shapes without touching the source.
Status ValidateSourceConfig(const SourceConfig& config);

// ValidateSourceConfig, then the kind's open().
Result<std::unique_ptr<Source>> OpenSource(const SourceConfig& config);

}  // namespace cairn::connectors
