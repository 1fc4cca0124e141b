// The `anarchy` command: run Anarchy Inference programs (profiling subcommands join later).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "anarchy/interpreter/interpreter.hpp"

namespace {

constexpr const char* kVersion = "0.1.0";
constexpr int kExitUsage = 2;

struct RunRequest {
  std::string file;
  anarchy::RunOptions options;
  int status = 0;
};

int run_program(void* p) {
  auto* req = static_cast<RunRequest*>(p);
  anarchy::Interpreter interp(req->options);
  return interp.run_file(req->file);
}

// Parse errors are one line on stderr and exit status 2.
int usage_error(const std::string& message) {
  std::fprintf(stderr, "anarchy: %s (see 'anarchy --help')\n", message.c_str());
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"anarchy: the Anarchy Inference interpreter and profiler", "anarchy"};
  app.set_version_flag("--version", std::string("anarchy ") + kVersion);
  app.require_subcommand(1);

  RunRequest req;
  uint32_t max_depth = req.options.max_depth;
  uint64_t seed = req.options.seed;
  CLI::App* run = app.add_subcommand("run", "Run a program: anarchy run FILE [ARGS...]");
  run->add_option("--max-depth", max_depth, "Guest call depth limit (RangeError beyond it)")
      ->check(CLI::Range(1u, 1000000u))
      ->capture_default_str();
  run->add_option("--seed", seed, "Seed of Math.random")->capture_default_str();
  run->add_option("file", req.file, "The program (.ai)")->required();
  run->prefix_command();  // everything after FILE belongs to the program

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return usage_error(e.what());
  }

  req.options.max_depth = max_depth;
  req.options.seed = seed;
  req.options.args = run->remaining();
  static char buffer[1 << 16];
  std::setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
  return anarchy::run_with_large_stack(max_depth, run_program, &req);
}
