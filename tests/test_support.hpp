// Helpers the tests share: reading a captured stream, running the real `anarchy` binary.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

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

// Where a run's stderr goes: a stream of its own (Result::err), or into stdout (Result::out, as
// `2>&1` interleaves them; err stays empty).
enum class Streams { Separate, Merged };

// The one way the tests run the `anarchy` binary: `anarchy ARGS` through the shell (so ARGS may
// quote and substitute as a user's shell does), in folder `cwd`, its streams captured in
// `capture`'s stdout.txt and stderr.txt (real files, as a user's shell gives them). ANARCHY_BIN
// is a compile definition of the tests. A run killed by a signal has status 128 + its number,
// as the shell reports it.
inline Result run_anarchy(const std::filesystem::path& cwd, const std::filesystem::path& capture,
                          const std::string& args, Streams streams = Streams::Separate) {
  std::filesystem::path out = capture / "stdout.txt", err = capture / "stderr.txt";
  std::string command = "cd '" + cwd.string() + "' && '" + ANARCHY_BIN + "' " + args + " >'" +
                        out.string() + "' " +
                        (streams == Streams::Merged ? "2>&1" : "2>'" + err.string() + "'");
  int raw = std::system(command.c_str());
  Result r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
  r.out = read_file(out);
  if (streams == Streams::Separate) r.err = read_file(err);
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return r;
}

// `anarchy ARGS` run from this process's folder, stdout and stderr together in Result::out
// (for tests that pass absolute paths and care about what the user sees, not which stream).
inline Result shell(const std::string& args) {
  std::filesystem::path capture = std::filesystem::temp_directory_path() /
                                  ("aiprof_shell_" + std::to_string(::getpid()));
  std::filesystem::create_directories(capture);
  Result r = run_anarchy(std::filesystem::current_path(), capture, args, Streams::Merged);
  std::filesystem::remove(capture);
  return r;
}

}  // namespace test_support
