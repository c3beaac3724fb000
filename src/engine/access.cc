#include "engine/access.h"

#include <algorithm>
#include <cctype>

namespace cairn::engine {

std::string_view LabelName(Label label) {
  switch (label) {
    case Label::kPublic:
      return "public";
    case Label::kInternal:
      return "internal";
    case Label::kConfidential:
      return "confidential";
    case Label::kRestricted:
      return "restricted";
  }
  return "restricted";
}

Result<Label> ParseLabel(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (Label label : {Label::kPublic, Label::kInternal, Label::kConfidential, Label::kRestricted}) {
    if (lower == LabelName(label)) return label;
  }
  return InvalidArgumentError(
      "unknown classification '{}' (expected public, internal, confidential or restricted)", name);
}

}  // namespace cairn::engine
