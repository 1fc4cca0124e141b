// The fixture of the tests that drive the real `anarchy` binary in a folder of their own
// (profile_cli_test, report_cli_test, text_report_cli_test, frames_cli_test,
// profile_metrics_cli_test, diff_accuracy_test): a fresh temporary folder per test, removed
// after it, files written into it, and the binary run there through test_support::run_anarchy.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "test_support.hpp"

namespace test_support {

class AnarchyFolderTest : public ::testing::Test {
 protected:
  // The folder is named after the test suite and this process, so suites run side by side
  // (ctest -j) never share one.
  void SetUp() override {
    const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("aiprof_" + std::string(test->test_suite_name()) + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  std::string file(const std::string& name) const { return read_file(dir_ / name); }
  bool exists(const std::string& name) const { return std::filesystem::exists(dir_ / name); }

  // Runs `anarchy ARGS` in the test folder (or in its sub-folder `in`).
  Result anarchy(const std::string& args, const std::string& in = ".") const {
    return run_anarchy(dir_ / in, dir_, args);
  }

  // A usage error: exit 2 and one line on stderr that says `says`; the run is returned for
  // further checks.
  Result expect_usage_error(const std::string& args, const std::string& says) const {
    Result r = anarchy(args);
    EXPECT_EQ(r.status, 2) << args << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << "\n" << r.err;
    EXPECT_NE(r.err.find(says), std::string::npos) << args << "\n" << r.err;
    return r;
  }

  std::filesystem::path dir_;
};

}  // namespace test_support
