#include "connectors/csv/csv_source.h"

namespace cairn::connectors::csv {

KindSpec Kind() {
  KindSpec spec;
  spec.name = "csv";
  spec.summary = "(not built yet)";
  spec.options = {{"path", true, false, false, "location"}};
  spec.open = [](const SourceConfig& config) -> Result<std::unique_ptr<Source>> {
    return UnimplementedError("{}: kind 'csv' is not built yet", config.name);
  };
  return spec;
}

}  // namespace cairn::connectors::csv
