#include "context/model.h"

#include <array>

namespace cairn::context {
namespace {

constexpr std::array<std::string_view, 3> kProvenanceNames = {"discovered", "declared", "stated"};
constexpr std::array<std::string_view, 5> kJoinKindNames = {"declared", "inferred", "confirmed",
                                                            "rejected", "implied"};

}  // namespace

std::string_view ProvenanceName(Provenance provenance) {
  return kProvenanceNames[static_cast<size_t>(provenance)];
}

bool ProvenanceFromName(std::string_view name, Provenance* provenance) {
  for (size_t i = 0; i < kProvenanceNames.size(); ++i) {
    if (kProvenanceNames[i] == name) {
      *provenance = static_cast<Provenance>(i);
      return true;
    }
  }
  return false;
}

std::string_view JoinKindName(JoinKind kind) { return kJoinKindNames[static_cast<size_t>(kind)]; }

bool JoinKindFromName(std::string_view name, JoinKind* kind) {
  for (size_t i = 0; i < kJoinKindNames.size(); ++i) {
    if (kJoinKindNames[i] == name) {
      *kind = static_cast<JoinKind>(i);
      return true;
    }
  }
  return false;
}

nlohmann::json JoinSide::ToJson() const {
  return {{"source", source}, {"table", table}, {"columns", columns}};
}

JoinSide JoinSide::FromJson(const nlohmann::json& json) {
  JoinSide side;
  side.source = json.value("source", "");
  side.table = json.value("table", "");
  if (json.contains("columns") && json["columns"].is_array()) {
    for (const auto& c : json["columns"]) {
      if (c.is_string()) side.columns.push_back(c.get<std::string>());
    }
  }
  return side;
}

nlohmann::json Join::ToJson() const {
  nlohmann::json out = {{"id", id},          {"from", from.ToJson()},
                        {"to", to.ToJson()}, {"kind", JoinKindName(kind)},
                        {"score", score},    {"evidence", evidence}};
  if (!stated_by.empty()) out["stated_by"] = stated_by;
  return out;
}

}  // namespace cairn::context
