// The `anarchy` binary as a user meets it: flags, missing files, exit statuses.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace {

struct Outcome {
  int status;
  std::string output;  // stdout and stderr together
};

Outcome shell(const std::string& args) {
  std::string cmd = std::string(ANARCHY_BIN) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string text;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) text.append(buf.data(), n);
  int raw = pclose(p);
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw), text};
}

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
