// A bare runner for the disabled-hooks check (tests/disabled_hooks_callgrind.py): runs one
// program file through the interpreter and nothing else, so the two builds of it (hook sites
// compiled in and out, tests/CMakeLists.txt) differ in the hook sites alone.
#include <cstdio>

#include "anarchy/interpreter/interpreter.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s PROGRAM.ai\n", argv[0]);
    return 2;
  }
  anarchy::Interpreter interp(anarchy::RunOptions{});
  return interp.run_file(argv[1]);
}
