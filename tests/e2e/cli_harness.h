#pragma once

// What every end-to-end test of the `cairn` binary needs: a temporary working directory, and
// running the binary in it as a script would (arguments shell-quoted, stdin given, stdout,
// stderr and the exit code captured).

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace cairn::e2e {

namespace fs = std::filesystem;

struct Outcome {
  int exit_code = -1;  // -1 when the process did not exit normally
  std::string out;
  std::string err;
};

inline std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

inline std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline void WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// tests/data: the public test databases (Chinook, Northwind; see tests/data/README.md).
inline fs::path TestData() { return fs::path(CAIRN_SOURCE_DIR) / "tests" / "data"; }

// A fixture whose tests run `cairn` in their own temporary directory `dir_` (removed after).
class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("cairn-e2e-" + std::to_string(rd()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  Outcome Cairn(const std::vector<std::string>& args, const std::string& stdin_text = "") {
    std::string command = "cd " + ShellQuote(dir_.string()) + " && " + ShellQuote(CAIRN_BINARY);
    for (const auto& arg : args) command += " " + ShellQuote(arg);
    const fs::path in = dir_ / ".stdin", out = dir_ / ".stdout", err = dir_ / ".stderr";
    WriteFile(in, stdin_text);
    command += " <" + ShellQuote(in.string()) + " >" + ShellQuote(out.string()) + " 2>" +
               ShellQuote(err.string());
    const int status = std::system(command.c_str());
    Outcome outcome;
    outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    outcome.out = ReadFile(out);
    outcome.err = ReadFile(err);
    return outcome;
  }

  fs::path dir_;
};

}  // namespace cairn::e2e
