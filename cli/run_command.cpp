#include <cstdio>
#include <memory>
#include <string>

#include "anarchy/interpreter/interpreter.hpp"
#include "commands.hpp"
#include "messages.hpp"

namespace anarchy::cli {

namespace {

struct RunRequest {
  std::string file;
  uint32_t max_depth = RunOptions{}.max_depth;
  uint64_t seed = RunOptions{}.seed;
  std::vector<std::string> args;
};

int run_program(void* p) {
  auto* req = static_cast<RunRequest*>(p);
  RunOptions options;
  options.max_depth = req->max_depth;
  options.seed = req->seed;
  options.args = req->args;
  Interpreter interp(options);
  RunResult result = interp.execute_file(req->file);
  if (result.error) std::fwrite(result.error->report.data(), 1, result.error->report.size(), stderr);
  return exit_status(result);
}

}  // namespace

Action add_run_command(CLI::App& app) {
  auto req = std::make_shared<RunRequest>();
  CLI::App* run = app.add_subcommand("run", "Run a program: anarchy run [options] FILE [--] [ARGS...]; options go before FILE, "
      "every word after it (but a first '--') to the program");
  run->add_option("--max-depth", req->max_depth, "Guest call depth limit (RangeError beyond it)")
      ->check(CLI::Range(1u, 1000000u))
      ->capture_default_str();
  run->add_option("--seed", req->seed, "Seed of Math.random")->capture_default_str();
  run->add_option("file", req->file, "The program (.ai)")->required();
  return [req]() {
    if (std::string problem = program_file_problem(req->file); !problem.empty()) {
      print_message("anarchy run", problem);
      return kExitUsage;
    }
    req->args = program_arguments();
    return run_with_large_stack(req->max_depth, run_program, req.get());
  };
}

}  // namespace anarchy::cli
