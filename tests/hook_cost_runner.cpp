// A bare runner for the disabled-hooks check (tests/disabled_hooks_callgrind.py): runs one
// program file through the interpreter and nothing else, so the two builds of it (hook sites
// compiled in and out, tests/CMakeLists.txt) differ in the hook sites alone. With
// `--heap-rate N` first, allocation sampling runs at N bytes (bench/heap_sampling_cost.py).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "aiprof/instrumentation/heap_samples.hpp"
#include "anarchy/interpreter/interpreter.hpp"

int main(int argc, char** argv) {
  unsigned long long heap_rate = 0;
  if (argc == 4 && std::strcmp(argv[1], "--heap-rate") == 0) {
    heap_rate = std::strtoull(argv[2], nullptr, 10);
    argv += 2, argc -= 2;
  }
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s [--heap-rate BYTES] PROGRAM.ai\n", argv[0]);
    return 2;
  }
  anarchy::Interpreter interp(anarchy::RunOptions{});
  if (heap_rate)
    interp.heap().start_allocation_sampling(
        std::make_shared<aiprof::instrumentation::HeapSampleTable>(heap_rate), &interp.frames());
  return interp.run_file(argv[1]);
}
