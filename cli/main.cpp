// The `anarchy` command: the process around anarchy_main() (anarchy_main.cpp).
#include <unistd.h>

#include <cstdio>
#include <string>

#include "aiprof/sampler/namer_process.hpp"
#include "anarchy_main.hpp"

namespace {

// argv[1] of the helper process that names native PCs (not a subcommand: never shown).
constexpr const char* kNamerArgument = "__aiprof-namer";

}  // namespace

int main(int argc, char** argv) {
  // The helper process that names native PCs for --native (aiprof/sampler/namer_process.hpp).
  if (argc == 2 && std::string(argv[1]) == kNamerArgument)
    return aiprof::sampler::run_namer_server(STDIN_FILENO, STDOUT_FILENO);
  aiprof::sampler::enable_namer_process("/proc/self/exe", {kNamerArgument});
  // Programs print a lot in small pieces: fully buffered stdout (flushed at exit and before
  // every report and error the interpreter writes).
  static char buffer[1 << 16];
  std::setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
  return anarchy::cli::anarchy_main(argc, argv);
}
