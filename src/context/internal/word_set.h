#pragma once

// The words of a space-separated list, as a set, for the semantic typer's word lists (country
// and currency codes, given names, street words). The set views `list`: give it a string
// literal, or anything else that outlives the set.

#include <string_view>
#include <unordered_set>

namespace cairn::context::internal {

inline std::unordered_set<std::string_view> WordSet(std::string_view list) {
  std::unordered_set<std::string_view> set;
  size_t start = 0;
  while (start < list.size()) {
    size_t end = list.find(' ', start);
    if (end == std::string_view::npos) end = list.size();
    if (end > start) set.insert(list.substr(start, end - start));
    start = end + 1;
  }
  return set;
}

}  // namespace cairn::context::internal
