// Golden files: compare an output with its file in tests/golden/, or rewrite the file.
//
// AIPROF_UPDATE_GOLDEN=1 (exactly "1") rewrites the file and fails the test, saying so: a run
// that rewrote a golden compared nothing, so it must never read as a pass. Any other value
// (or none) compares.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace golden_file {

inline bool update_requested() {
  const char* value = std::getenv("AIPROF_UPDATE_GOLDEN");
  return value != nullptr && std::string_view(value) == "1";
}

inline void expect_matches(const std::string& path, const std::string& actual) {
  if (update_requested()) {
    std::ofstream(path, std::ios::binary) << actual;
    ADD_FAILURE() << path << " was rewritten (AIPROF_UPDATE_GOLDEN=1), not compared: review its "
                  << "diff, then run the test again without AIPROF_UPDATE_GOLDEN";
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << path << " is missing (run with AIPROF_UPDATE_GOLDEN=1)";
  std::ostringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(actual, expected.str()) << "differs from " << path;
}

}  // namespace golden_file
