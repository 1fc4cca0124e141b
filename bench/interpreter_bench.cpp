// Micro-benchmarks of the interpreter through its library API: the four workloads of
// bench/workloads at small sizes, plus start-up. Whole-process comparisons against CPython and
// Lua are bench/compare.py; this is for comparing two builds of ours quickly.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>

#include "anarchy/interpreter/interpreter.hpp"

namespace {

struct Job {
  const char* source;
  int status;
};

int run_job(void* p) {
  auto* job = static_cast<Job*>(p);
  static FILE* null = std::fopen("/dev/null", "w");
  anarchy::RunOptions options;
  options.out = null;
  anarchy::Interpreter interp(options);
  job->status = interp.run_source(job->source, "bench.ai");
  return job->status;
}

void run_program(benchmark::State& state, const char* source) {
  for (auto _ : state) {
    Job job{source, 0};
    anarchy::run_with_large_stack(10000, run_job, &job);
    if (job.status != 0) state.SkipWithError("program failed");
  }
}

const char* kFib = "m{ fib(n){ if (n < 2) return n; return fib(n - 1) + fib(n - 2); }"
                   " main(){ print(fib(20)); } }";
const char* kLoop = "m{ main(){ acc = 0; s = 0; for (i = 0; i < 200000; i++) {"
                    " acc = (acc * 31 + i % 17) % 1000003; s = s + acc % 7; } print(acc, s); } }";
const char* kStrings = "m{ main(){ s = \"\"; for (i = 0; i < 20000; i++) { s += str(i) + \",\"; }"
                       " parts = s.split(\",\"); print(len(s), len(parts), parts.join(\"-\").length); } }";
const char* kChurn = "m{ main(){ stack = []; total = 0; for (i = 0; i < 50000; i++) {"
                     " stack.push({id: i, x: i % 100, tags: [i % 3]});"
                     " if (stack.length >= 50) { while (stack.length > 10) { p = stack.pop();"
                     " total = (total + p.x + p.tags[0]) % 1000003; } } } print(total); } }";
const char* kEmpty = "m{ main(){ } }";

void BM_Fib(benchmark::State& s) { run_program(s, kFib); }
void BM_Loop(benchmark::State& s) { run_program(s, kLoop); }
void BM_Strings(benchmark::State& s) { run_program(s, kStrings); }
void BM_Churn(benchmark::State& s) { run_program(s, kChurn); }
void BM_Startup(benchmark::State& s) { run_program(s, kEmpty); }

BENCHMARK(BM_Fib)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Loop)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Strings)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Churn)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Startup)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
