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
#include "aiprof/instrumentation/inline_sink.hpp"
#include "aiprof/report/from_exact.hpp"
#include "anarchy/interpreter/interpreter.hpp"

namespace anarchy {
namespace {

namespace inst = aiprof::instrumentation;
namespace rep = aiprof::report;

// An account of the heap kept by the test itself, through the hooks: every allocation and
// free the interpreter announces is counted here and then passed on to the profiler's
// observer. It owes nothing to the profiler's collectors or to the heap's own statistics, so
// the profile's memory figures can be checked against it.
class AllocationCounter final : public inst::InterpreterObserver {
 public:
  static constexpr uint32_t kOwnBits = inst::kHookAllocate | inst::kHookValueCreate;

  // Stands between the interpreter and the observer attached now.
  void install(uint64_t live_bytes_at_start) {
    inner_ = inst::g_observer;
    inner_mask_ = inst::g_hook_mask;
    live_ = peak_ = live_bytes_at_start;
    inst::attach_observer(this, inner_mask_ | kOwnBits);
  }
  void remove() { inst::attach_observer(inner_, inner_mask_); }

  void on_allocate(inst::ObjectType type, size_t bytes) override {
    ++allocations;
    allocation_bytes += bytes;
    ++allocations_by_type[static_cast<size_t>(type)];
    live_ += bytes;
    peak_ = std::max(peak_, live_);
    if (passes(inst::kHookAllocate)) inner_->on_allocate(type, bytes);
  }
  void on_free(inst::ObjectType type, size_t bytes, uint32_t refcount) override {
    ++frees;
    free_bytes += bytes;
    ++frees_by_type[static_cast<size_t>(type)];
    live_ -= bytes;
    if (passes(inst::kHookAllocate)) inner_->on_free(type, bytes, refcount);
  }
  void on_value_create(inst::ObjectType type) override {
    ++created_by_type[static_cast<size_t>(type)];
    if (passes(inst::kHookValueCreate)) inner_->on_value_create(type);
  }
  // Everything else goes straight on.
  void on_node_enter(uint16_t k, inst::SourcePos p) override { inner_->on_node_enter(k, p); }
  void on_node_exit(uint16_t k) override { inner_->on_node_exit(k); }
  void on_block_enter(inst::SourcePos p) override { inner_->on_block_enter(p); }
  void on_block_exit() override { inner_->on_block_exit(); }
  void on_operation(inst::OperationType t, uint16_t op) override { inner_->on_operation(t, op); }
  void on_collect_begin() override { inner_->on_collect_begin(); }
  void on_collect_end(size_t o, size_t b) override { inner_->on_collect_end(o, b); }
  void on_refcount(int d, uint32_t c) override { inner_->on_refcount(d, c); }
  void on_property(inst::ObjectType r, const char* k, size_t n) override {
    inner_->on_property(r, k, n);
  }
  void on_array_op(uint16_t op) override { inner_->on_array_op(op); }
  void on_module_enter(uint32_t id) override { inner_->on_module_enter(id); }
  void on_module_exit(uint32_t id) override { inner_->on_module_exit(id); }
  void on_import_begin(const char* path) override { inner_->on_import_begin(path); }
  void on_import_end(const char* path) override { inner_->on_import_end(path); }
  void on_call_enter(uint32_t id) override { inner_->on_call_enter(id); }
  void on_call_exit(uint32_t id) override { inner_->on_call_exit(id); }
  void on_variable(uint32_t id) override { inner_->on_variable(id); }
  void on_dictionary(uint16_t op) override { inner_->on_dictionary(op); }

  uint64_t live_bytes() const { return live_; }
  uint64_t peak_bytes() const { return peak_; }
  // Objects of `type` created minus freed while installed (their headers are the only blocks
  // of that type for objects and functions; arrays' and strings' buffers count as arrays).
  int64_t net_objects(inst::ObjectType type) const {
    size_t t = static_cast<size_t>(type);
    return static_cast<int64_t>(created_by_type[t]) - static_cast<int64_t>(frees_by_type[t]);
  }

  uint64_t allocations = 0, allocation_bytes = 0, frees = 0, free_bytes = 0;
  inst::PerObjectType allocations_by_type{}, frees_by_type{}, created_by_type{};

 private:
  bool passes(uint32_t bit) const { return inner_ && (inner_mask_ & bit); }
  inst::InterpreterObserver* inner_ = nullptr;
  uint32_t inner_mask_ = 0;
  uint64_t live_ = 0, peak_ = 0;
};

struct ExactRun {
  int status = 0;
  rep::Profile profile;
  uint64_t heap_live_bytes = 0;       // the heap's own count at the end
  uint64_t heap_blocks_at_start = 0;  // allocations - deallocations by the heap's statistics
  uint64_t heap_blocks_at_end = 0;
  AllocationCounter counted;          // the test's own account, through the hooks
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
                                 {&interp.functions(), &interp.variable_names(), node_kind_name,
                                  &interp.count_sites()});
    profiler.start_session("test");
    profiler.memory().set_baseline(interp.heap().live_bytes());
    run.heap_blocks_at_start = live_blocks(interp.heap());
    observer.attach();
    run.counted.install(interp.heap().live_bytes());
    run.status = source ? interp.run_source(*source, path) : interp.run_file(path);
    run.counted.remove();
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

// The profile's figures against the test's own count through the hooks (AllocationCounter),
// and the heap's live bytes against both: three accounts kept apart must agree.
TEST(ExactModeTest, MemoryFiguresAddUpAgainstTheHeap) {
  ExactRun run = profile_keep_program(true);
  const rep::MemoryMetrics& m = run.profile.memory;
  const AllocationCounter& counted = run.counted;
  ASSERT_EQ(run.status, 0);
  ASSERT_GT(counted.allocations, 1000u);
  EXPECT_EQ(m.total_allocations, counted.allocations);
  EXPECT_EQ(m.total_allocation_bytes, counted.allocation_bytes);
  EXPECT_EQ(m.total_deallocations, counted.frees);
  EXPECT_EQ(m.total_deallocation_bytes, counted.free_bytes);
  EXPECT_EQ(m.peak_memory_bytes, counted.peak_bytes());
  // What the heap says it holds at the end is what it held at the start plus what the hooks
  // saw allocated minus what they saw freed.
  EXPECT_EQ(m.live_bytes_at_end, counted.live_bytes());
  EXPECT_EQ(run.heap_live_bytes, counted.live_bytes());
  EXPECT_EQ(counted.allocations - counted.frees,
            run.heap_blocks_at_end - run.heap_blocks_at_start);
  for (size_t t = 0; t < inst::kObjectTypeCount; ++t) {
    std::string name(inst::object_type_name(static_cast<inst::ObjectType>(t)));
    auto created = m.objects_by_type.find(name);
    EXPECT_EQ(created == m.objects_by_type.end() ? 0 : created->second,
              counted.created_by_type[t])
        << name;
    auto allocated = m.allocations_by_type.find(name);
    EXPECT_EQ(allocated == m.allocations_by_type.end() ? 0 : allocated->second,
              counted.allocations_by_type[t])
        << name;
  }
  uint64_t by_type = 0;
  for (const auto& [type, count] : m.live_objects_by_type) by_type += count;
  EXPECT_EQ(by_type, m.live_objects_at_end);
}

// Allocations by type are reported and add up to the totals, in count and in bytes.
TEST(ExactModeTest, AllocationsByTypeAddUpToTheTotals) {
  ExactRun run = profile_keep_program(true);
  const rep::MemoryMetrics& m = run.profile.memory;
  uint64_t count = 0, bytes = 0;
  for (const auto& [type, n] : m.allocations_by_type) count += n;
  for (const auto& [type, n] : m.allocation_bytes_by_type) bytes += n;
  EXPECT_EQ(count, m.total_allocations);
  EXPECT_EQ(bytes, m.total_allocation_bytes);
  EXPECT_GE(m.allocations_by_type.at("object"), 1000u);  // one {v: t} per iteration
}

// The program keeps 100 objects, each holding one array. The hooks' own count of objects
// created minus freed says so, and so must the profile's live objects.
TEST(ExactModeTest, LiveObjectsAreExactlyWhatTheProgramKept) {
  ExactRun kept = profile_keep_program(true);
  ExactRun dropped = profile_keep_program(false);
  using inst::ObjectType;
  EXPECT_EQ(kept.counted.net_objects(ObjectType::Object) -
                dropped.counted.net_objects(ObjectType::Object),
            100);
  EXPECT_EQ(kept.profile.memory.live_objects_by_type["object"] -
                dropped.profile.memory.live_objects_by_type["object"],
            100u);
  EXPECT_EQ(kept.profile.memory.live_objects_by_type["array"] -
                dropped.profile.memory.live_objects_by_type["array"],
            100u);
  EXPECT_EQ(kept.profile.memory.live_objects_at_end - dropped.profile.memory.live_objects_at_end,
            200u);
  // The 100 kept objects and arrays hold bytes the dropped run gave back.
  EXPECT_EQ(kept.profile.memory.live_bytes_at_end - dropped.profile.memory.live_bytes_at_end,
            kept.counted.live_bytes() - dropped.counted.live_bytes());
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

// The import span starts before the path is resolved and the file read: an import that
// cannot be read, or one already loaded, still has its span (before, only parsing was one).
TEST_F(ExactModeFilesTest, TheImportSpanCoversResolvingAndReading) {
  std::ofstream(dir_ / "twice.ai") << "import \"lib.ai\";\nimport \"./lib.ai\";\n"
                                      "m{ main(){ return util.twice(1); } }\n";
  ExactRun twice = profile_program(path("twice.ai"), nullptr);
  ASSERT_EQ(twice.status, 2);
  EXPECT_EQ(total_of(twice.profile, "import " + path("lib.ai")).calls, 2u);
  std::ofstream(dir_ / "missing.ai") << "import \"nowhere.ai\";\nm{ main(){ return 0; } }\n";
  ExactRun missing = profile_program(path("missing.ai"), nullptr);
  EXPECT_EQ(missing.status, 70);
  EXPECT_EQ(total_of(missing.profile, "import " + path("nowhere.ai")).calls, 1u);
}

TEST_F(ExactModeFilesTest, ModuleGranularityHasNoFunctionSpans) {
  inst::ProfilerConfig config;
  config.granularity = inst::Granularity::Module;
  ExactRun run = profile_program(path("main.ai"), nullptr, config);
  EXPECT_TRUE(has_frame(run.profile, "m.<init>", rep::FrameKind::Module));
  EXPECT_FALSE(has_frame(run.profile, "util.twice", rep::FrameKind::Function));
  EXPECT_EQ(run.profile.operations.calls_by_function["util.twice"], 2u);  // still counted
}

// Expression spans aggregate per (function, site), beside the function tree (not in it).
TEST(ExactModeTest, ExpressionGranularityMakesASpanPerExpression) {
  inst::ProfilerConfig config;
  config.granularity = inst::Granularity::Expression;
  ExactRun run = profile_source("m{\n  main(){\n    x = 1 + 2;\n    return x;\n  }\n}\n", config);
  EXPECT_TRUE(has_frame(run.profile, "Binary @3:11", rep::FrameKind::Expression));
  const rep::ExpressionSite* binary = nullptr;
  for (const rep::ExpressionSite& site : run.profile.expression_sites)
    if (run.profile.frames[site.frame].name == "Binary @3:11") binary = &site;
  ASSERT_NE(binary, nullptr);
  EXPECT_EQ(binary->calls, 1u);
  EXPECT_EQ(run.profile.frames[binary->function_frame].name, "m.main");
  EXPECT_EQ(total_of(run.profile, "m.main").calls, 1u);
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

// The operation counts of `source` under the exact observer: with its inline sink (counters
// incremented at the hook sites, quick paths on, quick trees counted by count site), or with
// every event through the observer's virtual methods (an observer standing between the two
// turns the sink off, and with it the quick paths), the way counts were taken before.
inst::OperationStats operation_counts(const std::string& source, bool through_virtual_calls) {
  RunOptions options;
  options.out = std::fopen("/dev/null", "w");
  inst::OperationStats stats;
  {
    Interpreter interp(options);
    inst::Profiler profiler(inst::ProfilerConfig{});
    inst::ExactObserver observer(profiler, {&interp.functions(), &interp.variable_names(),
                                            node_kind_name, &interp.count_sites()});
    profiler.start_session("counts");
    observer.attach();
    AllocationCounter between;
    if (through_virtual_calls) between.install(0);
    // The path under test is the one taken.
    EXPECT_EQ(inst::g_inline.active, !through_virtual_calls);
    EXPECT_EQ(inst::g_inline.sites != nullptr, !through_virtual_calls);
    EXPECT_EQ(interp.run_source(source, "counts.ai"), 0);
    if (through_virtual_calls) between.remove();
    observer.detach();
    stats = profiler.end_session().operations;
  }
  std::fclose(options.out);
  return stats;
}

// Counts stay exact when they are derived (issue 17): every figure of a program that takes the
// quick paths (arithmetic trees, conditions, assignments, locals read in place, direct calls),
// falls back from them (a leaf that is not a number) and uses properties, indexes, strings and
// the dictionary is the same as when each event is reported one by one.
TEST(ExactModeTest, InlineAndDerivedCountsEqualTheCountsOfEveryEvent) {
  const char* source = R"(m{
  sq(x){ return x * x; }
  main(){
    s = 0; o = {k: 1}; a = [1, 2, 3]; t = "a"; f = sq;
    for (i = 0; i < 40; i++) {
      s = (s + sq(i) % 7) * 2 - i / 3;
      if (i % 3 == 0) { a.push(i); }
      o.k = o.k + a[i % 3];
      t = t + "b";
      if (i > 5 && i <= 30 || !(i != 2)) { s = s - f(2); }
      s += 1;
    }
    x = "q";
    y = x + 1 + 2;
    z = x + s;
    dict.set("g", "hi");
    h = :g + y;
    return 0;
  }
})";
  inst::OperationStats derived = operation_counts(source, false);
  inst::OperationStats each = operation_counts(source, true);
  EXPECT_EQ(derived.by_type, each.by_type);
  EXPECT_EQ(derived.array_accesses, each.array_accesses);
  EXPECT_EQ(derived.function_calls, each.function_calls);
  EXPECT_EQ(derived.calls_by_function, each.calls_by_function);
  EXPECT_EQ(derived.variable_accesses, each.variable_accesses);
  EXPECT_EQ(derived.accesses_by_variable, each.accesses_by_variable);
  EXPECT_EQ(derived.property_accesses_by_type, each.property_accesses_by_type);
  EXPECT_EQ(derived.string_dictionary, each.string_dictionary);
  // And they are the program's: sq called 40 times by name and 26 times through f (i from 6
  // to 30, and i == 2), and i read in every quick tree it is in.
  EXPECT_EQ(derived.calls_by_function["m.sq"], 40u + 25u + 1u);
  EXPECT_GE(derived.accesses_by_variable["m.main.i"], 40u * 6);
  EXPECT_GE(derived.count(inst::OperationType::Arithmetic), 40u * 7);
}

// Each category is reported only when it was tracked: a property access on an object feeds
// both "object" and "property_accesses", and tracking one must not report the other (issue 13).
TEST(ExactModeTest, TrackingOneCategoryNeverReportsAnother) {
  const char* source = R"(m{ main(){
    o = {k: 1}; a = [1, 2]; s = 0;
    for (i = 0; i < 20; i++) { s = s + o.k + a[0]; a.push(i); }
    return 0;
  } })";
  auto only = [&](inst::TrackedOperation op) {
    inst::ProfilerConfig config;
    config.operation_profiling.tracked_operations = inst::OperationSet::none();
    config.operation_profiling.tracked_operations.add(op);
    return profile_source(source, config).profile.operations;
  };
  rep::OperationMetrics properties = only(inst::TrackedOperation::PropertyAccess);
  EXPECT_GE(properties.property_accesses, 20u);
  EXPECT_EQ(properties.object, 0u);
  EXPECT_EQ(properties.array, 0u);
  EXPECT_FALSE(properties.counted("object"));
  rep::OperationMetrics objects = only(inst::TrackedOperation::Object);
  EXPECT_GE(objects.object, 20u);
  EXPECT_EQ(objects.property_accesses, 0u);
  EXPECT_TRUE(objects.property_accesses_by_type.empty());
  EXPECT_FALSE(objects.counted("property_accesses"));
  rep::OperationMetrics arrays = only(inst::TrackedOperation::Array);
  EXPECT_GE(arrays.array, 40u);
  EXPECT_EQ(arrays.property_accesses, 0u);
  EXPECT_EQ(arrays.object, 0u);
  EXPECT_EQ(arrays.arithmetic, 0u);
}

// Built-in array methods are array operations: each call counts once, like an element access.
TEST(ExactModeTest, ArrayMethodsAreCountedAsArrayOperations) {
  auto array_count = [](const std::string& body) {
    std::string source = "m{ main(){ a = [3, 1, 2]; " + body + " return 0; } }";
    return profile_source(source).profile.operations.array;
  };
  uint64_t none = array_count("");
  EXPECT_EQ(array_count("a.push(4); a.push(5);") - none, 2u);
  EXPECT_EQ(array_count("b = a.slice(1); c = a.map(function(x){ return x; });") - none, 2u);
  // A method taken as a value and called later is the same operation.
  EXPECT_EQ(array_count("f = a.push; f(9);") - none, 1u);
  EXPECT_EQ(array_count("n = a.length; x = a[0];") - none, 1u);  // length is not a method call
}

// Anonymous functions are named by their line, so two in one function are two rows.
TEST(ExactModeTest, AnonymousFunctionsAreNamedByTheirLine) {
  const char* source =
      "m{\n"
      "  main(){\n"
      "    up = function(x){ return x + 1; };\n"
      "    down = function(x){ return x - 1; };\n"
      "    return up(1) + down(1) - 2;\n"
      "  }\n"
      "}\n";
  ExactRun run = profile_source(source);
  EXPECT_EQ(total_of(run.profile, "m.main.<anonymous:3>").calls, 1u);
  EXPECT_EQ(total_of(run.profile, "m.main.<anonymous:4>").calls, 1u);
  EXPECT_FALSE(has_frame(run.profile, "m.main.<anonymous>", rep::FrameKind::Function));
  EXPECT_EQ(run.profile.operations.calls_by_function["m.main.<anonymous:3>"], 1u);
  // Two on one line are told apart by their columns.
  ExactRun same_line = profile_source(
      "m{\n  main(){\n    a = [1, 2].map(x => x + 1).map(x => x * 2);\n    return 0;\n  }\n}\n");
  EXPECT_EQ(total_of(same_line.profile, "m.main.<anonymous:3:20>").calls, 2u);
  EXPECT_EQ(total_of(same_line.profile, "m.main.<anonymous:3:36>").calls, 2u);
}

}  // namespace
}  // namespace anarchy
