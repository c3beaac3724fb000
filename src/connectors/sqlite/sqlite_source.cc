#include "connectors/sqlite/sqlite_source.h"

namespace cairn::connectors::sqlite {

KindSpec Kind() {
  KindSpec spec;
  spec.name = "sqlite";
  spec.summary = "(not built yet)";
  spec.options = {{"path", true, false, false, "location"}};
  spec.open = [](const SourceConfig& config) -> Result<std::unique_ptr<Source>> {
    return UnimplementedError("{}: kind 'sqlite' is not built yet", config.name);
  };
  return spec;
}

}  // namespace cairn::connectors::sqlite
