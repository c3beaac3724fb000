// The installation's mask key file: created whole or not at all, one key however many
// workers and processes ask for it first at the same time.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "service/state_copy.h"

namespace cairn::service {
namespace {

namespace fs = std::filesystem;

class MaskKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("cairn-mask-key-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(MaskKeyTest, ConcurrentFirstUsesAgreeOnOneWholeKey) {
  for (int round = 0; round < 30; ++round) {
    const fs::path file = dir_ / std::to_string(round) / "mask.key";
    constexpr int kThreads = 8;
    std::vector<Result<std::string>> keys(kThreads, InternalError("not run"));
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        start.arrive_and_wait();
        keys[t] = LoadOrCreateMaskKey(file);
      });
    }
    for (std::thread& thread : threads) thread.join();
    for (int t = 0; t < kThreads; ++t) {
      ASSERT_TRUE(keys[t].ok()) << "round " << round << ": " << keys[t].status().ToString();
      EXPECT_EQ(keys[t]->size(), 32u);
      EXPECT_EQ(*keys[t], *keys[0]) << "round " << round;
    }
    // Only the key is left, readable by its owner alone.
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(file.parent_path())) {
      names.push_back(entry.path().filename().string());
    }
    EXPECT_EQ(names, std::vector<std::string>{"mask.key"});
    struct stat info {};
    ASSERT_EQ(::stat(file.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);
    EXPECT_EQ(*LoadOrCreateMaskKey(file), *keys[0]);  // read back, not made again
  }
}

TEST_F(MaskKeyTest, AFileOfAnotherSizeIsDataLossNamingTheFile) {
  fs::create_directories(dir_);
  const fs::path file = dir_ / "mask.key";
  std::ofstream(file) << "short";
  Result<std::string> key = LoadOrCreateMaskKey(file);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(key.status().message().find(file.string()), std::string::npos);
  EXPECT_NE(key.status().message().find("found 5"), std::string::npos);
}

}  // namespace
}  // namespace cairn::service
