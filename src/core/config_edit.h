#pragma once

// Edits of cairn.yaml that keep the user's comments and layout.
//
// yaml-cpp cannot round-trip comments, so an added source is inserted as text at the end of
// the `sources:` block (located through yaml-cpp's marks) and the result is parsed again
// before it is returned: a caller never writes a file that does not load.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/status.h"

namespace cairn {

struct NewSource {
  std::string name;
  std::string kind;
  // Options in the order given; a value with commas inside [] is not special: lists are
  // given in `lists`.
  std::vector<std::pair<std::string, std::string>> options;
  std::vector<std::pair<std::string, std::vector<std::string>>> lists;
};

// Returns `text` (the contents of `file`) with `source` added under `sources:`.
//   kAlreadyExists   a source of that name exists;
//   kInvalidArgument `text` does not parse, or the name is not a valid source name.
Result<std::string> AddSourceToConfigText(const std::string& text,
                                          const std::filesystem::path& file,
                                          const NewSource& source);

// The commented example written by `cairn init`.
std::string ExampleConfigText();

// Writes `text` to `file` atomically (temporary file + rename). Unavailable on I/O errors.
Status WriteFileAtomically(const std::filesystem::path& file, const std::string& text);

}  // namespace cairn
