// anarchy_main() on 10,000 random command lines (issue 13, 3.12), in-process: words drawn from
// the commands, their options, option values, file names and junk. None may crash, throw or
// end with a status of 128 or more (what the shell shows for a signal: 134 was an uncaught
// CLI::OptionNotFound), and a usage error (status 2) is one line on stderr.
//
// The programs it may run are tiny (a program that returns 0, one with a syntax error), so the
// cases that reach a command cost milliseconds. The seed is fixed; AIPROF_CLI_FUZZ_SEED and
// AIPROF_CLI_FUZZ_CASES change it and the number of cases. Each case has a time limit
// (kCaseSeconds): past it the test prints the command line and fails.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "anarchy_main.hpp"

namespace {

namespace fs = std::filesystem;

constexpr unsigned kCaseSeconds = 60;

// ---- the words command lines are drawn from (packed: clang-format is off for them) ----

// clang-format off

const std::vector<std::string> kCommands = {"run", "profile", "fmt", "report", "top", "foo",
                                            "RUN", "help", "", "-", "--", "--help", "--version"};
const std::vector<std::string> kReportCommands = {"diff", "merge"};
const std::vector<std::string> kOptions = {
    "--mode",   "--granularity", "--config", "--min-duration", "--clock",   "--compensate",
    "--rate",   "--native",      "--jitter", "--delivery",     "--max-stack", "--label",
    "-o",       "--output",      "-q",       "--quiet",        "--max-depth", "--seed",
    "--ascii",  "--symbolic",    "--format", "--json",         "--new",     "--force",
    "-h",       "--help",        "--version", "--",            "-",         "--bogus",
    "-x",       "-oout.json",    "--mode=exact", "--rate=abc", "--seed=",   "-o=",
    "---mode",  "--output=out.txt", "--label=k=v", "--help-all"};
const std::vector<std::string> kValues = {
    "exact", "sampling", "hybrid", "function", "expression", "module", "cpu", "wall", "thread",
    "signal", "auto", "text", "json", "html", "pprof", "folded", "chrome-trace", "speedscope",
    "0", "1", "2", "-1", "7", "250", "1e9", "100000", "1000001", "18446744073709551616", "nan",
    "inf", "-inf", "0x10", "10us", "2ms", "1s", "soon", "k=v", "=v", "nokey", "env=prod",
    "", " ", "=", "\t", "λ", "ƒ"};
const std::vector<std::string> kFiles = {
    "tiny.ai",       "syntax.ai",      "missing.ai",    "dir",          "report.json",
    "junk.json",     "config.toml",    "config.json",   "bad.toml",     "bad.json",
    "out.json",      "out.txt",        "out.html",      "out.pb.gz",    "out.folded",
    "out.trace.json", "out.speedscope.json", "out.xyz", "missing/out.json", "dir/out.json",
    "/dev/null",     ".",              "tiny.ai/x",     "-"};

// A junk word: random bytes, printable or not, sometimes long, sometimes dashed.
std::string junk(std::mt19937_64& rng) {
  std::uniform_int_distribution<int> length(0, rng() % 8 == 0 ? 300 : 12);
  std::uniform_int_distribution<int> byte(1, 255);  // argv words cannot hold a NUL
  std::string word(static_cast<size_t>(length(rng)), ' ');
  for (char& c : word) c = static_cast<char>(rng() % 2 ? byte(rng) : 'a' + rng() % 26);
  if (rng() % 3 == 0) word.insert(0, rng() % 2 ? "-" : "--");
  return word;
}

const std::string& pick(const std::vector<std::string>& words, std::mt19937_64& rng) {
  return words[rng() % words.size()];
}

// Options of run and profile with values they accept (and a few they refuse), so that many
// lines get as far as running the program.
const std::vector<std::vector<std::string>> kProfileSettings = {
    {"--mode", "exact"}, {"--mode", "sampling"}, {"--mode", "hybrid"},
    {"--granularity", "expression"}, {"--granularity", "module"}, {"--config", "config.toml"},
    {"--config", "config.json"}, {"--config", "bad.toml"}, {"--min-duration", "10us"},
    {"--clock", "wall"}, {"--clock", "cpu"}, {"--compensate"}, {"--rate", "5000"},
    {"--rate", "0"}, {"--native"}, {"--jitter"}, {"--delivery", "signal"},
    {"--delivery", "thread"}, {"--max-stack", "4"}, {"--label", "k=v"}, {"-o", "out.json"},
    {"-o", "out.html"}, {"-o", "out.trace.json"}, {"-o", "out.pb.gz"}, {"-o", "out.folded"},
    {"-o", "out.speedscope.json"}, {"-o", "out.txt"}, {"-q"}, {"--max-depth", "50"},
    {"--seed", "7"}};
// clang-format on

// A line shaped as a user would write it: COMMAND [OPTIONS] FILE [--] [ARGS].
std::vector<std::string> plausible_command_line(std::mt19937_64& rng) {
  std::vector<std::string> words = {rng() % 4 == 0 ? "run" : "profile"};
  for (size_t i = rng() % 5; i > 0; --i)
    for (const std::string& w : kProfileSettings[rng() % kProfileSettings.size()])
      words.push_back(w);
  words.push_back(rng() % 8 == 0 ? "syntax.ai" : "tiny.ai");
  if (rng() % 2) words.push_back("--");
  for (size_t i = rng() % 3; i > 0; --i)
    words.push_back(rng() % 2 ? pick(kOptions, rng) : pick(kValues, rng));
  return words;
}

// One random command line (without argv[0]): half of them plausible, the other half drawn
// from commands, options, values, files and junk, sometimes anything at all.
std::vector<std::string> random_command_line(std::mt19937_64& rng) {
  if (rng() % 2) return plausible_command_line(rng);
  std::vector<std::string> words;
  if (rng() % 10 != 0) words.push_back(pick(kCommands, rng));
  if (!words.empty() && words[0] == "report" && rng() % 2)
    words.push_back(pick(kReportCommands, rng));
  size_t count = rng() % 8;
  for (size_t i = 0; i < count; ++i) {
    uint64_t roll = rng() % 10;  // 3 in 10 an option, 2 a value, 3 a file, 1 a pair, 1 junk
    if (roll < 3) {
      words.push_back(pick(kOptions, rng));
    } else if (roll < 5) {
      words.push_back(pick(kValues, rng));
    } else if (roll < 8) {
      words.push_back(pick(kFiles, rng));
    } else if (roll < 9) {
      words.push_back(pick(kOptions, rng));
      words.push_back(pick(kValues, rng));
    } else {
      words.push_back(junk(rng));
    }
  }
  // Most lines that name a program end with a usable one, as real lines do.
  if (rng() % 3 == 0) words.push_back("tiny.ai");
  return words;
}

std::string shown(const std::vector<std::string>& words) {
  std::string text = "anarchy";
  for (const std::string& w : words) text += " '" + w + "'";
  return text;
}

// ---- one case: anarchy_main with stdout to /dev/null, stderr captured, a time limit ----

char g_case_text[8192];
int g_saved_stderr = -1;

// Async-signal-safe: writes the pre-formatted case and ends the process.
void on_time_limit(int) {
  const char prefix[] = "command_line_fuzz_test: a case ran past its time limit: ";
  [[maybe_unused]] ssize_t n = ::write(g_saved_stderr, prefix, sizeof prefix - 1);
  n = ::write(g_saved_stderr, g_case_text, std::strlen(g_case_text));
  n = ::write(g_saved_stderr, "\n", 1);
  ::_exit(1);
}

struct CaseResult {
  int status;
  std::string err;
};

class Redirected {
 public:
  explicit Redirected(const fs::path& err_file) {
    std::fflush(stdout);
    std::fflush(stderr);
    saved_out_ = ::dup(1);
    saved_err_ = ::dup(2);
    saved_in_ = ::dup(0);
    g_saved_stderr = saved_err_;
    null_ = ::open("/dev/null", O_RDWR);
    err_ = ::open(err_file.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
    ::dup2(null_, 0);
    ::dup2(null_, 1);
  }
  ~Redirected() {
    std::fflush(stdout);
    std::fflush(stderr);
    ::dup2(saved_out_, 1);
    ::dup2(saved_err_, 2);
    ::dup2(saved_in_, 0);
    for (int fd : {saved_out_, saved_err_, saved_in_, null_, err_}) ::close(fd);
  }
  // Runs one case with a fresh, empty stderr file.
  CaseResult run(const std::vector<std::string>& words) {
    std::snprintf(g_case_text, sizeof g_case_text, "%s", shown(words).c_str());
    ::ftruncate(err_, 0);
    ::lseek(err_, 0, SEEK_SET);
    ::dup2(err_, 2);
    std::vector<const char*> argv = {"anarchy"};
    for (const std::string& w : words) argv.push_back(w.c_str());
    argv.push_back(nullptr);
    ::alarm(kCaseSeconds);
    int status;
    std::string escaped;  // an exception out of anarchy_main: the binary would abort (134)
    try {
      status = anarchy::cli::anarchy_main(static_cast<int>(words.size() + 1), argv.data());
    } catch (const std::exception& e) {
      status = 134;
      escaped = std::string("uncaught exception: ") + e.what() + "\n";
    }
    ::alarm(0);
    std::fflush(stdout);
    std::fflush(stderr);
    return {status, read_all() + escaped};
  }

 private:
  std::string read_all() const {
    std::string text;
    char buf[4096];
    ::lseek(err_, 0, SEEK_SET);
    for (ssize_t n; (n = ::read(err_, buf, sizeof buf)) > 0;)
      text.append(buf, static_cast<size_t>(n));
    return text;
  }
  int saved_out_, saved_err_, saved_in_, null_, err_;
};

// The lines of `err` that are not warnings.
std::vector<std::string> error_lines(const std::string& err) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < err.size()) {
    size_t end = err.find('\n', start);
    if (end == std::string::npos) end = err.size();
    std::string line = err.substr(start, end - start);
    if (line.find(": warning: ") == std::string::npos) lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

class CommandLineFuzz : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = fs::current_path();
    dir_ = fs::temp_directory_path() / ("aiprof_cli_fuzz_" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "dir");
    fs::current_path(dir_);
    write("tiny.ai", "m{ main(){ return 0; } }\n");
    write("syntax.ai", "m{ main(){ return 0 +; } }\n");
    write("junk.json", "{\"schema_version\": 2, \"session\": [");
    write("config.toml", "mode = \"exact\"\n[output]\nmax_call_stack_depth = 3\n");
    write("config.json", "{\"sampling\": {\"rate\": 2000}}");
    write("bad.toml", "[time_profiling\n");
    write("bad.json", "{\"mode\": 3}");
    CaseResult made;
    {
      Redirected io(dir_ / "setup.err");
      made = io.run({"profile", "--mode", "exact", "-q", "-o", "report.json", "tiny.ai"});
    }
    ASSERT_EQ(made.status, 0) << made.err;
  }
  void TearDown() override {
    fs::current_path(home_);
    fs::remove_all(dir_);
  }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name) << text;
  }

  fs::path home_, dir_;
};

unsigned long long from_env(const char* name, unsigned long long otherwise) {
  const char* text = std::getenv(name);
  return text ? std::strtoull(text, nullptr, 10) : otherwise;
}

TEST_F(CommandLineFuzz, NoCommandLineCrashesAndUsageErrorsAreOneLine) {
  const unsigned long long seed = from_env("AIPROF_CLI_FUZZ_SEED", 20261203);
  const unsigned long long cases = from_env("AIPROF_CLI_FUZZ_CASES", 10000);
  struct sigaction limit = {};
  limit.sa_handler = on_time_limit;
  ::sigaction(SIGALRM, &limit, nullptr);
  std::mt19937_64 rng(seed);
  std::map<int, unsigned> statuses;
  std::vector<std::string> failures;
  {
    Redirected io(dir_ / "case.err");
    for (unsigned long long i = 0; i < cases && failures.size() < 20; ++i) {
      std::vector<std::string> words = random_command_line(rng);
      CaseResult r = io.run(words);
      ++statuses[r.status];
      if (r.status < 0 || r.status >= 128)
        failures.push_back(shown(words) + ": status " + std::to_string(r.status) + "\n" + r.err);
      else if (r.status == 2 && error_lines(r.err).size() != 1)
        failures.push_back(shown(words) + ": a usage error of " +
                           std::to_string(error_lines(r.err).size()) + " lines:\n" + r.err);
    }
  }
  ::signal(SIGALRM, SIG_DFL);
  std::string summary;
  for (auto [status, count] : statuses)
    summary += " " + std::to_string(status) + ":" + std::to_string(count);
  std::printf("seed %llu, %llu cases, by exit status:%s\n", seed, cases, summary.c_str());
  for (const std::string& f : failures) ADD_FAILURE() << f;
  // The generator must reach both sides: lines refused, and lines that ran a command.
  EXPECT_GT(statuses[2], cases / 10) << summary;
  EXPECT_GT(statuses[0], cases / 20) << summary;
}

}  // namespace
