#include "engine/catalog.h"

#include "connectors/registry.h"

namespace cairn::engine {

Result<std::unique_ptr<Catalog>> Catalog::Create(Config config) {
  for (const SourceConfig& source : config.sources) {
    RETURN_IF_ERROR(connectors::ValidateSourceConfig(source));
  }
  return std::unique_ptr<Catalog>(new Catalog(std::move(config)));
}

std::vector<std::string> Catalog::SourceNames() const {
  std::vector<std::string> names;
  for (const SourceConfig& source : config_.sources) names.push_back(source.name);
  return names;
}

int Catalog::IndexOf(const std::string& name) const {
  for (size_t i = 0; i < config_.sources.size(); ++i) {
    if (config_.sources[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

Result<connectors::Source*> Catalog::Open(const std::string& name) {
  auto it = open_.find(name);
  if (it != open_.end()) return it->second.get();
  const SourceConfig* source_config = config_.FindSource(name);
  if (source_config == nullptr) return NotFoundError("no such source '{}'", name);
  ASSIGN_OR_RETURN(std::unique_ptr<connectors::Source> source,
                   connectors::OpenSource(*source_config));
  connectors::Source* raw = source.get();
  open_[name] = std::move(source);
  return raw;
}

}  // namespace cairn::engine
