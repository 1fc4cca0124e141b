// How long report::add_samples takes to turn a sampler's stack trie into the Profile's call
// tree (issue 14, 2: one top-down pass, linear in trie nodes). Deep stacks are the case a
// per-leaf walk to the root made quadratic: `depth` frames of recursion, `width` leaves.
#include <benchmark/benchmark.h>

#include <vector>

#include "aiprof/report/from_samples.hpp"

namespace {

namespace sam = aiprof::sampler;
namespace rep = aiprof::report;

// `width` stacks sharing a recursion `depth` frames deep, each ending in a leaf of its own
// (with every frame along the way sampled too).
sam::SampledSession deep_session(uint32_t depth, uint32_t width) {
  sam::SampledSession s;
  std::vector<uint32_t> stack;
  for (uint32_t d = 0; d < depth; ++d) {
    stack.push_back(d % 7);
    s.stacks.add(stack.data(), static_cast<uint32_t>(stack.size()), nullptr, 0, 1);
  }
  for (uint32_t w = 0; w < width; ++w) {
    stack.push_back(100 + w);
    s.stacks.add(stack.data(), static_cast<uint32_t>(stack.size()), nullptr, 0, 1);
    stack.pop_back();
  }
  return s;
}

void BM_AddSamples(benchmark::State& state) {
  sam::SampledSession s =
      deep_session(static_cast<uint32_t>(state.range(0)), static_cast<uint32_t>(state.range(1)));
  for (auto _ : state) {
    rep::Profile p;
    rep::add_samples(p, s, rep::SampleNaming{nullptr, nullptr, false});
    benchmark::DoNotOptimize(p.nodes.data());
  }
  state.counters["trie_nodes"] = static_cast<double>(s.stacks.nodes().size());
}
BENCHMARK(BM_AddSamples)->Args({100, 1000})->Args({1000, 1000})->Args({5000, 2000})
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
