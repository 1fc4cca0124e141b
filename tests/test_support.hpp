// Helpers the tests share: reading a captured stream, running the real `anarchy` binary.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace test_support {

// What a run of the binary left: its status and both streams.
struct Result {
  int status = -1;
  std::string out;
  std::string err;
};

// The whole file ("" when it cannot be read).
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Everything written to f (a tmpfile), then closes it.
inline std::string slurp(FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  std::fclose(f);
  return text;
}

// Runs `anarchy ARGS` through the shell in folder `cwd`, its streams captured in `capture`'s
// stdout.txt and stderr.txt (real files, as a user's shell gives them). ANARCHY_BIN is a compile
// definition of the tests. A run that did not exit (a crash) has status -1.
inline Result run_anarchy(const std::filesystem::path& cwd, const std::filesystem::path& capture,
                          const std::string& args) {
  std::string command = "cd '" + cwd.string() + "' && '" + ANARCHY_BIN + "' " + args + " >'" +
                        (capture / "stdout.txt").string() + "' 2>'" +
                        (capture / "stderr.txt").string() + "'";
  int raw = std::system(command.c_str());
  Result r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = read_file(capture / "stdout.txt");
  r.err = read_file(capture / "stderr.txt");
  return r;
}

struct ShellOutcome {
  int status;
  std::string output;  // stdout and stderr together
};

// Runs `anarchy ARGS` through the shell (ANARCHY_BIN is a compile definition of the tests).
inline ShellOutcome shell(const std::string& args) {
  std::string cmd = std::string(ANARCHY_BIN) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string text;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) text.append(buf.data(), n);
  int raw = pclose(p);
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw), text};
}

}  // namespace test_support
