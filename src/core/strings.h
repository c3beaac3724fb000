#pragma once

// Small string helpers shared across modules.

#include <cctype>
#include <string>
#include <string_view>

namespace cairn {

// `text` with ASCII letters lower-cased; other bytes (UTF-8 included) unchanged.
inline std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace cairn
