// The `anarchy` binary as a user meets it: flags, missing files, exit statuses.
#include <gtest/gtest.h>

#include "test_support.hpp"

#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace {

using Outcome = test_support::Result;
using test_support::shell;

std::string example(const char* name) { return std::string(AIPROF_SOURCE_DIR) + "/" + name; }

TEST(Cli, RunsAnExample) {
  Outcome o = shell("run " + example("examples/demo.ai"));
  EXPECT_EQ(o.status, 0) << o.out;
  EXPECT_NE(o.out.find("fib(22) = 17711"), std::string::npos) << o.out;
}

TEST(Cli, UnknownFlagIsAOneLineUsageError) {
  Outcome o = shell("run --frobnicate " + example("examples/demo.ai"));
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.out.find("--frobnicate"), std::string::npos);
  EXPECT_EQ(o.out.find('\n'), o.out.size() - 1) << o.out;
}

TEST(Cli, MissingFileIsAOneLineError) {
  Outcome o = shell("run /no/such/file.ai");
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.out.find("cannot read '/no/such/file.ai'"), std::string::npos) << o.out;
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
  EXPECT_NE(v.out.find("anarchy"), std::string::npos);
}

TEST(Cli, ArgumentsAfterTheFileGoToTheProgram) {
  Outcome o = shell("run " + example("examples/args.ai") + " --max-depth 3 x");
  EXPECT_EQ(o.status, 2) << o.out;  // main returns len(args)
  EXPECT_NE(o.out.find("[\"--max-depth\", \"3\", \"x\"]"), std::string::npos) << o.out;
}

// ---- issue 13 (3.12): a mistyped command was an uncaught CLI::OptionNotFound, status 134 ----

// A usage error: status 2 and one line, naming `says`.
void expect_one_line_usage_error(const std::string& args, const std::string& says) {
  Outcome o = shell(args);
  EXPECT_EQ(o.status, 2) << args << "\n" << o.out;
  EXPECT_EQ(o.out.find('\n'), o.out.size() - 1) << args << "\n" << o.out;
  EXPECT_NE(o.out.find(says), std::string::npos) << args << "\n" << o.out;
}

TEST(Cli, AMistypedCommandIsAOneLineUsageError) {
  expect_one_line_usage_error("foo", "'foo' is not a command (the commands: run, profile, fmt, report)");
  expect_one_line_usage_error("top " + example("examples/demo.ai"), "'top' is not a command");
  expect_one_line_usage_error("", "give a command");
  expect_one_line_usage_error("--frob run x.ai", "--frob");
  expect_one_line_usage_error("--frob", "unknown option '--frob'");
}

TEST(Cli, ALineBreakInAWordStaysOneLine) {
  // (the runner's shell is sh: printf makes the line break.)
  expect_one_line_usage_error("run \"$(printf 'no\\nsuch.ai')\"", "cannot read 'no\\nsuch.ai'");
  expect_one_line_usage_error("\"$(printf 'fo\\no')\"", "'fo\\no' is not a command");
}

// ---- issue 19 (1): `--` separates, and our options after FILE are not silently lost ----

TEST(Cli, TheFirstDoubleDashAfterTheFileIsNotPassedOn) {
  Outcome o = shell("run " + example("examples/args.ai") + " -- 5");
  EXPECT_EQ(o.status, 0) << o.out;  // one argument
  EXPECT_EQ(o.out, "[\"5\"]\n");
  Outcome twice = shell("run " + example("examples/args.ai") + " -- -- 5");
  EXPECT_EQ(twice.out, "[\"--\", \"5\"]\n");  // only the first separates
}

TEST(Cli, OwnOptionsAfterTheFileAreNamedInAWarning) {
  Outcome o = shell("run " + example("examples/args.ai") + " --seed 3");
  EXPECT_EQ(o.status, 1) << o.out;  // they still reach the program
  EXPECT_NE(o.out.find("anarchy run: warning: '--seed' after FILE is passed to the program"),
            std::string::npos)
      << o.out;
  // Written after `--`, they are meant for the program: no warning.
  Outcome meant = shell("run " + example("examples/args.ai") + " -- --seed 3");
  EXPECT_EQ(meant.out, "[\"--seed\", \"3\"]\n");
}

TEST(Cli, FmtWantsItsOptionsBeforeTheFile) {
  Outcome o = shell("fmt --symbolic " + example("examples/args.ai"));
  EXPECT_EQ(o.status, 0) << o.out;
  EXPECT_NE(o.out.find("λm"), std::string::npos) << o.out;
  // After FILE: one error line, no warning besides it.
  expect_one_line_usage_error("fmt " + example("examples/args.ai") + " --symbolic",
                              "anarchy fmt: takes one FILE, options before it");
  expect_one_line_usage_error("fmt --ascii " + example("examples/args.ai") + " extra",
                              "takes one FILE");
}

TEST(Cli, HelpShowsWhereTheProgramsArgumentsGo) {
  for (const char* command : {"run", "profile"}) {
    Outcome o = shell(std::string(command) + " --help");
    EXPECT_EQ(o.status, 0);
    EXPECT_NE(o.out.find("FILE [--] [ARGS...]"), std::string::npos) << o.out;
  }
}

}  // namespace
