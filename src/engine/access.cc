#include "engine/access.h"

#include <algorithm>
#include <cctype>

#include "core/strings.h"

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
  const std::string lower = AsciiLower(name);
  for (Label label : {Label::kPublic, Label::kInternal, Label::kConfidential, Label::kRestricted}) {
    if (lower == LabelName(label)) return label;
  }
  return InvalidArgumentError(
      "unknown classification '{}' (expected public, internal, confidential or restricted)", name);
}

}  // namespace cairn::engine
