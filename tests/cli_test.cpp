// The `anarchy` binary as a user meets it: flags, missing files, exit statuses.
#include <gtest/gtest.h>

#include "test_support.hpp"

#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace {

using Outcome = test_support::ShellOutcome;
using test_support::shell;

std::string example(const char* name) { return std::string(AIPROF_SOURCE_DIR) + "/" + name; }

TEST(Cli, RunsAnExample) {
  Outcome o = shell("run " + example("examples/demo.ai"));
  EXPECT_EQ(o.status, 0) << o.output;
  EXPECT_NE(o.output.find("fib(22) = 17711"), std::string::npos) << o.output;
}

TEST(Cli, UnknownFlagIsAOneLineUsageError) {
  Outcome o = shell("run --frobnicate " + example("examples/demo.ai"));
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.output.find("--frobnicate"), std::string::npos);
  EXPECT_EQ(o.output.find('\n'), o.output.size() - 1) << o.output;
}

TEST(Cli, MissingFileIsAOneLineError) {
  Outcome o = shell("run /no/such/file.ai");
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.output.find("cannot read '/no/such/file.ai'"), std::string::npos) << o.output;
}

TEST(Cli, DirectoryInsteadOfFile) {
  Outcome o = shell("run /tmp");
  EXPECT_EQ(o.status, 2);
}

TEST(Cli, BadOptionValue) {
  EXPECT_EQ(shell("run --max-depth zero x.ai").status, 2);
  EXPECT_EQ(shell("run --max-depth 0 x.ai").status, 2);
}

TEST(Cli, HelpAndVersion) {
  EXPECT_EQ(shell("--help").status, 0);
  Outcome v = shell("--version");
  EXPECT_EQ(v.status, 0);
  EXPECT_NE(v.output.find("anarchy"), std::string::npos);
}

TEST(Cli, ArgumentsAfterTheFileGoToTheProgram) {
  Outcome o = shell("run " + example("examples/args.ai") + " --max-depth 3 x");
  EXPECT_EQ(o.status, 2) << o.output;  // main returns len(args)
  EXPECT_NE(o.output.find("[\"--max-depth\", \"3\", \"x\"]"), std::string::npos) << o.output;
}

}  // namespace
