#include "connectors/postgres/postgres_source.h"

namespace cairn::connectors::postgres {

KindSpec Kind() {
  KindSpec spec;
  spec.name = "postgres";
  spec.summary = "(not built yet)";
  spec.options = {{"path", true, false, false, "location"}};
  spec.open = [](const SourceConfig& config) -> Result<std::unique_ptr<Source>> {
    return UnimplementedError("{}: kind 'postgres' is not built yet", config.name);
  };
  return spec;
}

}  // namespace cairn::connectors::postgres
