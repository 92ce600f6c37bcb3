#include <filesystem>

#include <gtest/gtest.h>

#include "support/paths.h"

namespace logship::testing {
namespace {

// tests/data/shared is the repository's copy of ../shared/reference-configs, for clones where
// ../shared is not beside the checkout. Where the original is present, the copy must match it.
TEST(SharedCopy, MatchesTheOriginal) {
  const auto copy = checkedInSharedDir() / "reference-configs";
  ASSERT_TRUE(std::filesystem::exists(copy / "filebeat.yml"));
  ASSERT_TRUE(std::filesystem::exists(copy / "go-stash.yml"));
  const auto original = sourceDir().parent_path() / "shared" / "reference-configs";
  if (!std::filesystem::exists(original)) GTEST_SKIP() << "no ../shared beside this checkout";
  for (const auto& entry : std::filesystem::directory_iterator(original)) {
    EXPECT_EQ(readFile(entry.path()), readFile(copy / entry.path().filename())) << entry.path();
  }
}

}  // namespace
}  // namespace logship::testing
