// Exact mode end to end in one process: guest programs run with an ExactObserver attached,
// and the resulting Profile must count calls exactly, split self time in the shares the
// programs' work is split in, and have memory figures that add up against the heap's own.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "aiprof/instrumentation/exact_observer.hpp"
#include "aiprof/report/from_exact.hpp"
#include "anarchy/interpreter/interpreter.hpp"

namespace anarchy {
namespace {

namespace inst = aiprof::instrumentation;
namespace rep = aiprof::report;

struct ExactRun {
  int status = 0;
  rep::Profile profile;
  uint64_t heap_live_bytes = 0;       // the heap's own count at the end
  uint64_t heap_blocks_at_start = 0;  // allocations - deallocations by the heap's statistics
  uint64_t heap_blocks_at_end = 0;
};

uint64_t live_blocks(const Heap& heap) {
  return heap.stats().allocations - heap.stats().deallocations;
}

// Runs `path` (or `source` as if read from it) under the exact profiler.
ExactRun profile_program(const std::string& path, const std::string* source,
                         inst::ProfilerConfig config = {}) {
  RunOptions options;
  options.out = std::fopen("/dev/null", "w");
  ExactRun run;
  {
    Interpreter interp(options);
    inst::Profiler profiler(config);
    inst::ExactObserver observer(profiler,
                                 {&interp.functions(), &interp.variable_names(), node_kind_name});
    profiler.start_session("test");
    profiler.memory().set_baseline(interp.heap().live_bytes());
    run.heap_blocks_at_start = live_blocks(interp.heap());
    observer.attach();
    run.status = source ? interp.run_source(*source, path) : interp.run_file(path);
    observer.detach();
    run.heap_live_bytes = interp.heap().live_bytes();
    run.heap_blocks_at_end = live_blocks(interp.heap());
    inst::HeapSnapshot snapshot;
    snapshot.taken = true;
    snapshot.live_bytes = interp.heap().live_bytes();
    snapshot.live_objects = interp.heap().live_objects();
    for (size_t k = 0; k < kObjKinds; ++k)
      snapshot.live_objects_by_type[k] =
          interp.heap().stats().objects_created[k] - interp.heap().stats().objects_freed[k];
    profiler.memory().set_heap_snapshot(snapshot);
    run.profile = rep::profile_from_session(profiler.end_session(), {path, run.status, {}});
  }
  std::fclose(options.out);
  return run;
}

ExactRun profile_source(const std::string& source, inst::ProfilerConfig config = {}) {
  return profile_program("test.ai", &source, config);
}

// Totals of the frame named `name` over the whole tree (recursion counted once).
rep::FunctionTotal total_of(const rep::Profile& p, const std::string& name) {
  for (const rep::FunctionTotal& t : rep::function_totals(p))
    if (p.frames[t.frame].name == name) return t;
  return {};
}

bool has_frame(const rep::Profile& p, const std::string& name, rep::FrameKind kind) {
  for (const rep::Frame& f : p.frames)
    if (f.name == name && f.kind == kind) return true;
  return false;
}

uint64_t fib(uint64_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

const char* kFibProgram = R"(m{
  fib(n){
    if (n < 2) return n;
    return fib(n - 1) + fib(n - 2);
  }
  main(args){ return fib(Number(args[0])) % 256; }
})";

TEST(ExactModeTest, RecursiveFibCallCountsAreExact) {
  for (uint64_t n : {1u, 2u, 5u, 10u, 15u, 20u}) {
    std::string source = std::string(kFibProgram);
    // main(args) takes n from the arguments; run_source passes RunOptions::args, so put n in.
    source.replace(source.find("Number(args[0])"), 15, std::to_string(n));
    ExactRun run = profile_source(source);
    ASSERT_EQ(run.status, static_cast<int>(fib(n) % 256)) << "n = " << n;
    uint64_t expected = 2 * fib(n + 1) - 1;
    EXPECT_EQ(total_of(run.profile, "m.fib").calls, expected) << "n = " << n;
    EXPECT_EQ(total_of(run.profile, "m.main").calls, 1u);
    EXPECT_EQ(run.profile.operations.calls_by_function["m.fib"], expected) << "n = " << n;
  }
}

TEST(ExactModeTest, RecursiveInclusiveTimeIsNotCountedTwice) {
  std::string source = kFibProgram;
  source.replace(source.find("Number(args[0])"), 15, "18");
  ExactRun run = profile_source(source);
  rep::FunctionTotal fib_total = total_of(run.profile, "m.fib");
  rep::FunctionTotal main_total = total_of(run.profile, "m.main");
  EXPECT_GT(fib_total.inclusive_ns, 0u);
  EXPECT_LE(fib_total.inclusive_ns, main_total.inclusive_ns);
  EXPECT_LE(main_total.inclusive_ns, run.profile.duration_ns);
}

// a, b and c run the same loop body 1, 2 and 3 times as often, interleaved in rounds so
// that noise from the machine falls on all three alike. On a loaded machine a wall clock
// charges a descheduled function for the wait (whole time slices land on one function), so
// this uses the CPU clock, and the median of several runs.
TEST(ExactModeTest, SelfTimesComeOutInTheSharesOfTheWork) {
  const char* source = R"(m{
    a(n){ s = 0; for (i = 0; i < n; i++) { s = s + i % 7; } return s; }
    b(n){ s = 0; for (i = 0; i < n; i++) { s = s + i % 7; } return s; }
    c(n){ s = 0; for (i = 0; i < n; i++) { s = s + i % 7; } return s; }
    main(){
      for (r = 0; r < 300; r++) { a(300); b(600); c(900); }
      return 0;
    }
  })";
  constexpr int kRuns = 3;
  std::vector<double> shares[3];
  inst::ProfilerConfig config;
  config.time_profiling.clock = inst::TimeClock::Cpu;
  for (int run = 0; run < kRuns; ++run) {
    rep::Profile p = profile_source(source, config).profile;
    double self[3] = {static_cast<double>(total_of(p, "m.a").self_ns),
                      static_cast<double>(total_of(p, "m.b").self_ns),
                      static_cast<double>(total_of(p, "m.c").self_ns)};
    double all = self[0] + self[1] + self[2];
    ASSERT_GT(all, 0);
    for (int f = 0; f < 3; ++f) shares[f].push_back(self[f] / all);
  }
  for (int f = 0; f < 3; ++f) {
    std::sort(shares[f].begin(), shares[f].end());
    EXPECT_NEAR(shares[f][kRuns / 2], (f + 1) / 6.0, 0.03) << "function "
                                                           << "abc"[f];
  }
}

const char* kKeepProgram = R"(m{
  keep = [];
  main(){
    for (i = 0; i < 1000; i++) {
      t = [i, i + 1];
      o = {v: t};
      if (i % 10 == 0 && KEEP) keep.push(o);
    }
    big = [];
    for (i = 0; i < 100000; i++) big.push(i);
    big = null;
    return 0;
  }
})";

ExactRun profile_keep_program(bool keep) {
  std::string source = kKeepProgram;
  source.replace(source.find("KEEP"), 4, keep ? "true" : "false");
  return profile_source(source);
}

TEST(ExactModeTest, MemoryFiguresAddUpAgainstTheHeap) {
  ExactRun run = profile_keep_program(true);
  const rep::MemoryMetrics& m = run.profile.memory;
  ASSERT_EQ(run.status, 0);
  // Bytes: what was live at the start, plus allocated, minus freed, is what the heap holds.
  uint64_t live_at_start = m.heap_bytes.front().value;
  EXPECT_EQ(live_at_start + m.total_allocation_bytes - m.total_deallocation_bytes,
            run.heap_live_bytes);
  EXPECT_EQ(m.live_bytes_at_end, run.heap_live_bytes);
  // Blocks: allocations - deallocations counted by the hooks = the heap's own count.
  EXPECT_EQ(m.total_allocations - m.total_deallocations,
            run.heap_blocks_at_end - run.heap_blocks_at_start);
  uint64_t by_type = 0;
  for (const auto& [type, count] : m.live_objects_by_type) by_type += count;
  EXPECT_EQ(by_type, m.live_objects_at_end);
}

TEST(ExactModeTest, LiveObjectsAreExactlyWhatTheProgramKept) {
  ExactRun kept = profile_keep_program(true);
  ExactRun dropped = profile_keep_program(false);
  // 100 objects kept, each holding one array.
  EXPECT_EQ(kept.profile.memory.live_objects_at_end - dropped.profile.memory.live_objects_at_end,
            200u);
  EXPECT_EQ(kept.profile.memory.live_objects_by_type["object"] -
                dropped.profile.memory.live_objects_by_type["object"],
            100u);
  EXPECT_EQ(kept.profile.memory.live_objects_by_type["array"] -
                dropped.profile.memory.live_objects_by_type["array"],
            100u);
  EXPECT_GE(kept.profile.memory.objects_by_type["object"], 1000u);
}

TEST(ExactModeTest, PeakIsAtLeastLiveAtEveryPoint) {
  ExactRun run = profile_keep_program(true);
  const rep::MemoryMetrics& m = run.profile.memory;
  EXPECT_GE(m.peak_memory_bytes, m.live_bytes_at_end);
  for (const rep::TimeSeriesPoint& point : m.heap_bytes)
    EXPECT_GE(static_cast<double>(m.peak_memory_bytes), point.value);
  // The 100000-number array (16 bytes a value) was alive at one point and is gone at the end.
  EXPECT_GE(m.peak_memory_bytes, m.live_bytes_at_end + 100000u * 16u);
}

TEST(ExactModeTest, CyclicGarbageIsReclaimedByTheCycleCollector) {
  const char* cyclic = R"(m{ main(){
    for (i = 0; i < 50000; i++) { a = {}; b = {p: a}; a.q = b; }
    return 0;
  } })";
  const char* acyclic = R"(m{ main(){
    for (i = 0; i < 50000; i++) { a = {}; b = {p: a}; }
    return 0;
  } })";
  ExactRun run = profile_source(cyclic);
  const rep::MemoryMetrics& m = run.profile.memory;
  EXPECT_GE(m.gc_collections, 1u);
  EXPECT_GE(m.gc_reclaimed_objects, 20000u);
  EXPECT_GT(m.gc_reclaimed_bytes, 0u);
  EXPECT_EQ(total_of(run.profile, "<gc>").calls, m.gc_collections);  // each collection is a span
  EXPECT_EQ(profile_source(acyclic).profile.memory.gc_reclaimed_objects, 0u);
}

TEST(ExactModeTest, AllocationsAreChargedToTheFunctionThatMadeThem) {
  const char* source = R"(m{
    make(){ r = []; for (i = 0; i < 300; i++) r.push([i]); return r; }
    main(){ x = make(); return 0; }
  })";
  ExactRun run = profile_source(source);
  uint64_t in_make = 0;
  for (const rep::CallNode& n : run.profile.nodes)
    if (run.profile.frames[n.frame].name == "m.make") in_make += n.alloc_count;
  EXPECT_GE(in_make, 300u);
}

class ExactModeFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("aiprof_exact_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "lib.ai") << "util{ twice(x){ return x * 2; } }\n";
    std::ofstream(dir_ / "main.ai") << "import \"lib.ai\";\nm{\n  base = util.twice(4);\n"
                                       "  main(){ return util.twice(base); }\n}\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const char* name) const { return (dir_ / name).string(); }
  std::filesystem::path dir_;
};

TEST_F(ExactModeFilesTest, ModuleLoadingAndImportsAreSpans) {
  ExactRun run = profile_program(path("main.ai"), nullptr);
  ASSERT_EQ(run.status, 16);
  EXPECT_TRUE(has_frame(run.profile, "m.<init>", rep::FrameKind::Module));
  EXPECT_TRUE(has_frame(run.profile, "import " + path("lib.ai"), rep::FrameKind::Import));
  EXPECT_EQ(total_of(run.profile, "util.twice").calls, 2u);
}

TEST_F(ExactModeFilesTest, ModuleGranularityHasNoFunctionSpans) {
  inst::ProfilerConfig config;
  config.granularity = inst::Granularity::Module;
  ExactRun run = profile_program(path("main.ai"), nullptr, config);
  EXPECT_TRUE(has_frame(run.profile, "m.<init>", rep::FrameKind::Module));
  EXPECT_FALSE(has_frame(run.profile, "util.twice", rep::FrameKind::Function));
  EXPECT_EQ(run.profile.operations.calls_by_function["util.twice"], 2u);  // still counted
}

TEST(ExactModeTest, ExpressionGranularityMakesASpanPerExpression) {
  inst::ProfilerConfig config;
  config.granularity = inst::Granularity::Expression;
  ExactRun run = profile_source("m{\n  main(){\n    x = 1 + 2;\n    return x;\n  }\n}\n", config);
  EXPECT_TRUE(has_frame(run.profile, "Binary @3:11", rep::FrameKind::Expression));
  EXPECT_EQ(total_of(run.profile, "Binary @3:11").calls, 1u);
}

TEST(ExactModeTest, OperationCountsMatchTheProgram) {
  const char* source = R"(m{ main(){
    s = 0; o = {k: 1}; a = [1, 2, 3];
    for (i = 0; i < 10; i++) { s = s + a[1] * o.k; }
    t = "x" + s;
    return 0;
  } })";
  ExactRun run = profile_source(source);
  const rep::OperationMetrics& o = run.profile.operations;
  EXPECT_GE(o.arithmetic, 20u);  // + and * per iteration (and i++)
  EXPECT_GE(o.comparison, 11u);  // i < 10, eleven times
  EXPECT_EQ(o.string, 1u);       // the one concatenation
  EXPECT_GE(o.property_accesses_by_type.at("object"), 10u);
  EXPECT_GE(o.array, 10u);
  EXPECT_GE(o.accesses_by_variable.at("m.main.s"), 10u);
}

}  // namespace
}  // namespace anarchy
